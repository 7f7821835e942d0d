import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { createTemplate, withDatabase } from './template.js';

const TEMPLATE = 'gz_template';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-test-pg-'));
  const lines: string[] = [];
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: (line) => lines.push(line), settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
  const adminUrl = withDatabase(embedded.url, 'postgres');
  await createTemplate(adminUrl, TEMPLATE);
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', TEMPLATE);
  project.provide('engine', 'embedded');
  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    engine: 'embedded' | 'server';
  }
}
