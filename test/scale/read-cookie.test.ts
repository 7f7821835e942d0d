/**
 * The read-primary cookie (gz_rw) is signed and honoured for REPLICA_STICKY_MS from now at most: anyone
 * could send `gz_rw=99999999999999` and pin every read of theirs to the primary, which is what replicas
 * are there to spare. Codec first; then, on a real streaming replica (skipped where PostgreSQL 15's server
 * binaries are missing), a forged cookie reads the replica while the cookie a write sets reads the primary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createReadCookieCodec, READ_PRIMARY_COOKIE } from '../../src/platform/read-routing.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { testConfig } from '../helpers.js';
import { canRunStreamingReplica, startStreamingPair, type StreamingPair } from './streaming-replica.js';

const SECRET = 'a'.repeat(48);
const STICKY_MS = 10_000;

describe('the read-primary cookie codec', () => {
  const codec = createReadCookieCodec(SECRET, STICKY_MS);
  const now = Date.now();

  it('reads back the time it signed', () => {
    expect(codec.decode(codec.encode(now + 5_000), now)).toBe(now + 5_000);
    expect(createReadCookieCodec(SECRET, STICKY_MS).decode(codec.encode(now + 5_000), now)).toBe(now + 5_000); // another process, same secret
  });

  it('ignores unsigned, forged, altered and malformed values', () => {
    const signed = codec.encode(now + 5_000);
    const signature = signed.split('.')[1]!;
    for (const value of [undefined, '', '99999999999999', String(now + 5_000), `99999999999999.${signature}`, `${now + 5_000}.${'A'.repeat(22)}`, `${signed}x`, `${signed}.1`, `-1.${signature}`, 'x'.repeat(4_000)]) {
      expect(codec.decode(value, now), String(value)).toBeUndefined();
    }
  });

  it("ignores another deployment's signature", () => {
    expect(codec.decode(createReadCookieCodec('b'.repeat(48), STICKY_MS).encode(now + 5_000), now)).toBeUndefined();
  });

  it('holds even a signed far-future time to REPLICA_STICKY_MS from now', () => {
    expect(codec.decode(codec.encode(now + 10 ** 12), now)).toBe(now + STICKY_MS);
  });
});

/** Long enough that the replica, paused for the test, is not taken out for lagging while a busy machine runs it. */
const MAX_LAG_MS = 5_000;
const CHECK_INTERVAL_MS = 200;
const REPLICA_STICKY_MS = MAX_LAG_MS + CHECK_INTERVAL_MS;
const POLL_TIMEOUT_MS = 15_000;

describe.skipIf(!canRunStreamingReplica)('gz_rw on a streaming replica', () => {
  let pair: StreamingPair;
  let app: FastifyInstance;
  let admin: TestSession;
  let brand: { id: number; name: string };

  const until = async (what: string, condition: () => Promise<boolean>) => {
    const deadline = Date.now() + POLL_TIMEOUT_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const replicaUp = async () => {
    const report = (await app.inject({ method: 'GET', url: '/api/monitoring/health' })).json();
    return Object.entries(report.components as Record<string, { status: string }>).some(([name, c]) => name.startsWith('replica ') && c.status === 'up');
  };
  /** The admin API's view of the brand: never cached, so every call reads the database the router picks. */
  const adminName = async (cookie?: string) => {
    const headers = cookie === undefined ? admin.headers : { ...admin.headers, cookie };
    const response = await app.inject({ method: 'GET', url: `/api/admin/brands/${brand.id}`, headers });
    expect(response.statusCode).toBe(200);
    return response.json().data.name as string;
  };

  beforeAll(async () => {
    pair = await startStreamingPair();
    const config = testConfig(pair.primaryUrl, { replicas: { urls: [pair.replicaUrl], maxLagMs: MAX_LAG_MS, checkIntervalMs: CHECK_INTERVAL_MS, stickyMs: REPLICA_STICKY_MS } });
    app = await buildApp({ config, logger: false });
    await app.ready();
    admin = await signedIn(app, 'admin');
    brand = (await pair.sql('primary', 'SELECT id, name FROM brands WHERE deleted_at IS NULL ORDER BY id LIMIT 1'))[0] as typeof brand;
    await until('the replica is in service', replicaUp);
    await new Promise((resolve) => setTimeout(resolve, REPLICA_STICKY_MS)); // signing in wrote (refresh token)
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pair?.close();
  });

  it('reads the replica for a forged cookie, and the primary for the cookie a write set', async () => {
    await pair.sql('replica', 'SELECT pg_wal_replay_pause()');
    try {
      await pair.sql('primary', 'UPDATE brands SET name = $1 WHERE id = $2', ['Renamed On The Primary', brand.id]);
      for (const forged of ['99999999999999', `${Date.now() + 60_000}`, `99999999999999.${'A'.repeat(22)}`]) {
        expect(await adminName(`${READ_PRIMARY_COOKIE}=${forged}`), forged).toBe(brand.name);
      }
      const lead = await app.inject({ method: 'POST', url: '/api/leads', payload: { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' } });
      expect(lead.statusCode).toBe(201);
      const cookie = lead.cookies.find((c) => c.name === READ_PRIMARY_COOKIE)!;
      expect(cookie.value).toMatch(/^\d+\.[A-Za-z0-9_-]{22}$/);
      expect(await adminName(`${cookie.name}=${cookie.value}`)).toBe('Renamed On The Primary');
    } finally {
      await pair.sql('replica', 'SELECT pg_wal_replay_resume()');
      await pair.sql('primary', 'UPDATE brands SET name = $1 WHERE id = $2', [brand.name, brand.id]);
    }
  });
});
