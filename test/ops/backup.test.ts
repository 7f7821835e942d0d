/**
 * Backup and restore against a real PostgreSQL with the real pg_dump and pg_restore: backup → wipe →
 * restore gives back every row of every table, every sequence, index and constraint; a database with rows
 * is refused unless forced; a damaged file is refused; retention keeps the right files; the S3 upload
 * reaches an S3-compatible endpoint (a local stub: S3 is outside the system).
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type BackupConfig } from '../../src/config.js';
import { runBackup, type BackupSettings } from '../../src/platform/backup/backup.js';
import { backupFileName } from '../../src/platform/backup/files.js';
import { restoreBackup } from '../../src/platform/backup/restore.js';
import { expiredBackups } from '../../src/platform/backup/retention.js';
import { createTestDatabase, inject, runCli, type TestDatabase } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';
import { adminQuery, withDatabase } from '../setup/template.js';

const APP_SCHEMAS = `('public', 'drizzle')`;

let scratch: string;
let source: TestDatabase;
const databases: TestDatabase[] = [];
/** The source database's contents before any backup: what every restore must give back. */
let original: Fingerprint;

/** A database with nothing in it (template0: no objects at all). */
async function createEmptyDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `gz_test_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE template0`);
  const database = { url: withDatabase(adminUrl, name), name, drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  databases.push(database);
  return database;
}

/** Drops the database and creates it again, empty, under the same name. */
async function wipe(database: TestDatabase): Promise<void> {
  await database.drop();
  await adminQuery(inject('adminUrl'), `CREATE DATABASE ${database.name} TEMPLATE template0`);
}

async function sql<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

interface Fingerprint {
  rows: Record<string, { n: number; md5: string }>;
  sequences: unknown[];
  indexes: string[];
  constraints: unknown[];
  triggers: unknown[];
  extensions: unknown[];
}

/** Every row of every table in public and drizzle (count and an md5 over the rows as text), and the schema around them. */
async function fingerprint(url: string): Promise<Fingerprint> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <Row extends pg.QueryResultRow>(text: string) => (await client.query<Row>(text)).rows;
    const rows: Fingerprint['rows'] = {};
    for (const { name } of await q<{ name: string }>(`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname IN ${APP_SCHEMAS} ORDER BY 1`)) {
      rows[name] = (await q<{ n: number; md5: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM ${name} t`))[0]!;
    }
    return {
      rows,
      sequences: await q(`SELECT schemaname, sequencename, last_value::text FROM pg_sequences WHERE schemaname IN ${APP_SCHEMAS} ORDER BY 1, 2`),
      indexes: (await q<{ d: string }>(`SELECT indexdef AS d FROM pg_indexes WHERE schemaname IN ${APP_SCHEMAS} ORDER BY 1`)).map((r) => r.d),
      constraints: await q(`SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE connamespace::regnamespace::text IN ${APP_SCHEMAS} ORDER BY 1, 2`),
      triggers: await q(`SELECT tgrelid::regclass::text AS t, tgname, pg_get_triggerdef(oid) AS d FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`),
      extensions: await q(`SELECT extname, extversion FROM pg_extension ORDER BY 1`),
    };
  } finally {
    await client.end();
  }
}

function settings(url: string, dir: string, backup: Partial<BackupConfig> = {}, pgBinDir: string | null = null): BackupSettings {
  return { databaseUrl: url, pgBinDir, backup: { dir, keepDaily: 7, s3: null, ...backup } };
}

const newDir = (name: string) => mkdtemp(join(scratch, `${name}-`));
const sha256Of = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'gadizone-backup-test-'));
  source = await createTestDatabase();
  databases.push(source);
  const modelId = (await sql<{ id: number }>(source.url, 'SELECT id FROM models ORDER BY id LIMIT 1'))[0]!.id;
  await sql(source.url, `INSERT INTO leads (name, phone, city, intent, model_id, email, message) VALUES ('Asha Rao', '+919800000001', 'Pune', 'test-drive', $1, 'asha@example.test', 'Weekend, please — after 10 am ✓')`, [modelId]);
  // A lead inserted and deleted: the sequence runs ahead of max(id), which a restore must keep.
  await sql(source.url, `WITH gone AS (INSERT INTO leads (name, phone, city, intent, model_id) VALUES ('x', '+919800000002', 'Goa', 'price-quote', $1) RETURNING id) DELETE FROM leads WHERE id IN (SELECT id FROM gone)`, [modelId]);
  const [admin] = await sql<{ id: number }>(source.url, `INSERT INTO admin_users (email, password_hash, role, name) VALUES ('ops@example.test', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 'admin', 'Ops') RETURNING id`);
  await sql(source.url, `INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, before, after, ip) VALUES ($1, 'ops@example.test', 'update', 'model', '1', '{"price": 1}', '{"price": 2, "note": "naïve \\"quoted\\""}', '127.0.0.1')`, [admin!.id]);
  original = await fingerprint(source.url);
});

afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  await rm(scratch, { recursive: true, force: true });
});

describe('backup → wipe → restore', () => {
  it('gives back every row of every table, the sequences, indexes and constraints (runBackup, restoreBackup)', async () => {
    expect(original.rows['public.leads']!.n).toBeGreaterThan(0);
    expect(original.rows['drizzle.__drizzle_migrations']!.n).toBeGreaterThan(0);
    const dir = await newDir('direct');
    const result = await runBackup(settings(source.url, dir));

    expect(result.file).toMatch(/gadizone-\d{8}T\d{6}Z\.dump$/);
    expect((await readdir(dir)).sort()).toEqual([result.manifest.file, `${result.manifest.file}.json`]);
    expect(result.manifest).toMatchObject({ sizeBytes: (await stat(result.file)).size, sha256: await sha256Of(result.file), database: source.name, serverMajor: expect.any(Number) });
    expect(JSON.parse(await readFile(`${result.file}.json`, 'utf8'))).toEqual(result.manifest);
    expect((await stat(result.file)).mode & 0o777).toBe(0o600);

    await wipe(source);
    expect((await fingerprint(source.url)).rows).toEqual({});
    const restored = await restoreBackup(settings(source.url, dir), result.file);
    expect(restored.migrations.restored).toBe(restored.migrations.expected);
    expect(await fingerprint(source.url)).toEqual(original);
  });

  it('does the same through `gadizone backup` and `gadizone restore`', async () => {
    const dir = await newDir('cli');
    const backup = await runCli(['backup'], { DATABASE_URL: source.url, BACKUP_DIR: dir });
    expect(backup.code, backup.stderr).toBe(0);
    const [file] = (await readdir(dir)).filter((n) => n.endsWith('.dump'));
    expect(backup.stdout).toContain(join(dir, file!));

    const target = await createEmptyDatabase();
    const restore = await runCli(['restore', join(dir, file!)], { DATABASE_URL: target.url });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/restored .* migrations (\d+) of \1/);
    expect(await fingerprint(target.url)).toEqual(original);
  }, 60_000);

  // Once, not once per engine: it starts its own embedded PostgreSQL either way.
  it.runIf(inject('engine') === 'embedded')('works in embedded mode: restore into a new DATA_DIR, back it up again, same rows', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-backup-embedded-'));
    try {
      const backupFile = (await runBackup(settings(source.url, await newDir('to-embedded')))).file;
      const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(await freePort()), JWT_SECRET: undefined };
      const restore = await runCli(['restore', backupFile], env);
      expect(restore.code, restore.stderr).toBe(0);
      const backup = await runCli(['backup'], env);
      expect(backup.code, backup.stderr).toBe(0);
      const [again] = (await readdir(join(dataDir, 'backups'))).filter((n) => n.endsWith('.dump'));
      expect(JSON.parse(await readFile(join(dataDir, 'backups', `${again!}.json`), 'utf8'))).toMatchObject({ database: 'gadizone' });

      const target = await createEmptyDatabase();
      await restoreBackup(settings(target.url, scratch), join(dataDir, 'backups', again!));
      expect(await fingerprint(target.url)).toEqual(original);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('restore refuses', () => {
  let backupFile: string;
  beforeAll(async () => {
    backupFile = (await runBackup(settings(source.url, await newDir('refuse')))).file;
  });

  it('a database that holds rows, unless --force, which says what it drops', async () => {
    const target = await createEmptyDatabase();
    await restoreBackup(settings(target.url, scratch), backupFile);
    await sql(target.url, `UPDATE brands SET name = 'Changed after the backup' WHERE id = (SELECT min(id) FROM brands)`);
    const changed = await fingerprint(target.url);

    await expect(restoreBackup(settings(target.url, scratch), backupFile)).rejects.toThrow(/is not empty: \d+ tables hold \d+ rows .*public\.brands \d+.*pass --force/);
    const refused = await runCli(['restore', backupFile], { DATABASE_URL: target.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty.*--force/);
    expect(await fingerprint(target.url)).toEqual(changed);

    const forced = await runCli(['restore', backupFile, '--force'], { DATABASE_URL: target.url });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/--force: dropping schemas public and drizzle of gz_test_\w+: \d+ tables, \d+ rows \(.*public\.variants \d+/);
    expect(await fingerprint(target.url)).toEqual(original);
  }, 60_000);

  it('a corrupt file (bytes flipped), with a clear message, and restores nothing', async () => {
    const dir = await newDir('corrupt');
    const damaged = join(dir, 'gadizone-20250101T000000Z.dump');
    await copyFile(backupFile, damaged);
    await copyFile(`${backupFile}.json`, `${damaged}.json`);
    const bytes = await readFile(damaged);
    for (let i = 0; i < 16; i += 1) bytes[Math.floor(bytes.length / 2) + i]! ^= 0xff;
    await writeFile(damaged, bytes);

    const target = await createEmptyDatabase();
    await expect(restoreBackup(settings(target.url, dir), damaged)).rejects.toThrow(/is corrupt: .*sha256 [0-9a-f]{64}, but its manifest says .*nothing was restored/);
    const cli = await runCli(['restore', damaged], { DATABASE_URL: target.url });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('is corrupt');
    // Unverified, pg_restore meets the damage inside one transaction: still nothing applied.
    await expect(restoreBackup(settings(target.url, dir), damaged, { skipChecksum: true })).rejects.toThrow(/pg_restore failed .*nothing of the backup was applied/);
    expect((await fingerprint(target.url)).rows).toEqual({});
  });

  it('a missing file, a missing manifest, and a file that is not a backup', async () => {
    const dir = await newDir('missing');
    const target = await createEmptyDatabase();
    await expect(restoreBackup(settings(target.url, dir), join(dir, 'nope.dump'))).rejects.toThrow(/no backup file at .*nope\.dump/);
    const lone = join(dir, 'lone.dump');
    await copyFile(backupFile, lone);
    await expect(restoreBackup(settings(target.url, dir), lone)).rejects.toThrow(/no manifest .*lone\.dump\.json.*--skip-checksum/);
    const text = join(dir, 'notes.dump');
    await writeFile(text, 'these are not the rows you are looking for\n');
    await expect(restoreBackup(settings(target.url, dir), text, { skipChecksum: true })).rejects.toThrow(/is not a readable pg_dump custom-format archive/);
    expect((await fingerprint(target.url)).rows).toEqual({});
  });
});

describe('pg_dump and pg_restore', () => {
  it('says how to install them when they are missing', async () => {
    const empty = await newDir('no-tools');
    await expect(runBackup(settings(source.url, await newDir('x'), {}, empty))).rejects.toThrow(/pg_dump is not installed .*apt-get install postgresql-client/);
    const usage = await runCli(['backup'], { DATABASE_URL: source.url, BACKUP_DIR: await newDir('y'), PG_BIN_DIR: empty });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/gadizone backup: pg_dump is not installed.*PG_BIN_DIR/);
  });

  it('refuses tools older than the server', async () => {
    // Stand-ins for an old client package (the tools are outside the system): they only report a version.
    const old = await newDir('old-tools');
    for (const tool of ['pg_dump', 'pg_restore']) await writeFile(join(old, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) 12.22"\n`, { mode: 0o755 });
    await expect(runBackup(settings(source.url, await newDir('z'), {}, old))).rejects.toThrow(/server version mismatch: the database runs PostgreSQL 1\d.*pg_dump must be version 1\d or newer, but .*pg_dump is 12\.22/);
    const good = await runBackup(settings(source.url, await newDir('good')));
    const target = await createEmptyDatabase();
    await expect(restoreBackup(settings(target.url, scratch, {}, old), good.file)).rejects.toThrow(/server version mismatch: .*pg_restore is 12\.22/);
  });
});

describe('retention', () => {
  const DAY_MS = 86_400_000;
  const at = (daysAgo: number, hour: number) => {
    const d = new Date(Date.now() - daysAgo * DAY_MS);
    d.setUTCHours(hour, 0, 0, 0);
    return backupFileName(d);
  };

  it('keeps the latest backup of each of the 7 most recent days with backups, and never the one just made', () => {
    const names = [at(1, 2), at(1, 14), at(3, 2), at(4, 2), at(9, 2), at(10, 2), at(30, 2), at(31, 2), at(32, 2), 'notes.txt'];
    expect(expiredBackups(names, 3, 'none')).toEqual([at(1, 2), at(9, 2), at(10, 2), at(30, 2), at(31, 2), at(32, 2)].sort());
    // Days without backups do not count: a month-long gap still leaves seven days' backups.
    expect(expiredBackups(names, 7, 'none')).toEqual([at(1, 2), at(32, 2)].sort());
    // A clock that ran ahead: the backup just made is kept even though it is not its day's latest.
    expect(expiredBackups([at(0, 1), at(0, 23)], 1, at(0, 1))).toEqual([]);
  });

  it('runBackup deletes the expired backups and their manifests, and leaves other files alone', async () => {
    const dir = await newDir('retention');
    const fakes = [at(0, 0), ...Array.from({ length: 9 }, (_, i) => at(i + 1, 3)), at(2, 1), at(5, 1)];
    for (const name of fakes) {
      await writeFile(join(dir, name), 'old');
      await writeFile(join(dir, `${name}.json`), '{}');
    }
    await writeFile(join(dir, 'README.txt'), 'not ours');
    await writeFile(join(dir, '.gadizone-20200101T000000Z.dump.partial-1'), 'a crashed backup');
    await utimes(join(dir, '.gadizone-20200101T000000Z.dump.partial-1'), new Date('2020-01-01'), new Date('2020-01-01'));
    const orphan = `${at(40, 3)}.json`;
    await writeFile(join(dir, orphan), '{}');

    const result = await runBackup(settings(source.url, dir, { keepDaily: 7 }));
    const kept = [result.manifest.file, ...[1, 2, 3, 4, 5, 6].map((d) => at(d, 3))];
    expect(result.deleted).toEqual([at(0, 0), at(2, 1), at(5, 1), at(7, 3), at(8, 3), at(9, 3)].sort());
    expect((await readdir(dir)).sort()).toEqual(['README.txt', ...kept.flatMap((n) => [n, `${n}.json`])].sort());
  });
});

describe('S3 upload', () => {
  interface Put {
    url: string;
    headers: IncomingHttpHeaders;
    sha256: string;
  }

  /** A minimal S3-compatible endpoint that accepts PutObject and records it. */
  async function startS3Stub(): Promise<{ endpoint: string; puts: Put[]; close(): Promise<void> }> {
    const puts: Put[] = [];
    const server = createServer((request, response) => {
      const hash = createHash('sha256');
      request.on('data', (chunk: Buffer) => hash.update(chunk));
      request.on('end', () => {
        puts.push({ url: request.url ?? '', headers: request.headers, sha256: hash.digest('hex') });
        response.writeHead(request.method === 'PUT' ? 200 : 405, { ETag: '"stub"' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { endpoint: `http://127.0.0.1:${port}`, puts, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  const s3For = (endpoint: string) => ({
    bucket: 'gz-backups',
    endpoint,
    region: 'eu-central-1',
    accessKeyId: 'AKIDBACKUPTEST',
    secretAccessKey: 'backup-test-secret',
    prefix: 'nightly/',
    forcePathStyle: true,
  });

  it('uploads the dump, then its manifest, signed with the configured key', async () => {
    const stub = await startS3Stub();
    try {
      const result = await runBackup(settings(source.url, await newDir('s3'), { s3: s3For(stub.endpoint) }));
      const name = result.manifest.file;
      expect(result.uploaded).toEqual([`nightly/${name}`, `nightly/${name}.json`]);
      expect(stub.puts.map((p) => p.url.split('?')[0])).toEqual([`/gz-backups/nightly/${name}`, `/gz-backups/nightly/${name}.json`]);
      expect(stub.puts[0]!.sha256).toBe(result.manifest.sha256);
      expect(stub.puts[1]!.sha256).toBe(await sha256Of(`${result.file}.json`));
      expect(stub.puts[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDBACKUPTEST\/\d{8}\/eu-central-1\/s3\/aws4_request/);
      expect(stub.puts[0]!.headers['x-amz-meta-backup-sha256']).toBe(result.manifest.sha256);
    } finally {
      await stub.close();
    }
  });

  it('fails loudly when the bucket cannot be reached, keeping the local backup', async () => {
    const stub = await startS3Stub();
    await stub.close(); // nothing listens there now
    const dir = await newDir('s3-down');
    await expect(runBackup(settings(source.url, dir, { s3: s3For(stub.endpoint) }))).rejects.toThrow(/is written and complete, but upload to s3:\/\/gz-backups\/nightly\/ at http:\/\/127\.0\.0\.1:\d+ failed/);
    const files = await readdir(dir);
    expect(files.filter((n) => /^gadizone-.*\.dump(\.json)?$/.test(n))).toHaveLength(2);
  });
});

describe('configuration', () => {
  it('reads BACKUP_* with defaults under DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/srv/gz' });
    expect(config.backup).toEqual({ dir: '/srv/gz/backups', keepDaily: 7, s3: null });
    expect(config.pgBinDir).toBeNull();
    const s3 = loadConfig({ BACKUP_DIR: '/b', BACKUP_KEEP_DAILY: '14', BACKUP_S3_BUCKET: 'bk', BACKUP_S3_ENDPOINT: 'https://s3.example.test', BACKUP_S3_ACCESS_KEY_ID: 'k', BACKUP_S3_SECRET_ACCESS_KEY: 's', PG_BIN_DIR: '/usr/lib/postgresql/16/bin' });
    expect(s3.backup).toEqual({ dir: '/b', keepDaily: 14, s3: { bucket: 'bk', endpoint: 'https://s3.example.test', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's', prefix: '', forcePathStyle: true } });
    expect(s3.pgBinDir).toBe('/usr/lib/postgresql/16/bin');
  });

  it('names each bad BACKUP_* variable', () => {
    const problems = (() => {
      try {
        loadConfig({ BACKUP_KEEP_DAILY: '0', BACKUP_S3_ACCESS_KEY_ID: 'k', BACKUP_S3_ENDPOINT: 'ftp://x' });
      } catch (error) {
        return error instanceof ConfigError ? error.problems.join('\n') : '';
      }
      return '';
    })();
    expect(problems).toMatch(/BACKUP_KEEP_DAILY="0"/);
    expect(problems).toMatch(/BACKUP_S3_ENDPOINT/);
    expect(problems).toMatch(/set both or neither/);
    expect(problems).toMatch(/BACKUP_S3_BUCKET: required/);
  });
});
