/**
 * Ctrl-C on `gadizone serve` in embedded mode: the terminal sends SIGINT to the whole foreground process
 * group. The embedded PostgreSQL must not be in that group (it would start a fast shutdown at once and cut
 * the requests still draining); it must be stopped by the app, after the drain. And when the app dies
 * without a chance to stop it (SIGKILL), its PostgreSQL must not be left running and holding the port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from '../helpers.js';
import { until } from '../chaos/load.js';
import { freePort } from '../setup/redis-server.js';

const START_TIMEOUT_MS = 180_000;
const EXIT_TIMEOUT_MS = 30_000;
/** Long enough that, without the fix, PostgreSQL has finished its fast shutdown before the body ends. */
const BODY_PAUSE_MS = 2_000;

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The environment of a newcomer's first `npm start`: no server database, no Redis. */
function embeddedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', CACHE_WARMUP_TIMEOUT_MS: '0', ...extra };
  for (const name of ['DATABASE_URL', 'DATABASE_REPLICA_URLS', 'REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES', 'JWT_SECRET']) delete env[name];
  return env;
}

/** Spawned in a process group of its own, as a shell would for a foreground job, so the test can signal the group. */
function spawnGroup(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Running, not a zombie (an orphan's exit status waits for whoever adopted it, which may never reap it). */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/**
 * A log line saying something failed: pino level 50 (error) or 60 (fatal), or PostgreSQL's own FATAL/PANIC
 * ("terminating connection due to administrator command", "the database system is shutting down").
 */
function failedOnShutdown(line: string): boolean {
  return /"level":(50|60)/.test(line) || (line.startsWith('[postgres]') && /\b(FATAL|PANIC):/.test(line));
}

/**
 * A POST whose body arrives in two parts, BODY_PAUSE_MS apart; `between` runs once the first part is sent.
 * Its connection is kept alive without an idle timeout, as a browser's is (for minutes): unless the answer
 * says `Connection: close`, the server's close would wait for this client to hang up.
 */
function slowPost(port: number, path: string, body: unknown, between: () => void): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  const agent = new Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(payload.length) };
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    req.on('error', reject);
    req.write(payload.subarray(0, 10), () => {
      between();
      setTimeout(() => req.end(payload.subarray(10)), BODY_PAUSE_MS);
    });
  });
}

describe.runIf(inject('engine') === 'embedded')('embedded PostgreSQL and the app process', () => {
  it('Ctrl-C lets an in-flight request finish on the database, then stops PostgreSQL, with no level-50 line', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-ctrl-c-'));
    dirs.push(dataDir);
    const port = await freePort();
    // Seeded by the CLI beforehand, so that `serve` queues no artwork renders: this test is about the database.
    const env = embeddedEnv({ DATA_DIR: dataDir, PORT: String(port), EMBEDDED_DB_PORT: String(await freePort()), SHUTDOWN_DRAIN_MS: '500', AUTO_SEED: 'false' });
    const seed = spawnGroup(['src/cli/index.ts', 'seed'], env);
    expect(await exited(seed.child), seed.output()).toBe(0);
    const { child, output } = spawnGroup(['src/cli/index.ts', 'serve'], env);
    await until(() => output().includes('gadizone is serving'), START_TIMEOUT_MS, () => `not serving:\n${output().slice(-3_000)}`);
    const postgresPid = await postmasterPid(dataDir);

    const lead = { name: 'Ctrl C', phone: '9876543210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };
    let fromSigint = 0;
    const answer = await slowPost(port, '/api/leads', lead, () => {
      fromSigint = output().length;
      process.kill(-child.pid!, 'SIGINT');
    });
    const code = await Promise.race([exited(child), new Promise((r) => setTimeout(() => r('still running'), EXIT_TIMEOUT_MS))]);

    const lines = output().slice(fromSigint).split('\n');
    expect.soft(answer.status, answer.body).toBe(201);
    expect.soft(answer.headers.connection).toBe('close');
    expect.soft(code, output().slice(-3_000)).toBe(0);
    expect.soft(lines.filter(failedOnShutdown), lines.filter(failedOnShutdown).join('\n')).toEqual([]);
    expect(lines.some((l) => l.includes('"msg":"shutting down"'))).toBe(true);
    expect(await isAlive(postgresPid)).toBe(false);
  }, START_TIMEOUT_MS + 60_000);

  it('stops PostgreSQL when the process that started it is killed outright', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-orphan-'));
    dirs.push(dataDir);
    const env = embeddedEnv({ GZ_TEST_DATA_DIR: dataDir, GZ_TEST_PORT: String(await freePort()) });
    const script = [
      "const { startEmbeddedPostgres } = await import('./src/platform/embedded-postgres.ts');",
      'await startEmbeddedPostgres({ dataDir: process.env.GZ_TEST_DATA_DIR, port: Number(process.env.GZ_TEST_PORT), log: () => undefined });',
      "console.log('started');",
      'setInterval(() => undefined, 60_000);',
    ].join('\n');
    const { child, output } = spawnGroup(['--input-type=module', '-e', script], env);
    await until(() => output().includes('started'), START_TIMEOUT_MS, () => `not started:\n${output().slice(-3_000)}`);
    const postgresPid = await postmasterPid(dataDir);
    expect(await isAlive(postgresPid)).toBe(true);

    // Only the app process: a crash, an OOM kill. Its PostgreSQL lives in another process group.
    child.kill('SIGKILL');
    await exited(child);
    await until(async () => !(await isAlive(postgresPid)), EXIT_TIMEOUT_MS, () => `PostgreSQL (pid ${postgresPid}) still runs after its owner was killed`);
  }, START_TIMEOUT_MS + 60_000);
});
