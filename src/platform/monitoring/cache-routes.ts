/** GET /api/monitoring/cache: how cached answers were served (per tier, per route) and the memory tier's size. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const Counts = Type.Object({
  requests: Type.Integer(),
  hitRate: Type.Union([Type.Number(), Type.Null()], { description: '(memory + l1 + l2 + notModified) / requests' }),
  memory: Type.Integer({ description: 'final bytes from this process' }),
  l1: Type.Integer({ description: "bentocache's in-process tier" }),
  l2: Type.Integer({ description: 'Redis, shared by every process' }),
  miss: Type.Integer({ description: 'loaded from the database' }),
  stale: Type.Integer({ description: 'the database failed; an expired entry was served within grace' }),
  notModified: Type.Integer({ description: '304 answers to If-None-Match' }),
});

const CacheReport = Type.Object({
  enabled: Type.Boolean({ description: 'false when CACHE_ENABLED=false: every answer was loaded, nothing is stored' }),
  total: Counts,
  routes: Type.Record(Type.String(), Counts),
  memory: Type.Object({ entries: Type.Integer(), bytes: Type.Integer() }),
  compressionsPending: Type.Integer({ description: 'answers waiting for (or in) their background brotli/gzip compression' }),
  since: Type.String({ format: 'date-time', description: 'when these counters started (process start)' }),
  pid: Type.Integer({ description: 'counters are per process' }),
});

export const cacheMonitoringRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const since = new Date().toISOString();
  app.get(
    '/api/monitoring/cache',
    { schema: { tags: ['monitoring'], summary: 'Cache statistics of this process', response: { 200: CacheReport } } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { ...app.cache.stats(), since, pid: process.pid };
    },
  );
};
