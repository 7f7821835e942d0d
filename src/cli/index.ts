#!/usr/bin/env node
/** The gadizone command line: one file per command, dispatched here. */
import { ConfigError, loadConfig } from '../config.js';

const COMMANDS: Record<string, { summary: string; run: (args: string[]) => Promise<number> }> = {
  serve: { summary: 'serve the site and API (embedded PostgreSQL unless DATABASE_URL is set)', run: async (a) => (await import('./serve.js')).serve(a) },
  worker: { summary: 'run background jobs from Redis (REDIS_URL required; JOBS_CONCURRENCY at a time)', run: async (a) => (await import('./worker.js')).workerCommand(a) },
  migrate: { summary: 'apply pending database migrations', run: async (a) => (await import('./migrate.js')).migrateCommand(a) },
  seed: { summary: 'load the curated catalogue; --synthetic N adds synthetic variants up to N', run: async (a) => (await import('./seed.js')).seedCommand(a) },
  admin: { summary: 'create an admin user or set a password (admin create --email …)', run: async (a) => (await import('./admin.js')).adminCommand(a) },
  backup: { summary: 'back up the database into BACKUP_DIR (pg_dump), keep 7 daily, upload to S3 when configured', run: async (a) => (await import('./backup.js')).backupCommand(a) },
  restore: { summary: 'restore a backup into an empty database (restore FILE [--force])', run: async (a) => (await import('./restore.js')).restoreCommand(a) },
  media: { summary: 'render missing or outdated model artwork here, reporting peak memory (media render-all [--queue])', run: async (a) => (await import('./media.js')).mediaCommand(a) },
  loadtest: { summary: 'virtual users with think time (--scenario normal|peak|stress [--target URL]); exit 3 when a threshold fails', run: async (a) => (await import('./loadtest.js')).loadtestCommand(a) },
  capacity: { summary: 'raise load until p99 > 1 s or errors > 1%; sustained req/s and the daily users it stands for', run: async (a) => (await import('./capacity.js')).capacityCommand(a) },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: gadizone <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nconfiguration comes from environment variables; see README.md.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`gadizone: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`gadizone: ${error.message}`);
      return 78;
    }
    console.error(`gadizone ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// Validate the environment before any command does work.
try {
  loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`gadizone: ${error.message}`);
    process.exit(78);
  }
  throw error;
}
const code = await main(process.argv.slice(2));
// serve and worker keep running until a signal; every other command is done.
if (code !== 0 || (process.argv[2] !== 'serve' && process.argv[2] !== 'worker')) process.exit(code);
