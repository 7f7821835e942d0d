/**
 * gadizone media render-all [--queue]
 * Renders the artwork of every model whose renditions are missing or out of date, here, one at a time,
 * and reports the time and this process's peak memory; with --queue, queues them as media.render jobs
 * instead (for the workers). Safe beside a running server: each render commits its row with the cache
 * invalidation (outbox), which the server applies.
 */
import { loadConfig } from '../config.js';
import { defineCommand } from './command.js';

const KIB = 1024;
const PROGRESS_EVERY = 25;

export const mediaCommand = defineCommand({
  name: 'media',
  summary: 'render missing or outdated model artwork here, reporting peak memory (media render-all [--queue])',
  about:
    'Renders the artwork of every model whose renditions are missing or out of date, one at a time in this process, and prints the time ' +
    'and peak memory; safe beside a running server (each render commits with its cache invalidation).',
  positionals: [{ name: 'ACTION', description: 'render-all: every model whose artwork is missing or out of date', choices: ['render-all'] }],
  options: { queue: { type: 'boolean', description: 'queue them as media.render jobs for the workers instead of rendering here' } },
  env: ['DATABASE_URL', 'DATA_DIR', 'MEDIA_DIR'],
  examples: ['gadizone media render-all'],
  async run({ values }) {
    const { closePool, createPool } = await import('../platform/db.js');
    const { configureSharp, createRenderQueue } = await import('../media/renditions.js');
    const { createMediaService } = await import('../media/service.js');
    const { createMediaStore } = await import('../media/store.js');
    const { openDatabase } = await import('../platform/open-database.js');
    const database = await openDatabase(loadConfig(), (m) => console.error(m));
    const pool = createPool(database.config.databaseUrl, database.config.pool, 'gadizone-media');
    try {
      configureSharp();
      const service = createMediaService({ pool, store: createMediaStore(database.config.media.dir), queue: createRenderQueue(), flushInvalidations: async () => undefined });
      if (values.queue) {
        console.log(`gadizone media: ${await service.queueMissingArtwork()} artwork renders queued`);
        return 0;
      }
      const ids = await service.findStaleArtwork();
      const startedAt = Date.now();
      const outcomes: Record<string, number> = {};
      for (const [i, id] of ids.entries()) {
        const outcome = await service.renderArtwork(id);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if ((i + 1) % PROGRESS_EVERY === 0) console.error(`  ${i + 1}/${ids.length}`);
      }
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      const peakMb = Math.round(process.resourceUsage().maxRSS / KIB);
      console.log(`gadizone media: ${ids.length} models in ${seconds} s (${JSON.stringify(outcomes)}); peak RSS ${peakMb} MB`);
      return 0;
    } finally {
      await closePool(pool);
      await database.close();
    }
  },
});
