/**
 * The catalogue read model: each process holds the live models and variants in memory (table.ts) and
 * answers lists, totals and facets from them (list-view.ts) instead of two SQL statements per miss.
 * PostgreSQL stays the source of truth: writes, detail rows, and every list while the read model is not
 * ready (loading at start, or re-reading rows after a change).
 *
 * Kept current by the cache's own change events (a write's tags, on this process or from the bus), the
 * moment they arrive: the read model stops answering (PostgreSQL answers meanwhile), re-reads the rows the
 * tags name from the primary, applies each unless it already holds a newer version of it (change_seq,
 * migration 0011: a slow re-read must not undo a later one), and answers again. A clear (a bulk import) is
 * a full reload; a tag naming no catalogue row (a list's, an article's) changes nothing here. A periodic check compares the live rows' count and change_seq sum with
 * PostgreSQL's; two mismatches in a row (not a change still in flight) mean an event was lost: full reload.
 *
 * Lists are answered only when the order of text agrees: PostgreSQL sorts names by the database's
 * collation, and the read model by code point, which is the C collation's order. On a database with
 * another collation, the `name` sort stays with PostgreSQL.
 */
import type { CacheChange } from '../../platform/cache/response-cache.js';
import { query, type Executor } from '../../platform/db.js';
import { changedRows, type ChangedRows } from '../cache-tags.js';
import type { FacetCounts, FacetName } from '../facets.js';
import type { CatalogueFilters } from '../filters.js';
import type { ListResult } from '../list-query.js';
import { MODELS, VARIANTS, type EntityDef } from './entities.js';
import { ListView, type Tables } from './list-view.js';
import { Table, type SourceRow } from './table.js';

/** Ids per statement of a full load: bounds the rows held at once as JavaScript values. */
const LOAD_BATCH = 25_000;
const DRIFT_CHECK_MS = 15_000;
/** A mismatch is looked at again this much later: an event still in flight has arrived by then. */
const DRIFT_RECHECK_MS = 2_000;
/** After a failed re-read or load, try again after this long (PostgreSQL answers meanwhile). */
const RETRY_MS = 2_000;
const C_COLLATIONS = new Set(['C', 'POSIX', 'C.UTF-8', 'C.utf8', 'ucs_basic']);

export type ReadModelState = 'loading' | 'ready' | 'syncing' | 'stopped';

export interface ReadModelLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ReadModelStats {
  state: ReadModelState;
  models: number;
  variants: number;
  loadMs: number | null;
  loads: number;
  syncs: number;
  driftRepairs: number;
}

const extras = 't.change_seq AS "changeSeq", t.deleted_at IS NOT NULL AS "deleted"';

/** One range of ids: a range scan of the primary key, joined, with no sort (a LIMIT would make one). */
function loadText(def: EntityDef): string {
  return `SELECT ${def.source.columns}, ${extras} FROM ${def.source.from} WHERE t.deleted_at IS NULL AND t.id > $1 AND t.id <= $2`;
}

/**
 * The rows a change names, live or deleted: by slug, and (for a brand's rename) the brand's live rows. Each
 * part is its own index scan, joined by UNION; one WHERE with ORs would read the whole table.
 */
const MODEL_REREAD = `SELECT ${MODELS.source.columns}, ${extras} FROM ${MODELS.source.from}
  WHERE t.id IN (SELECT id FROM models WHERE slug = ANY($1::text[])
    UNION SELECT id FROM models WHERE brand_id IN (SELECT id FROM brands WHERE slug = ANY($2::text[])) AND deleted_at IS NULL)`;
const VARIANT_REREAD = `SELECT ${VARIANTS.source.columns}, ${extras} FROM ${VARIANTS.source.from}
  WHERE t.id IN (SELECT id FROM variants WHERE slug = ANY($1::text[])
    UNION SELECT id FROM variants WHERE model_id IN (SELECT id FROM models WHERE slug = ANY($2::text[]))
    UNION SELECT id FROM variants WHERE brand_id IN (SELECT id FROM brands WHERE slug = ANY($3::text[])) AND deleted_at IS NULL)`;
const DRIFT = `SELECT
  (SELECT count(*) FROM models WHERE deleted_at IS NULL) AS "models",
  (SELECT coalesce(sum(change_seq), 0) FROM models WHERE deleted_at IS NULL) AS "modelSeqs",
  (SELECT count(*) FROM variants WHERE deleted_at IS NULL) AS "variants",
  (SELECT coalesce(sum(change_seq), 0) FROM variants WHERE deleted_at IS NULL) AS "variantSeqs"`;

interface DriftCounts {
  models: number;
  modelSeqs: number;
  variants: number;
  variantSeqs: number;
}

interface Pending {
  reload: boolean;
  brands: Set<string>;
  models: Set<string>;
  modelRows: Set<string>;
  variants: Set<string>;
}

const nothingPending = (): Pending => ({ reload: false, brands: new Set(), models: new Set(), modelRows: new Set(), variants: new Set() });

export class CatalogueReadModel {
  private state: ReadModelState = 'loading';
  private tables: Tables = { models: new Table(MODELS.spec), variants: new Table(VARIANTS.spec) };
  models = new ListView(MODELS, this.tables);
  variants = new ListView(VARIANTS, this.tables);
  private textOrderAgrees = false;
  private pending = nothingPending();
  private running: Promise<void> | null = null;
  private driftTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private driftSuspected = false;
  private readonly counters = { loadMs: null as number | null, loads: 0, syncs: 0, driftRepairs: 0 };

  /** `primary` is the primary database: a re-read after a write must not come from a lagging replica. */
  constructor(
    private readonly primary: Executor,
    private readonly log: ReadModelLog,
  ) {}

  /** Loads in the background and starts the drift check; lists come from PostgreSQL until it is ready. */
  start(): void {
    this.pending.reload = true;
    this.kick();
    this.driftTimer = setInterval(() => void this.checkDrift(), DRIFT_CHECK_MS);
    this.driftTimer.unref();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.driftTimer) clearInterval(this.driftTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.running?.catch(() => undefined);
  }

  /** Resolves once every change noted so far is applied (or the read model stopped): tests and benchmarks. */
  async settled(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Whether a list with these filters is answered here now (else PostgreSQL answers it). */
  answers(filters: Pick<CatalogueFilters, 'sort'>): boolean {
    return this.state === 'ready' && (filters.sort !== 'name' || this.textOrderAgrees);
  }

  listModels<Row extends { id: number }>(filters: CatalogueFilters): ListResult<Row> {
    return this.models.list<Row>(filters);
  }

  listVariants<Row extends { id: number }>(filters: CatalogueFilters): ListResult<Row> {
    return this.variants.list<Row>(filters);
  }

  facets(entity: 'models' | 'variants', filters: CatalogueFilters, names: readonly FacetName[]): FacetCounts {
    return this[entity].facets(filters, names);
  }

  stats(): ReadModelStats {
    return { state: this.state, models: this.tables.models.liveCount, variants: this.tables.variants.liveCount, ...this.counters };
  }

  /**
   * A change the cache was told of. Synchronous on purpose: from this moment until the named rows are
   * re-read, lists come from PostgreSQL, so no answer computed from the old rows can be cached after the
   * invalidation that should have removed it.
   */
  noteChange(change: CacheChange): void {
    if (this.state === 'stopped') return;
    if ('clear' in change) {
      this.pending.reload = true;
    } else {
      // List tags alone say nothing to re-read: a write names its rows too (the bus delivers each tag as a
      // message of its own, so a list tag often arrives after them), and what no tag names, the drift check finds.
      const rows: ChangedRows = changedRows(change.tags);
      if (rows.brands.length + rows.models.length + rows.modelsOfVariants.length + rows.variants.length === 0) return;
      for (const slug of rows.brands) this.pending.brands.add(slug);
      for (const slug of rows.models) this.pending.models.add(slug);
      for (const slug of rows.modelsOfVariants) this.pending.modelRows.add(slug);
      for (const slug of rows.variants) this.pending.variants.add(slug);
    }
    if (this.state === 'ready') this.state = 'syncing';
    this.kick();
  }

  private kick(): void {
    if (this.running || this.state === 'stopped') return;
    // One write arrives as several bus messages (a message per tag) read in the same turn of the event
    // loop: starting after it gathers them into one re-read instead of one round trip each.
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.running = null;
      });
  }

  private async drain(): Promise<void> {
    while (this.state !== 'stopped') {
      const work = this.pending;
      if (!work.reload && work.brands.size + work.models.size + work.modelRows.size + work.variants.size === 0) break;
      this.pending = nothingPending();
      try {
        if (work.reload) await this.reload();
        else await this.reread(work);
      } catch (error) {
        // Keep what was asked for, and try again shortly; PostgreSQL answers the lists meanwhile.
        this.merge(work);
        this.log.warn({ err: error }, 'catalogue read model: reading changed rows failed; lists come from PostgreSQL until it succeeds');
        this.retryTimer = setTimeout(() => this.kick(), RETRY_MS);
        this.retryTimer.unref();
        return;
      }
    }
    if (this.state !== 'stopped') this.state = 'ready';
  }

  private merge(work: Pending): void {
    this.pending.reload ||= work.reload;
    for (const key of ['brands', 'models', 'modelRows', 'variants'] as const) for (const slug of work[key]) this.pending[key].add(slug);
  }

  /** Every live row, into new tables that replace the current ones once complete. */
  private async reload(): Promise<void> {
    const started = performance.now();
    this.state = this.state === 'stopped' ? 'stopped' : 'loading';
    const collation = await query<{ collation: string }>(this.primary, 'SELECT datcollate AS collation FROM pg_database WHERE datname = current_database()');
    this.textOrderAgrees = C_COLLATIONS.has(collation[0]?.collation ?? '');
    const tables: Tables = { models: new Table(MODELS.spec), variants: new Table(VARIANTS.spec) };
    // Where the time goes (logged): waiting for PostgreSQL, filling the columns, sorting the orders.
    const phases = { waitMs: 0, applyMs: 0, sortMs: 0 };
    for (const def of [MODELS, VARIANTS]) {
      const table = tables[def.entity];
      const text = loadText(def);
      const [bounds] = await query<{ max: number }>(this.primary, `SELECT coalesce(max(id), 0) AS max FROM ${def.entity}`);
      // Rows as arrays: pg builds no object per row, and the columns are filled one at a time. The next
      // range is asked for before this one is applied, so PostgreSQL works while JavaScript does.
      const read = (from: number) => this.primary.query<unknown[]>({ text, values: [from, from + LOAD_BATCH], rowMode: 'array' });
      const max = bounds?.max ?? 0;
      let next = max > 0 ? read(0) : null;
      for (let from = 0; next !== null; from += LOAD_BATCH) {
        const waited = performance.now();
        const result = await next;
        phases.waitMs += performance.now() - waited;
        next = from + LOAD_BATCH < max ? read(from + LOAD_BATCH) : null;
        const applied = performance.now();
        table.loadRows(result.rows, (result.fields ?? []).map((f) => f.name));
        phases.applyMs += performance.now() - applied;
      }
      const sorted = performance.now();
      table.finishRebuild();
      phases.sortMs += performance.now() - sorted;
    }
    this.tables = tables;
    this.models = new ListView(MODELS, tables);
    this.variants = new ListView(VARIANTS, tables);
    this.counters.loads += 1;
    this.counters.loadMs = Math.round(performance.now() - started);
    const rounded = Object.fromEntries(Object.entries(phases).map(([phase, ms]) => [phase, Math.round(ms)]));
    this.log.info({ models: tables.models.liveCount, variants: tables.variants.liveCount, ms: this.counters.loadMs, ...rounded }, 'catalogue read model loaded');
  }

  /** The rows the change names, re-read from the primary and applied (a deleted row leaves). */
  private async reread(work: Pending): Promise<void> {
    const brands = [...work.brands];
    const [models, variants] = await Promise.all([
      query<SourceRow>(this.primary, MODEL_REREAD, [[...work.models, ...work.modelRows], brands]),
      query<SourceRow>(this.primary, VARIANT_REREAD, [[...work.variants], [...work.models], brands]),
    ]);
    for (const row of models) this.tables.models.apply(row);
    for (const row of variants) this.tables.variants.apply(row);
    this.counters.syncs += 1;
  }

  /** Count and change_seq sum of the live rows, here and in PostgreSQL; see the file's comment. */
  async checkDrift(): Promise<boolean> {
    if (this.state !== 'ready') return false;
    let db: DriftCounts | undefined;
    try {
      [db] = await query<DriftCounts>(this.primary, DRIFT);
    } catch {
      return false; // PostgreSQL is away: nothing to compare with, and nothing is being written either.
    }
    const { models, variants } = this.tables;
    const agrees = db !== undefined && db.models === models.liveCount && db.modelSeqs === models.seqSum && db.variants === variants.liveCount && db.variantSeqs === variants.seqSum;
    if (agrees || this.state !== 'ready') {
      this.driftSuspected = false;
      return false;
    }
    if (!this.driftSuspected) {
      // A change may be committed with its event still on the way: look again in a moment.
      this.driftSuspected = true;
      setTimeout(() => void this.checkDrift(), DRIFT_RECHECK_MS).unref();
      return false;
    }
    this.driftSuspected = false;
    this.counters.driftRepairs += 1;
    this.log.warn({ database: db, held: { models: models.liveCount, variants: variants.liveCount } }, 'catalogue read model: drift from PostgreSQL, reloading');
    this.noteChange({ clear: true });
    return true;
  }
}

