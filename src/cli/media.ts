/**
 * gadizone media render-all [--queue]
 * Renders the artwork of every model whose renditions are missing or out of date, here, one at a time,
 * and reports the time and this process's peak memory; with --queue, queues them as media.render jobs
 * instead (for the workers). Safe beside a running server: each render commits its row with the cache
 * invalidation (outbox), which the server applies.
 */
import { loadConfig } from '../config.js';
import { createPool } from '../platform/db.js';
import { configureSharp, createRenderQueue } from '../media/renditions.js';
import { createMediaService } from '../media/service.js';
import { createMediaStore } from '../media/store.js';
import { openDatabase } from '../platform/open-database.js';

const USAGE = 'usage: gadizone media render-all [--queue]';
const KIB = 1024;

export async function mediaCommand(args: string[]): Promise<number> {
  const [action, ...flags] = args;
  const unknown = flags.filter((flag) => flag !== '--queue');
  if (action !== 'render-all' || unknown.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const database = await openDatabase(loadConfig(), (m) => console.error(m));
  const pool = createPool(database.config.databaseUrl, database.config.pool, 'gadizone-media');
  try {
    configureSharp();
    const service = createMediaService({ pool, store: createMediaStore(database.config.media.dir), queue: createRenderQueue(), flushInvalidations: async () => undefined });
    if (flags.includes('--queue')) {
      console.log(`gadizone media: ${await service.queueMissingArtwork()} artwork renders queued`);
      return 0;
    }
    const ids = await service.findStaleArtwork();
    const startedAt = Date.now();
    const outcomes: Record<string, number> = {};
    for (const [i, id] of ids.entries()) {
      const outcome = await service.renderArtwork(id);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if ((i + 1) % 25 === 0) console.error(`  ${i + 1}/${ids.length}`);
    }
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const peakMb = Math.round(process.resourceUsage().maxRSS / KIB);
    console.log(`gadizone media: ${ids.length} models in ${seconds} s (${JSON.stringify(outcomes)}); peak RSS ${peakMb} MB`);
    return 0;
  } finally {
    await pool.end();
    await database.close();
  }
}
