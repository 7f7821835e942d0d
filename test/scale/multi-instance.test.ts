/**
 * Many instances as one system: three `gadizone serve` processes (each its own "host" on a loopback port)
 * share one PostgreSQL database (this project's server, reached over TCP like any host would) and one Redis
 * (TEST_REDIS_URL under a prefix of this file's own, or a private redis-server), behind a real nginx running
 * deploy/nginx/nginx.conf with only its addresses and paths rewritten. Checked through nginx: a write through
 * one instance shows on every instance within 100 ms, one rate-limit budget is shared by all three, an admin
 * session opened on one is refreshed on another and used on the third, and scheduled jobs, upserted by all
 * three, run once per period. Skipped with the reason when nginx or redis-server is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/auth/passwords.js';
import { createTestDatabase, TEST_JWT_SECRET, uniqueRedisPrefix, type TestDatabase } from '../helpers.js';
import { readDeploy } from '../deploy/deploy-files.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../setup/redis-server.js';
import { waitFor } from '../setup/redis-topologies.js';

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missing = ['nginx', ...(process.env.TEST_REDIS_URL ? [] : ['redis-server'])].filter((command) => !has(command));
if (missing.length > 0) console.warn(`test/scale/multi-instance.test.ts skipped: ${missing.join(' and ')} not installed`);

const INSTANCES = 3;
const INVALIDATION_BOUND_MS = 100;
const LEAD_BUDGET = 5;
const START_TIMEOUT_MS = 60_000;
/** The shortest schedule the configuration allows (ANALYTICS_ROLLUP_EVERY_MINUTES=1). */
const ROLL_UP_PERIOD_MS = 60_000;

interface Instance {
  port: number;
  child: ChildProcess;
  output: () => string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> } & Record<string, unknown>;
}

async function call(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : {} };
}

function startInstance(port: number, env: Record<string, string>): Instance {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve'], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { port, child, output: () => output };
}

async function stopInstance({ child }: Instance): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}

/** deploy/nginx/nginx.conf over the three instances, with an X-Upstream header showing which one answered. */
function nginxConfig(dir: string, listenPort: number, ports: number[]): string {
  const upstreams = ports.map((port) => `server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`).join('\n        ');
  const config = readDeploy('nginx', 'nginx.conf')
    .replace(/server app1:3000[^\n]*\n\s*server app2:3000[^\n]*;/, upstreams)
    // One worker: round robin is then one sequence, so consecutive requests reach the instances in turn.
    .replace('worker_processes auto;', 'worker_processes 1;')
    .replace('listen 80 default_server;', `listen 127.0.0.1:${listenPort} default_server;`)
    .replace('pid /var/run/nginx.pid;', `pid ${dir}/nginx.pid;`)
    .replaceAll('/var/log/nginx/', `${dir}/`)
    .replace('/var/cache/nginx/gadizone', `${dir}/cache`)
    // nginx's own cache keeps a public answer for its s-maxage by design (it is one cache in front of every
    // instance, and cannot be invalidated by them): off here, because what is tested is the instances behind it.
    .replace('proxy_cache gadizone;', 'proxy_cache off;')
    .replace('add_header X-Proxy-Cache $upstream_cache_status always;', 'add_header X-Upstream $upstream_addr always;');
  expect(config.match(/127\.0\.0\.1:\d+/g)).toHaveLength(INSTANCES + 1);
  expect(config).toContain('X-Upstream');
  return config;
}

describe.skipIf(missing.length > 0)(`${INSTANCES} gadizone serve processes behind nginx`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gz-multi-'));
  const prefix = uniqueRedisPrefix();
  let database: TestDatabase;
  let privateRedis: PrivateRedis | undefined;
  let redisUrl = '';
  let instances: Instance[] = [];
  let nginx: ChildProcess | undefined;
  let front = 0;
  const admin = { email: `multi-${prefix}@example.test`, password: `pw-${prefix}-long-enough-for-policy` };

  beforeAll(async () => {
    chmodSync(dir, 0o755); // nginx's workers drop privileges and must reach the cache and temp directories
    [database, privateRedis] = await Promise.all([createTestDatabase(), process.env.TEST_REDIS_URL ? undefined : startPrivateRedis()]);
    redisUrl = process.env.TEST_REDIS_URL ?? privateRedis!.url;
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await pool.query('INSERT INTO admin_users (email, password_hash, role, name) VALUES ($1, $2, $3, $4)', [admin.email, await hashPassword(admin.password), 'admin', 'Multi Admin']);
    await pool.end();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      JWT_SECRET: TEST_JWT_SECRET,
      HOST: '127.0.0.1',
      WORKERS: '1',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_PUBLIC: '100000/1m',
      RATE_LIMIT_LEADS: `${LEAD_BUDGET}/1h`,
      // The second client reuses the first one's phone number: only the per-IP budget is under test.
      RATE_LIMIT_LEADS_PHONE: '1000/1h',
      ANALYTICS_ROLLUP_EVERY_MINUTES: '1',
      CACHE_WARMUP_TIMEOUT_MS: '0',
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      SHUTDOWN_DRAIN_MS: '0',
    };
    const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
    instances = ports.map((port) => startInstance(port, env));
    for (const instance of instances) {
      await waitFor(`instance on ${instance.port} to be ready\n${instance.output()}`, async () => ((await call(instance.port, '/api/monitoring/ready')).status === 200 ? true : undefined), START_TIMEOUT_MS);
    }
    front = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, front, ports));
    nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', join(dir, 'startup.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
    await waitFor('nginx', async () => ((await call(front, '/nginx-health')).status === 200 ? true : undefined), 10_000);
  }, 120_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await Promise.all(instances.map(stopInstance));
    if (process.env.TEST_REDIS_URL) {
      const redis = new Redis(process.env.TEST_REDIS_URL);
      for (const key of await redis.keys(`${prefix}:*`)) await redis.del(key);
      redis.disconnect();
    }
    await privateRedis?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(`shows a write made through one instance on every instance, through nginx, within ${INVALIDATION_BOUND_MS} ms`, async () => {
    const [a] = instances;
    const login = await call(a!.port, '/api/admin/auth/login', { method: 'POST', body: admin });
    expect(login.status).toBe(200);
    const headers = { authorization: `Bearer ${String(login.body.data!.accessToken)}` };
    const slug = 'tata-nexon-smart-plus';
    const url = `/api/variants/${slug}`;
    const priceThrough = async (port: number) => {
      const sentAt = performance.now();
      const answer = await call(port, url);
      expect(answer.status).toBe(200);
      return { price: answer.body.data!.priceInr as number, upstream: answer.headers.get('x-upstream') ?? '', cache: answer.headers.get('x-cache'), sentAt };
    };
    // Every instance holds the answer in memory: a round through nginx is all hits, so only an invalidation
    // that reaches each instance can change what it answers.
    for (const instance of instances) await priceThrough(instance.port);
    const warm = [];
    for (const _ of instances) warm.push(await priceThrough(front));
    expect(warm.map((w) => w.cache)).toEqual(instances.map(() => 'HIT'));
    expect(new Set(warm.map((w) => w.upstream)).size).toBe(INSTANCES);
    const before = warm[0]!.price;
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const { rows } = await pool.query<{ id: number; version: number }>('SELECT id, version FROM variants WHERE slug = $1', [slug]).finally(() => pool.end());
    const variant = rows[0]!;

    const changed = await call(a!.port, `/api/admin/variants/${variant.id}`, { method: 'PATCH', headers: { ...headers, 'if-match': `"v${variant.version}"` }, body: { priceInr: before + 4321 } });
    expect(changed.status).toBe(200);
    const written = performance.now();
    // Round robin: consecutive requests through nginx reach the three instances in turn. The write is visible
    // from the moment the first of two full rounds of agreeing answers was sent.
    let seen: Array<Awaited<ReturnType<typeof priceThrough>>> = [];
    while (performance.now() - written < INVALIDATION_BOUND_MS * 20) {
      seen = [...seen, await priceThrough(front)].slice(-INSTANCES * 2);
      if (seen.length === INSTANCES * 2 && seen.every((s) => s.price === before + 4321)) break;
    }
    const elapsed = Math.max(0, seen[0]!.sentAt - written);
    console.info(`write through one instance visible on all ${INSTANCES} through nginx after ${elapsed.toFixed(1)} ms`);
    expect(seen.map((s) => s.price)).toEqual(seen.map(() => before + 4321));
    expect(new Set(seen.map((s) => s.upstream)).size).toBe(INSTANCES);
    expect(elapsed).toBeLessThan(INVALIDATION_BOUND_MS);
  });

  it(`shares one rate-limit budget: ${LEAD_BUDGET} leads per client pass across all ${INSTANCES} instances, no more`, async () => {
    const lead = { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };
    const answers = await Promise.all(
      Array.from({ length: LEAD_BUDGET * 3 }, () => call(front, '/api/leads', { method: 'POST', headers: { 'x-forwarded-for': '198.51.100.23' }, body: lead })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(LEAD_BUDGET);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(LEAD_BUDGET * 2);
    expect(new Set(answers.map((a) => a.headers.get('x-upstream'))).size).toBe(INSTANCES);
    // Another client has its own budget.
    expect((await call(front, '/api/leads', { method: 'POST', headers: { 'x-forwarded-for': '198.51.100.24' }, body: lead })).status).toBe(201);
  });

  it('keeps an admin session across instances: login on one, refresh on another, use on the third', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const login = await call(a.port, '/api/admin/auth/login', { method: 'POST', body: admin });
    expect(login.status).toBe(200);
    const refreshed = await call(b.port, '/api/admin/auth/refresh', { method: 'POST', body: { refreshToken: login.body.data!.refreshToken } });
    expect(refreshed.status).toBe(200);
    const me = await call(c.port, '/api/admin/auth/me', { headers: { authorization: `Bearer ${String(refreshed.body.data!.accessToken)}` } });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ email: admin.email });
    // The rotated-out token replayed on the third instance is recognised as reuse, which ends the session everywhere.
    expect((await call(c.port, '/api/admin/auth/refresh', { method: 'POST', body: { refreshToken: login.body.data!.refreshToken } })).status).toBe(401);
    expect((await call(a.port, '/api/admin/auth/refresh', { method: 'POST', body: { refreshToken: refreshed.body.data!.refreshToken } })).status).toBe(401);
  });

  it('runs each scheduled job once per period, although all three instances schedule it', async () => {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('jobs', { connection, prefix: `${prefix}:bull` });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(['analytics-partitions', 'analytics-roll-up']);
      const runs = await waitFor('the first roll-up to run', async () => {
        const jobs = (await queue.getJobs(['completed', 'failed', 'active', 'waiting'])).filter((job) => job.name === 'analytics.roll-up');
        return jobs.some((job) => job.finishedOn) ? jobs : undefined;
      });
      // Every instance has had time to upsert (they were ready before the tests began); give a duplicate time to show.
      await new Promise((r) => setTimeout(r, 1_000));
      const all = (await queue.getJobs(['completed', 'failed', 'active', 'waiting'])).filter((job) => job.name === 'analytics.roll-up');
      const started = all.map((job) => job.timestamp).sort((x, y) => x - y);
      console.info(`roll-up jobs: ${all.map((job) => job.id).join(', ')}`);
      expect(runs.length).toBeGreaterThanOrEqual(1);
      // The file runs for well under two periods: at most two periods' jobs, a full period apart.
      expect(all.length).toBeLessThanOrEqual(2);
      if (started.length === 2) expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(ROLL_UP_PERIOD_MS - 1_000);
      expect(all.every((job) => job.failedReason === undefined)).toBe(true);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
