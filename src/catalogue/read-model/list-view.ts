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
    const matching = this.matching(filters);
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
    const out: FacetCounts = {};
    for (const name of names) {
      const base = this.matching(filters, facetParams(name));
      const values = [];
      for (const [value, set] of table.equality.get(name)!.sets) {
        const count = base.countAnd(set);
        if (count === 0) continue;
        const brandName = name === 'brand' ? (table.value(set.first(), 'brandName') as string) : undefined;
        values.push({ value, label: facetLabel(name, value, brandName), count });
      }
      out[name] = rankFacetValues(values);
    }
    return out;
  }

  /** The live slots that `filters` keep, ignoring the parameters in `except`. */
  matching(filters: CatalogueFilters, except: readonly string[] = []): BitSet {
    const table = this.table;
    const bits = table.live.clone();
    for (const param of EQUALITY_PARAMS) {
      const value = filters[param];
      if (value === undefined || except.includes(param)) continue;
      const sets = table.equality.get(param)!.sets;
      if (param === 'brand') {
        const union = new BitSet(0);
        for (const slug of String(value).split(',')) {
          const set = sets.get(slug);
          if (set) union.or(set);
        }
        bits.and(union);
      } else {
        bits.and(sets.get(String(value)) ?? EMPTY);
      }
    }
    if ((filters.priceMin !== undefined && !except.includes('priceMin')) || (filters.priceMax !== undefined && !except.includes('priceMax'))) {
      bits.and(this.priceRange(except.includes('priceMin') ? undefined : filters.priceMin, except.includes('priceMax') ? undefined : filters.priceMax));
    }
    for (const minimum of this.def.minimums) {
      const value = (filters as Record<string, unknown>)[minimum.param];
      if (typeof value === 'number' && !except.includes(minimum.param)) bits.and(this.atLeast(minimum, value));
    }
    return bits;
  }

  /** Slots priced within [min, max], read off the `price` sort's order (ascending price, then id). */
  private priceRange(min: number | undefined, max: number | undefined): BitSet {
    const table = this.table;
    const order = table.sorts.get('price')!;
    const from = min === undefined ? 0 : order.positionAfter(min, 0);
    const to = max === undefined ? order.length : order.positionAfter(max, MAX_ROW_ID);
    const priced = min !== undefined && this.def.price.pricedField !== null ? table.numbers(this.def.price.pricedField) : null;
    const bits = new BitSet(0);
    const slots = order.order;
    for (let i = from; i < to; i++) {
      const slot = slots[i]!;
      if (priced === null || !Number.isNaN(priced[slot]!)) bits.add(slot);
    }
    return bits;
  }

  /**
   * Slots whose field `minimum.key` is at least `value`. On the other table's field: a variant by its model's
   * value, a model when any of its live variants qualifies.
   */
  private atLeast(minimum: EntityDef['minimums'][number], value: number): BitSet {
    const table = this.table;
    const bits = new BitSet(0);
    const own = (this.def.entity === 'models') === minimum.onModel;
    if (own) {
      const values = table.numbers(minimum.key);
      table.live.forEach((slot) => {
        if (values[slot]! >= value) bits.add(slot);
      });
      return bits;
    }
    const other = this.def.entity === 'models' ? this.tables.variants : this.tables.models;
    const otherValues = other.numbers(minimum.key);
    const qualifying = new Set<number>();
    // A variant's model id, or a model's own id: what links a row of one table to the other.
    const link = (t: Table, slot: number, isVariants: boolean) => (isVariants ? (t.value(slot, 'modelId') as number) : t.idOf(slot));
    const otherIsVariants = this.def.entity === 'models';
    other.live.forEach((slot) => {
      if (otherValues[slot]! >= value) qualifying.add(link(other, slot, otherIsVariants));
    });
    table.live.forEach((slot) => {
      if (qualifying.has(link(table, slot, !otherIsVariants))) bits.add(slot);
    });
    return bits;
  }
}
