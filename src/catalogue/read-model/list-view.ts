/**
 * Answers a catalogue list from the tables in memory, exactly as the SQL list does (runList in
 * list-query.ts): the same rows in the same order, the same total, the same pagination and cursors. The
 * filters become one bit set (equality sets intersected, price ranges read off the price order), the total
 * is its population count, and a page is read by walking the sort's order from the start (or from the
 * cursor's position) and keeping the slots in the set.
 */
import { buildPagination, decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { facetLabel, facetParams, rankFacetValues, type FacetCounts, type FacetName } from '../facets.js';
import type { CatalogueFilters, CatalogueSortSpec } from '../filters.js';
import { offsetOf, type ListResult } from '../list-query.js';
import { BitSet } from './bitset.js';
import { EQUALITY_PARAMS, type EntityDef } from './entities.js';
import type { Table } from './table.js';

const MAX_ROW_ID = 2_147_483_647;
/** Computed filter sets kept per table version (a few MB at 200,000 variants). */
const CACHED_SETS = 128;
const EMPTY = new BitSet(0);

/** The two tables: a list's filter may read the other one (a model's crash test filters its variants). */
export interface Tables {
  models: Table;
  variants: Table;
}

export class ListView {
  constructor(
    readonly def: EntityDef,
    private readonly tables: Tables,
  ) {}

  private get table(): Table {
    return this.tables[this.def.entity];
  }

  list<Row extends { id: number }>(filters: CatalogueFilters): ListResult<Row> {
    const table = this.table;
    const spec = this.def.source.sorts[filters.sort] as CatalogueSortSpec;
    const order = table.sorts.get(filters.sort)!;
    let skip = offsetOf(filters);
    let position = 0;
    if (filters.cursor !== undefined) {
      const [key, id] = decodeCursor(filters.cursor, filters.sort, spec);
      position = order.positionAfter(key, id);
    }
    const matching = this.combine(this.filterSets(filters), []);
    const total = matching.count();
    const rows: Row[] = [];
    const slots = order.order;
    for (; position < order.length && rows.length <= filters.limit; position++) {
      const slot = slots[position]!;
      if (!matching.has(slot)) continue;
      if (skip > 0) {
        skip -= 1;
        continue;
      }
      rows.push(table.row(slot) as Row);
    }
    const hasNext = rows.length > filters.limit;
    if (hasNext) rows.pop();
    const last = rows.at(-1);
    const nextCursor = hasNext && last ? encodeCursor(filters.sort, spec.key(last), last.id) : null;
    return { rows, pagination: buildPagination(filters, total, hasNext, nextCursor) };
  }

  /** Counts per value of each facet, under every filter but the facet's own. */
  facets(filters: CatalogueFilters, names: readonly FacetName[]): FacetCounts {
    const table = this.table;
    const sets = this.filterSets(filters);
    const out: FacetCounts = {};
    for (const name of names) {
      const except: readonly string[] = facetParams(name);
      const index = table.equality.get(name)!;
      const counts = new Map<string, number>();
      if ([...sets.keys()].every((param) => except.includes(param))) {
        // Under no other filter a value's count is its set's size, kept until the table changes.
        for (const [value, set] of index.sets) counts.set(value, this.sizeOf(set));
      } else {
        const base = this.combine(sets, except);
        const words = base.nonZeroWords();
        const codes = index.codes;
        // Tally the base's slots when that reads less than intersecting every value's set with it.
        if (codes !== null && base.count() < words.length * index.sets.size) {
          const tally = new Int32Array(index.values.length);
          base.forEach((slot) => {
            const code = codes[slot]!;
            if (code >= 0) tally[code]! += 1;
          });
          for (let i = 0; i < tally.length; i++) counts.set(index.values[i]!, tally[i]!);
        } else {
          for (const [value, set] of index.sets) counts.set(value, base.countAndAt(set, words));
        }
      }
      const values = [];
      for (const [value, count] of counts) {
        if (count === 0) continue;
        const brandName = name === 'brand' ? (table.value(index.sets.get(value)!.first(), 'brandName') as string) : undefined;
        values.push({ value, label: facetLabel(name, value, brandName), count });
      }
      out[name] = rankFacetValues(values);
    }
    return out;
  }

  private sizes = new WeakMap<BitSet, { version: number; size: number }>();

  private sizeOf(set: BitSet): number {
    const version = this.table.version;
    const known = this.sizes.get(set);
    if (known?.version === version) return known.size;
    const size = set.count();
    this.sizes.set(set, { version, size });
    return size;
  }

  /** The live slots every filter set keeps, but those of the parameters in `except`. */
  private combine(sets: Map<string, BitSet>, except: readonly string[]): BitSet {
    const bits = this.table.live.clone();
    for (const [param, set] of sets) if (!except.includes(param)) bits.and(set);
    return bits;
  }

  /**
   * One set per active filter parameter (the price range counts as one, under both of its parameters).
   * Sets that cost a scan (ranges, minimums, brand unions) are kept for reuse until the table changes.
   */
  private filterSets(filters: CatalogueFilters): Map<string, BitSet> {
    const table = this.table;
    const sets = new Map<string, BitSet>();
    for (const param of EQUALITY_PARAMS) {
      const value = filters[param];
      if (value === undefined) continue;
      const byValue = table.equality.get(param)!.sets;
      sets.set(param, param === 'brand' && String(value).includes(',') ? this.cached(`brand=${value}`, () => this.union(byValue, String(value).split(','))) : (byValue.get(String(value)) ?? EMPTY));
    }
    if (filters.priceMin !== undefined || filters.priceMax !== undefined) {
      const range = this.cached(`price=${filters.priceMin}-${filters.priceMax}`, () => this.priceRange(filters.priceMin, filters.priceMax));
      // Dropped together by the price facet, or one at a time by nothing else: one set under both names.
      if (filters.priceMin !== undefined) sets.set('priceMin', range);
      if (filters.priceMax !== undefined) sets.set('priceMax', range);
    }
    for (const minimum of this.def.minimums) {
      const value = (filters as Record<string, unknown>)[minimum.param];
      if (typeof value === 'number') sets.set(minimum.param, this.cached(`${minimum.param}=${value}`, () => this.atLeast(minimum, value)));
    }
    return sets;
  }

  /** Computed sets for the current version of both tables (a change to either drops them all). */
  private cache = new Map<string, BitSet>();
  private cacheVersion = '';

  private cached(key: string, compute: () => BitSet): BitSet {
    const version = `${this.tables.models.version}/${this.tables.variants.version}`;
    if (version !== this.cacheVersion || this.cache.size >= CACHED_SETS) {
      this.cache = new Map();
      this.cacheVersion = version;
    }
    let set = this.cache.get(key);
    if (set === undefined) this.cache.set(key, (set = compute()));
    return set;
  }

  private union(byValue: Map<string, BitSet>, values: readonly string[]): BitSet {
    const union = this.empty();
    for (const value of values) {
      const set = byValue.get(value);
      if (set) union.or(set);
    }
    return union;
  }

  private empty(): BitSet {
    return new BitSet(this.table.slots);
  }

  /** Slots priced within [min, max], read off the `price` sort's order (ascending price, then id). */
  private priceRange(min: number | undefined, max: number | undefined): BitSet {
    const table = this.table;
    const order = table.sorts.get('price')!;
    const from = min === undefined ? 0 : order.positionAfter(min, 0);
    const to = max === undefined ? order.length : order.positionAfter(max, MAX_ROW_ID);
    const priced = min !== undefined && this.def.price.pricedField !== null ? table.numbers(this.def.price.pricedField) : null;
    const bits = this.empty();
    const slots = order.order;
    for (let i = from; i < to; i++) {
      const slot = slots[i]!;
      if (priced === null || !Number.isNaN(priced[slot]!)) bits.set(slot);
    }
    return bits;
  }

  /**
   * Slots whose field `minimum.key` is at least `value`. On the other table's field: a variant by its model's
   * value, a model when any of its live variants qualifies.
   */
  private atLeast(minimum: EntityDef['minimums'][number], value: number): BitSet {
    const table = this.table;
    const bits = this.empty();
    const own = (this.def.entity === 'models') === minimum.onModel;
    if (own) {
      const values = table.numbers(minimum.key);
      table.live.forEach((slot) => {
        if (values[slot]! >= value) bits.set(slot);
      });
      return bits;
    }
    // Across the tables, by model id: flags indexed by id, read from typed arrays.
    const { models, variants } = this.tables;
    const modelOf = variants.numbers('modelId');
    if (this.def.entity === 'variants') {
      const values = models.numbers(minimum.key);
      const qualifies = new Uint8Array(maxId(models) + 1);
      models.live.forEach((slot) => {
        if (values[slot]! >= value) qualifies[models.idOf(slot)] = 1;
      });
      variants.live.forEach((slot) => {
        if (qualifies[modelOf[slot]!] === 1) bits.set(slot);
      });
      return bits;
    }
    const values = variants.numbers(minimum.key);
    const qualifies = new Uint8Array(maxId(models) + 1);
    variants.live.forEach((slot) => {
      if (values[slot]! >= value) qualifies[modelOf[slot]!] = 1;
    });
    models.live.forEach((slot) => {
      if (qualifies[models.idOf(slot)] === 1) bits.set(slot);
    });
    return bits;
  }
}

/** The largest id a table holds (ids index the flags of atLeast). */
function maxId(table: Table): number {
  let max = 0;
  table.live.forEach((slot) => {
    max = Math.max(max, table.idOf(slot));
  });
  return max;
}
