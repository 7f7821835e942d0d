/**
 * PostgreSQL stops under load and comes back. A real `gadizone serve` runs on a private embedded
 * PostgreSQL of its own (so the test can really stop the server, not just refuse connections), with
 * 1-second cache TTLs so that reads during the outage must come from the cache's grace. While ~24 clients
 * read the catalogue and send leads, the database is shut down and started again:
 *  - reads stay 200 (X-Cache HIT or STALE; a list the cache no longer holds is a MISS answered from the
 *    catalogue read model, in memory), never a 5xx;
 *  - writes are 201, or 503 DATABASE_UNAVAILABLE with Retry-After: never a 500, never a reset;
 *  - the breaker opens (health says so), and once the database is back writes succeed again;
 *  - every lead acknowledged with 201 is in the database afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { inject } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';
import { createTemplate, withDatabase } from '../setup/template.js';
import { report, send, startLoad, startServer, unanswered, until, type Answer, type Call, type Server } from './load.js';

const CONCURRENCY = 24;
const PER_PHASE = 150;
/** After PostgreSQL has stopped, how long answers computed before the stop may still arrive. */
const IN_FLIGHT_SETTLE_MS = 250;
const PATHS = ['/api/brands', '/api/models?bodyType=suv', '/api/models/hyundai-creta', '/api/variants?fuel=diesel&sort=price'];
const LEAD_EVERY = 8;
const DATABASE = 'gadizone';

type Phase = 'up' | 'stopping' | 'down' | 'back';

describe.runIf(inject('engine') === 'embedded')('PostgreSQL stopped during load', () => {
  let dataDir: string;
  let port: number;
  let postgres: EmbeddedPostgres;
  let server: Server;
  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({ dataDir, port, log: () => undefined, settings: { fsync: 'off', full_page_writes: 'off' } });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gadizone-chaos-pg-'));
    port = await freePort();
    await startPostgres();
    await createTemplate(withDatabase(postgres.url, 'postgres'), DATABASE);
    server = await startServer(postgres.url, {
      RATE_LIMIT_ALLOWLIST: '127.0.0.1,::1',
      CACHE_TTL_BRANDS_S: '1',
      CACHE_TTL_MODELS_S: '1',
      CACHE_TTL_VARIANTS_S: '1',
      DATABASE_CONNECTION_TIMEOUT_MS: '1000',
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('serves reads from cache, refuses writes with 503 DATABASE_UNAVAILABLE, and recovers', async () => {
    let phase: Phase = 'up';
    const answeredIn: Record<Phase, number> = { up: 0, stopping: 0, down: 0, back: 0 };
    const readCache: Record<Phase, Record<string, number>> = { up: {}, stopping: {}, down: {}, back: {} };
    const refusedWrites: Record<Phase, number> = { up: 0, stopping: 0, down: 0, back: 0 };
    const broken: string[] = [];
    const acknowledged: number[] = [];
    const next = (n: number): Call =>
      n % LEAD_EVERY === 0
        ? { method: 'POST', path: '/api/leads', body: { name: 'Chaos Postgres', phone: `8${String(n).padStart(9, '0')}`, city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' } }
        : { path: PATHS[n % PATHS.length]! };
    const observe = (call: Call, answer: Answer) => {
      if ('error' in answer) return void broken.push(`${phase} ${call.method ?? 'GET'} ${call.path}: ${answer.error}`);
      answeredIn[phase] += 1;
      if (call.method !== 'POST') {
        const tier = String(answer.headers['x-cache']);
        readCache[phase][tier] = (readCache[phase][tier] ?? 0) + 1;
        if (answer.status !== 200) broken.push(`${phase} GET ${call.path}: ${answer.status} ${answer.body.slice(0, 200)}`);
      } else if (answer.status === 201) acknowledged.push((JSON.parse(answer.body) as { data: { id: number } }).data.id);
      else if (answer.status === 503 && answer.body.includes('"DATABASE_UNAVAILABLE"') && answer.headers['retry-after'] === '5') refusedWrites[phase] += 1;
      else broken.push(`${phase} POST: ${answer.status} ${answer.body.slice(0, 200)}`);
    };
    const probe = new Agent({ keepAlive: false });
    const databaseHealth = async () => {
      const answer = await send(probe, server.port, { path: '/api/monitoring/health' });
      return 'status' in answer ? (JSON.parse(answer.body) as { components: { database: { status: string; detail?: string } } }).components.database : null;
    };

    const load = startLoad(server.port, CONCURRENCY, next, observe);
    let outageMs = 0;
    let recoveryMs = 0;
    try {
      await until(() => answeredIn.up >= PER_PHASE, 20_000, () => `only ${answeredIn.up} answers with the database up`);
      // While PostgreSQL shuts down, answers may still come from it (a MISS) or already be refused: both
      // are right, so they are counted apart. From the moment it has stopped, reads must come from cache.
      phase = 'stopping';
      const stoppedAt = Date.now();
      await postgres.stop();
      // An answer whose query finished just before the stop may still be on its way out.
      await new Promise((r) => setTimeout(r, IN_FLIGHT_SETTLE_MS));
      phase = 'down';
      await until(async () => (await databaseHealth())?.detail?.includes('circuit open') === true, 20_000, () => 'the breaker never opened');
      // Past the 1 s TTLs, reads must come from grace.
      await until(() => answeredIn.down >= PER_PHASE && (readCache.down.STALE ?? 0) > 0 && refusedWrites.down > 0, 20_000, () => `down: ${answeredIn.down} answers, reads ${JSON.stringify(readCache.down)}, writes refused ${refusedWrites.down}`);
      outageMs = Date.now() - stoppedAt;

      await startPostgres();
      phase = 'back';
      const restartedAt = Date.now();
      const acknowledgedBefore = acknowledged.length;
      await until(() => acknowledged.length > acknowledgedBefore && answeredIn.back >= PER_PHASE, 30_000, () => `back: ${answeredIn.back} answers, ${acknowledged.length - acknowledgedBefore} writes acknowledged`);
      recoveryMs = Date.now() - restartedAt;
      await until(async () => (await databaseHealth())?.status === 'up', 10_000, () => 'health never reported the database up');
    } finally {
      await load.stop();
    }

    const { stats } = load;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE id = ANY($1)', [acknowledged]);
    await client.end();
    const lost = acknowledged.length - rows[0]!.n;
    report(
      'PostgreSQL stopped during load',
      { sent: stats.sent, failed: broken.length, lost },
      `outage ${outageMs} ms, writes back ${recoveryMs} ms after restart; answers up/down/back ${answeredIn.up}/${answeredIn.down}/${answeredIn.back}; ` +
        `reads while down ${JSON.stringify(readCache.down)}; writes acknowledged ${acknowledged.length}, refused 503 ${refusedWrites.up}/${refusedWrites.down}/${refusedWrites.back}`,
    );

    expect(broken.slice(0, 10), server.output(1_500)).toEqual([]);
    expect(unanswered(stats)).toBe(0);
    expect(Object.keys(readCache.down).sort().filter((tier) => !['HIT', 'STALE', 'MISS'].includes(tier))).toEqual([]);
    expect(refusedWrites.up, 'writes refused before the outage').toBe(0);
    expect(lost).toBe(0);
  }, 120_000);
});
