/**
 * The deployment artifacts through the real tools that check them, each where installed (Debian
 * packages prometheus for promtool, docker-compose, shellcheck; PostgreSQL 15's server binaries for the
 * replication check) and skipped where not: CI machines may lack them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../setup/redis-server.js';
import { DEPLOY_DIR, deployPath, hasCommand, readDeploy } from './deploy-files.js';

const run = (command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) => {
  const result = spawnSync(command, args, { cwd: options.cwd ?? DEPLOY_DIR, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeoutMs ?? 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

describe.skipIf(!hasCommand('promtool'))('promtool', () => {
  it('accepts the alert rules', () => {
    const result = run('promtool', ['check', 'rules', 'prometheus/alerts.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('passes the alert unit tests (alerts.test.yml: each alert fires when it should and not when it should not)', () => {
    const result = run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: deployPath('prometheus') });
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('accepts the Prometheus configurations', () => {
    const compose = run('promtool', ['check', 'config', 'prometheus/prometheus.yml']);
    expect(compose.output).toContain('is valid prometheus config file');
    expect(compose.status).toBe(0);
    const kubernetes = run('promtool', ['check', 'config', 'prometheus/prometheus-kubernetes.yml']);
    // Debian builds Prometheus without Kubernetes discovery; only an upstream build can check this one.
    if (/field kubernetes_sd_configs not found/.test(kubernetes.output)) return;
    expect(kubernetes.status, kubernetes.output).toBe(0);
  });
});

describe.skipIf(!hasCommand('docker-compose'))('docker-compose config', () => {
  // Compose v1 (Debian's docker-compose) predates the top-level `name`; everything else is the same schema.
  const withoutName = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gz-compose-'));
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, readDeploy('docker-compose.yml').replace(/^name: .*\n/m, ''));
    return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  };
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };

  it('accepts the file once the secrets are set, with every profile', () => {
    const { file, cleanup } = withoutName();
    try {
      const secrets = { ...env, POSTGRES_PASSWORD: 'pw', REPLICATION_PASSWORD: 'rpw', JWT_SECRET: 'j'.repeat(48) };
      const result = run('docker-compose', ['-f', file, '--project-directory', DEPLOY_DIR, '--profile', 'jobs', '--profile', 'monitoring', 'config', '--services'], { env: secrets });
      expect(result.status, result.output).toBe(0);
      expect(result.output.split('\n').filter(Boolean).sort()).toEqual(['app1', 'app2', 'blackbox', 'migrate', 'nginx', 'postgres', 'postgres-replica', 'prometheus', 'redis', 'worker']);
    } finally {
      cleanup();
    }
  });

  it('refuses to start without the secrets, naming them', () => {
    const { file, cleanup } = withoutName();
    try {
      const result = run('docker-compose', ['-f', file, '--project-directory', DEPLOY_DIR, 'config'], { env: { ...env, POSTGRES_PASSWORD: 'pw', REPLICATION_PASSWORD: 'rpw' } });
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('set JWT_SECRET in deploy/.env');
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!hasCommand('shellcheck'))('shellcheck', () => {
  it('finds nothing in the PostgreSQL scripts', () => {
    const result = run('shellcheck', ['postgres/primary-init.sh', 'postgres/replica-entrypoint.sh', 'postgres/check-replication.sh']);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});

const PG_BIN = '/usr/lib/postgresql/15/bin';
const canRunPostgres = existsSync(join(PG_BIN, 'initdb')) && (process.getuid?.() !== 0 || hasCommand('runuser'));

describe.skipIf(!canRunPostgres)('PostgreSQL streaming replica (postgres/check-replication.sh)', () => {
  it('clones the primary with the replica entry point and streams from it', { timeout: 120_000 }, async () => {
    // Ports the kernel says are free: ports picked from the process id sat in the ephemeral range, where
    // a client connection of the other test project could hold one ("could not start server" in CI).
    const primaryPort = await freePort();
    let replicaPort = await freePort();
    while (replicaPort === primaryPort) replicaPort = await freePort();
    const result = run('bash', [deployPath('postgres', 'check-replication.sh'), String(primaryPort), String(replicaPort)], { env: { ...process.env, PG_BIN }, timeoutMs: 110_000 });
    expect(result.output).toContain('replication ok');
    expect(result.status).toBe(0);
  });
});
