import { SCRIPT } from '../content/text.js';
import { AppError, type ErrorDetail } from '../errors.js';
import type { AnalyticsRepository, EventRecord } from './repository.js';
import type { EventInput, EventsBody, TrendingList, TrendingQuery } from './schemas.js';

/** Query strings and fragments can carry what visitors typed (emails, phone numbers): never stored. */
const stripQuery = (path: string) => path.replace(/[?#].*$/s, '') || '/';

/** The rules the schema cannot say (a path is still text a dashboard will show: no script in it): `variants` belongs to compare events, and compare events need it. */
function checkEvent(event: EventInput, field: string): ErrorDetail | null {
  if (event.path !== undefined && SCRIPT.test(event.path)) return { in: 'body', field: `${field}path`, message: 'must not contain script (javascript: URLs or on…= handlers)' };
  if (event.type === 'compare' && event.variants === undefined) return { in: 'body', field: `${field}variants`, message: 'is required for compare events' };
  if (event.type !== 'compare' && event.variants !== undefined) return { in: 'body', field: `${field}variants`, message: 'is only for compare events' };
  return null;
}

/** Validated events → buffered records, all from `visitor` (visitor-key.ts) at `receivedAt`; a 400 names every bad event. */
export function toEventRecords(events: EventsBody, receivedAt: Date, visitor: string): EventRecord[] {
  const problems = events.map((event, i) => checkEvent(event, `${i}.`)).filter((problem): problem is ErrorDetail => problem !== null);
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', `invalid body fields: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
  }
  return events.map((event) => ({
    type: event.type,
    path: event.path === undefined ? null : stripQuery(event.path),
    model: event.model ?? null,
    variant: event.variant ?? null,
    variants: event.variants?.join(',') ?? null,
    visitor,
    sessionId: event.sessionId ?? null,
    receivedAt,
  }));
}

export function createTrendingService(analytics: AnalyticsRepository) {
  return {
    async list(request: TrendingQuery): Promise<TrendingList> {
      const rows = await analytics.listTrending(request.limit);
      return {
        data: rows.map((row, i) => ({
          rank: i + 1,
          slug: row.slug,
          name: row.name,
          brand: { slug: row.brandSlug, name: row.brandName },
          bodyType: row.bodyType,
          priceMinInr: row.priceMinInr,
          priceMaxInr: row.priceMaxInr,
          score: row.score,
          visitors: row.visitors,
        })),
      };
    },
  };
}
