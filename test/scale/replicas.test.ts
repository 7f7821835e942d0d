/**
 * Read replicas (DATABASE_REPLICA_URLS) against a real streaming replica this file creates: reads are
 * answered by the replica; writes, the writer's next reads and cache fills after a write see the primary;
 * a replica paused past REPLICA_MAX_LAG_MS is taken out and put back when it catches up; a replica that
 * stops costs no request. Skipped where PostgreSQL 15's server binaries are missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { READ_PRIMARY_COOKIE } from '../../src/platform/read-routing.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { testConfig, uniqueRedisPrefix } from '../helpers.js';
import { canRunStreamingReplica, startStreamingPair, type StreamingPair } from './streaming-replica.js';

const MAX_LAG_MS = 1_500;
const CHECK_INTERVAL_MS = 200;
const STICKY_MS = MAX_LAG_MS + CHECK_INTERVAL_MS;
const POLL_TIMEOUT_MS = 15_000;

describe('DATABASE_REPLICA_URLS configuration', () => {
  const primary = 'postgres://app@db:5432/gz';
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ JWT_SECRET: 'x'.repeat(48), ...env });
      return [];
    } catch (error) {
      return error instanceof ConfigError ? error.problems : [String(error)];
    }
  };

  it('reads a comma-separated list, with defaults for the bounds', () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(48), DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'postgres://app@r1:5432/gz, postgresql://app@r2/gz' });
    expect(config.replicas).toEqual({ urls: ['postgres://app@r1:5432/gz', 'postgresql://app@r2/gz'], maxLagMs: 5_000, checkIntervalMs: 1_000, stickyMs: 10_000 });
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(48), DATABASE_URL: primary }).replicas.urls).toEqual([]);
  });

  it('names the variable for a bad entry without echoing it (passwords)', () => {
    const found = problems({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'postgres://app@r1/gz,mysql://u:secret@r2/gz' });
    expect(found).toEqual(['DATABASE_REPLICA_URLS: entry 2 is not a URL starting with postgres:// or postgresql://']);
    expect(problems({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: primary })[0]).toMatch(/^DATABASE_REPLICA_URLS: entry 1 is DATABASE_URL itself/);
    expect(problems({ DATABASE_REPLICA_URLS: 'postgres://app@r1/gz' })).toEqual(['DATABASE_REPLICA_URLS: needs DATABASE_URL (the primary); the embedded database has no replicas']);
    expect(problems({ DATABASE_URL: primary, REPLICA_MAX_LAG_MS: '5000', REPLICA_STICKY_MS: '3000' })[0]).toMatch(/^REPLICA_STICKY_MS=3000: must be at least/);
    expect(problems({ DATABASE_URL: primary, REPLICA_MAX_LAG_MS: 'soon' })[0]).toMatch(/^REPLICA_MAX_LAG_MS="soon"/);
  });
});

describe.skipIf(!canRunStreamingReplica)('reads on a streaming replica', () => {
  let pair: StreamingPair;
  let app: FastifyInstance;
  let admin: TestSession;
  let brand: { id: number; slug: string; name: string };

  const replicaHealth = async () => {
    const report = (await app.inject({ method: 'GET', url: '/api/monitoring/health' })).json();
    const entry = Object.entries(report.components as Record<string, { status: string; detail: string }>).find(([name]) => name.startsWith('replica '));
    return entry![1];
  };
  const until = async (what: string, condition: () => Promise<boolean>) => {
    const deadline = Date.now() + POLL_TIMEOUT_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const metric = async (pattern: RegExp, on = app) => {
    const text = (await on.inject({ method: 'GET', url: '/api/monitoring/metrics' })).body;
    return Number(pattern.exec(text)?.[1] ?? NaN);
  };
  /** Statements the replica answered (the counter appears with the first one). */
  const replicaReads = async (on = app) => (await metric(/^db_reads_total\{target="replica",app="gadizone"\} (\d+)/m, on)) || 0;
  /** The admin API's view of the brand (never cached, so every call reads the database). */
  const adminName = async (headers: Record<string, string>) => {
    const response = await app.inject({ method: 'GET', url: `/api/admin/brands/${brand.id}`, headers });
    expect(response.statusCode).toBe(200);
    return response.json().data.name as string;
  };
  const renameOnPrimary = async (name: string) => {
    await pair.sql('primary', 'UPDATE brands SET name = $1 WHERE id = $2', [name, brand.id]);
  };
  /** Waits until the replica has replayed everything and serves reads again (writers' windows over). */
  const replicaServing = async () => {
    await until('the replica is in service', async () => (await replicaHealth()).status === 'up');
    await new Promise((resolve) => setTimeout(resolve, STICKY_MS));
  };

  beforeAll(async () => {
    pair = await startStreamingPair();
    const config = testConfig(pair.primaryUrl, { replicas: { urls: [pair.replicaUrl], maxLagMs: MAX_LAG_MS, checkIntervalMs: CHECK_INTERVAL_MS, stickyMs: STICKY_MS } });
    app = await buildApp({ config, logger: false });
    await app.ready();
    admin = await signedIn(app, 'admin');
    const rows = await pair.sql('primary', 'SELECT id, slug, name FROM brands WHERE deleted_at IS NULL ORDER BY id LIMIT 1');
    brand = rows[0] as typeof brand;
    await new Promise((resolve) => setTimeout(resolve, STICKY_MS)); // signing in wrote (refresh token)
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pair?.close();
  });

  it('answers reads from the replica: a row changed on the primary while replay is paused stays unseen, except by its writer', async () => {
    expect(await replicaHealth()).toMatchObject({ status: 'up' });
    expect(app.pgRead).not.toBe(app.pg);
    await pair.sql('replica', 'SELECT pg_wal_replay_pause()');
    await renameOnPrimary('Written While Paused');
    const before = await replicaReads();
    expect(await adminName(admin.headers)).toBe(brand.name);
    expect((await app.inject({ method: 'GET', url: `/api/brands/${brand.slug}` })).json().data.name).toBe(brand.name);
    expect(await replicaReads()).toBeGreaterThan(before);
    const sessions = await pair.sql('replica', `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'gadizone-replica'`);
    expect(sessions[0]!.n).toBeGreaterThan(0);
    // A visitor who has just submitted a form carries the cookie: their reads go to the primary, nobody else's.
    const lead = await app.inject({ method: 'POST', url: '/api/leads', payload: { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' } });
    expect(lead.statusCode).toBe(201);
    const cookie = lead.cookies.find((c) => c.name === READ_PRIMARY_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await adminName({ ...admin.headers, cookie: `${cookie!.name}=${cookie!.value}` })).toBe('Written While Paused');
    expect(await adminName(admin.headers)).toBe(brand.name);
    await pair.sql('replica', 'SELECT pg_wal_replay_resume()');
    await renameOnPrimary(brand.name);
    await replicaServing();
  });

  it('is app.pg itself without replicas: no routing, no hooks', async () => {
    const plain = await buildApp({ config: testConfig(pair.primaryUrl), logger: false });
    try {
      await plain.ready();
      expect(plain.pgRead).toBe(plain.pg);
      expect(plain.replicas).toBeNull();
      expect(plain.hasRequestDecorator('readState')).toBe(false);
      expect((await plain.inject({ method: 'GET', url: `/api/brands/${brand.slug}` })).statusCode).toBe(200);
    } finally {
      await plain.close();
    }
  });

  it('shows an admin their own write at once, and refills the public cache from the primary', async () => {
    const cached = await app.inject({ method: 'GET', url: `/api/brands/${brand.slug}` });
    expect(cached.json().data.name).toBe(brand.name);
    await pair.sql('replica', 'SELECT pg_wal_replay_pause()');
    const version = (await app.inject({ method: 'GET', url: `/api/admin/brands/${brand.id}`, headers: admin.headers })).json().data.version as number;
    const saved = await app.inject({ method: 'PATCH', url: `/api/admin/brands/${brand.id}`, headers: { ...admin.headers, 'if-match': `"v${version}"` }, payload: { name: 'Saved By Admin' } });
    expect(saved.statusCode).toBe(200);
    expect(String(saved.headers['set-cookie'])).toContain(`${READ_PRIMARY_COOKIE}=`);
    // The replica has not replayed the save, yet the admin (bearer token, no cookie) and the refilled public answer show it.
    expect(await adminName(admin.headers)).toBe('Saved By Admin');
    const refilled = await app.inject({ method: 'GET', url: `/api/brands/${brand.slug}` });
    expect(refilled.headers['x-cache']).toBe('MISS');
    expect(refilled.json().data.name).toBe('Saved By Admin');
    await pair.sql('replica', 'SELECT pg_wal_replay_resume()');
    await replicaServing();
    expect(await adminName(admin.headers)).toBe('Saved By Admin');
  });

  it('takes a replica paused past REPLICA_MAX_LAG_MS out of service, and puts it back once it catches up', async () => {
    await pair.sql('replica', 'SELECT pg_wal_replay_pause()');
    await renameOnPrimary('Lagging Name');
    await until('the paused replica is taken out', async () => (await replicaHealth()).status === 'down');
    expect((await replicaHealth()).detail).toMatch(/out of service \(lagging\): \d+ ms behind \(bound 1500 ms\)/);
    expect(await metric(/^db_replica_in_service\{replica="[^"]+",app="gadizone"\} (\d+)/m)).toBe(0);
    // Out of service, so reads see the primary.
    expect(await adminName(admin.headers)).toBe('Lagging Name');
    expect((await app.inject({ method: 'GET', url: '/api/monitoring/ready' })).statusCode).toBe(200);
    await pair.sql('replica', 'SELECT pg_wal_replay_resume()');
    await until('the caught-up replica is back', async () => (await replicaHealth()).status === 'up');
    expect(await metric(/^db_replica_in_service\{replica="[^"]+",app="gadizone"\} (\d+)/m)).toBe(1);
    const before = await replicaReads();
    expect(await adminName(admin.headers)).toBe('Lagging Name');
    expect(await replicaReads()).toBeGreaterThan(before);
  });

  it.skipIf(!process.env.TEST_REDIS_URL)('refills another process from the primary after an admin write there, but not after its mere fills', async () => {
    const shared = { redisUrl: process.env.TEST_REDIS_URL!, redisPrefix: uniqueRedisPrefix() };
    const replicas = { urls: [pair.replicaUrl], maxLagMs: MAX_LAG_MS, checkIntervalMs: CHECK_INTERVAL_MS, stickyMs: STICKY_MS };
    const [a, b] = await Promise.all([0, 1].map(() => buildApp({ config: testConfig(pair.primaryUrl, { ...shared, replicas }), logger: false })));
    try {
      await Promise.all([a!.ready(), b!.ready()]);
      await replicaServing();
      // A fill on A is announced on the bus (bentocache's "set"); it changes no data, so B keeps its replica.
      expect((await a!.inject({ method: 'GET', url: '/api/brands?limit=2' })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = await replicaReads(b);
      await b!.inject({ method: 'GET', url: `/api/admin/brands/${brand.id}`, headers: admin.headers });
      expect(await replicaReads(b)).toBeGreaterThan(before);

      await pair.sql('replica', 'SELECT pg_wal_replay_pause()');
      const version = (await a!.inject({ method: 'GET', url: `/api/admin/brands/${brand.id}`, headers: admin.headers })).json().data.version as number;
      const saved = await a!.inject({ method: 'PATCH', url: `/api/admin/brands/${brand.id}`, headers: { ...admin.headers, 'if-match': `"v${version}"` }, payload: { name: 'Saved On A' } });
      expect(saved.statusCode).toBe(200);
      // Only the primary has the new name while replay is paused: B shows it once A's invalidation reaches it.
      await until('B shows the name saved on A', async () => (await b!.inject({ method: 'GET', url: `/api/brands/${brand.slug}` })).json().data.name === 'Saved On A');
    } finally {
      await pair.sql('replica', 'SELECT pg_wal_replay_resume()');
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('moves reads to the primary when the replica stops, without failing a request', async () => {
    await replicaServing();
    const statuses: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) statuses.push((await app.inject({ method: 'GET', url: `/api/admin/brands/${brand.id}`, headers: admin.headers })).statusCode);
    })();
    await until('reads are flowing', async () => statuses.length >= 5);
    await pair.stopReplica();
    await until('the stopped replica is out', async () => (await replicaHealth()).status === 'down');
    const afterStop = statuses.length;
    await until('reads went on after the stop', async () => statuses.length >= afterStop + 5);
    reading = false;
    await reader;
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect((await replicaHealth()).detail).toMatch(/out of service \(down\)/);
    expect((await app.inject({ method: 'GET', url: '/api/brands?limit=3' })).statusCode).toBe(200);
  });
});
