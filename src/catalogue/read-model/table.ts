/**
 * One catalogue table held in memory, column by column: numbers in Float64Arrays (null as NaN), repeated
 * strings (body types, brand and model names, dates) as codes into a dictionary, unique strings and arrays
 * as they are. A row lives in a slot; a deleted row's slot is left empty (the live set says which slots
 * hold rows) until the next full load compacts them.
 *
 * Beside the columns the table keeps what its queries need, current on every change: a bit set of slots
 * per value of each equality filter, and the live slots in the order of each sort.
 */
import { BitSet } from './bitset.js';

/** How a column stores its values. */
export type ColumnKind = 'number' | 'dict' | 'text' | 'value';

const INITIAL_CAPACITY = 1_024;

interface Column {
  get(slot: number): unknown;
  set(slot: number, value: unknown): void;
  grow(capacity: number): void;
}

class NumberColumn implements Column {
  data = new Float64Array(INITIAL_CAPACITY);
  get(slot: number): number | null {
    const value = this.data[slot]!;
    return Number.isNaN(value) ? null : value;
  }
  set(slot: number, value: unknown): void {
    this.data[slot] = value === null || value === undefined ? Number.NaN : Number(value);
  }
  grow(capacity: number): void {
    const grown = new Float64Array(capacity);
    grown.set(this.data);
    this.data = grown;
  }
}

class DictColumn implements Column {
  codes = new Int32Array(INITIAL_CAPACITY).fill(-1);
  readonly values: string[] = [];
  private readonly lookup = new Map<string, number>();
  get(slot: number): string | null {
    const code = this.codes[slot]!;
    return code < 0 ? null : this.values[code]!;
  }
  set(slot: number, value: unknown): void {
    if (value === null || value === undefined) {
      this.codes[slot] = -1;
      return;
    }
    const text = String(value);
    let code = this.lookup.get(text);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(text);
      this.lookup.set(text, code);
    }
    this.codes[slot] = code;
  }
  grow(capacity: number): void {
    const grown = new Int32Array(capacity).fill(-1);
    grown.set(this.codes);
    this.codes = grown;
  }
}

class ListColumn implements Column {
  data: unknown[] = [];
  get(slot: number): unknown {
    return this.data[slot] ?? null;
  }
  set(slot: number, value: unknown): void {
    this.data[slot] = value ?? null;
  }
  grow(): void {}
}

function createColumn(kind: ColumnKind): Column {
  if (kind === 'number') return new NumberColumn();
  if (kind === 'dict') return new DictColumn();
  return new ListColumn();
}

/** Values of an equality filter a row has (one, several for an array column, none when null). */
export type ValuesOf = (row: RowReader) => readonly string[];

/** A sort: its column (a row key) and direction; ties are broken by id in the same direction. */
export interface SortDef {
  field: string;
  direction: 'asc' | 'desc';
}

/** Reads one slot's values by row key. */
export interface RowReader {
  get(key: string): unknown;
}

/**
 * PostgreSQL's order of text under the C collation (what the read model requires for text sorts: see
 * read-model.ts): by code point. JavaScript compares UTF-16 code units, which differ only where one string
 * has a surrogate (a code point past U+FFFF) and the other a unit from U+E000 to U+FFFF at the first
 * difference.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}

/** The live slots in one sort's order, kept sorted by binary-search insertion and removal. */
class SortIndex {
  order = new Int32Array(INITIAL_CAPACITY);
  length = 0;
  private readonly sign: number;

  constructor(
    private readonly table: Table,
    readonly def: SortDef,
  ) {
    this.sign = def.direction === 'asc' ? 1 : -1;
  }

  /** Sort order of (key, id) against slot `slot`'s values: negative when (key, id) comes first. */
  compareTo(key: unknown, id: number, slot: number): number {
    const other = this.table.value(slot, this.def.field);
    const byKey = compareValues(key, other);
    return this.sign * (byKey !== 0 ? byKey : id - this.table.idOf(slot));
  }

  /** The first position whose row comes after (key, id) in this order. */
  positionAfter(key: unknown, id: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compareTo(key, id, this.order[mid]!) >= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The first position whose row does not come before (key, id). */
  private positionOf(key: unknown, id: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compareTo(key, id, this.order[mid]!) > 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  insert(slot: number): void {
    if (this.length === this.order.length) {
      const grown = new Int32Array(this.order.length * 2);
      grown.set(this.order);
      this.order = grown;
    }
    const at = this.positionOf(this.table.value(slot, this.def.field), this.table.idOf(slot));
    this.order.copyWithin(at + 1, at, this.length);
    this.order[at] = slot;
    this.length += 1;
  }

  /** Removes `slot`, whose values must still be the ones it was inserted with. */
  remove(slot: number): void {
    const at = this.positionOf(this.table.value(slot, this.def.field), this.table.idOf(slot));
    if (this.order[at] !== slot) throw new Error(`read model: slot ${slot} is not where sort ${this.def.field} put it`);
    this.order.copyWithin(at, at + 1, this.length);
    this.length -= 1;
  }

  /** Every live slot, sorted at once (a full load). */
  rebuild(): void {
    const slots: number[] = [];
    this.table.live.forEach((slot) => slots.push(slot));
    const field = this.def.field;
    const keys = slots.map((slot) => this.table.value(slot, field));
    const ids = slots.map((slot) => this.table.idOf(slot));
    const positions = slots.map((_, i) => i);
    positions.sort((a, b) => {
      const byKey = compareValues(keys[a], keys[b]);
      return this.sign * (byKey !== 0 ? byKey : ids[a]! - ids[b]!);
    });
    this.order = new Int32Array(Math.max(INITIAL_CAPACITY, slots.length * 2));
    for (let i = 0; i < positions.length; i++) this.order[i] = slots[positions[i]!]!;
    this.length = slots.length;
  }
}

/** The bit sets of one equality filter: per value, the live slots that have it. */
class EqualityIndex {
  readonly sets = new Map<string, BitSet>();
  /**
   * While every row has at most one value: each slot's value as a number (-1 for none), and the values by
   * number. A facet over a sparse set then tallies its slots instead of intersecting every value's set.
   */
  codes: Int32Array | null = new Int32Array(INITIAL_CAPACITY).fill(-1);
  readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();

  constructor(private readonly valuesOf: ValuesOf) {}

  add(slot: number, row: RowReader): void {
    const values = this.valuesOf(row);
    for (const value of values) {
      let set = this.sets.get(value);
      if (set === undefined) this.sets.set(value, (set = new BitSet(0)));
      set.add(slot);
    }
    if (this.codes === null) return;
    if (values.length > 1) {
      this.codes = null;
      return;
    }
    if (slot >= this.codes.length) {
      const grown = new Int32Array(Math.max(slot + 1, this.codes.length * 2)).fill(-1);
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[slot] = values.length === 0 ? -1 : this.numberOf(values[0]!);
  }

  remove(slot: number, row: RowReader): void {
    for (const value of this.valuesOf(row)) this.sets.get(value)?.delete(slot);
    if (this.codes !== null && slot < this.codes.length) this.codes[slot] = -1;
  }

  private numberOf(value: string): number {
    let number = this.numbers.get(value);
    if (number === undefined) {
      number = this.values.length;
      this.values.push(value);
      this.numbers.set(value, number);
    }
    return number;
  }
}

export interface TableSpec {
  /** The kind of each row key's column; `id` and `changeSeq` are always kept. */
  columns: Record<string, ColumnKind>;
  /** Keys that the answers' rows carry (others, like a brand id, only serve filters). */
  rowKeys: readonly string[];
  equality: Record<string, ValuesOf>;
  sorts: Record<string, SortDef>;
}

/** A row as read from PostgreSQL: the spec's columns, `id`, `changeSeq` and `deleted`. */
export type SourceRow = Record<string, unknown> & { id: number; changeSeq: number; deleted: boolean };

export class Table {
  readonly live = new BitSet(INITIAL_CAPACITY);
  /** Live rows, and the sum of their change_seq: what the drift check compares with PostgreSQL. */
  liveCount = 0;
  seqSum = 0;
  private size = 0;
  private capacity = INITIAL_CAPACITY;
  private ids = new Int32Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private readonly slotById = new Map<number, number>();
  private readonly columns = new Map<string, Column>();
  readonly equality = new Map<string, EqualityIndex>();
  readonly sorts = new Map<string, SortIndex>();

  constructor(readonly spec: TableSpec) {
    for (const [key, kind] of Object.entries(spec.columns)) this.columns.set(key, createColumn(kind));
    for (const [name, valuesOf] of Object.entries(spec.equality)) this.equality.set(name, new EqualityIndex(valuesOf));
    for (const [name, def] of Object.entries(spec.sorts)) this.sorts.set(name, new SortIndex(this, def));
  }

  idOf(slot: number): number {
    return this.ids[slot]!;
  }

  value(slot: number, key: string): unknown {
    if (key === 'id') return this.ids[slot]!;
    const column = this.columns.get(key);
    if (column === undefined) throw new Error(`read model: no column ${key}`);
    return column.get(slot);
  }

  /** The column of `key`: typed arrays for the tight loops of range filters. */
  numbers(key: string): Float64Array {
    const column = this.columns.get(key);
    if (!(column instanceof NumberColumn)) throw new Error(`read model: ${key} is not a number column`);
    return column.data;
  }

  slotOf(id: number): number | undefined {
    return this.slotById.get(id);
  }

  /** One reader, moved from slot to slot (no allocation per row on the load's hot path). */
  private readonly cursor = { slot: 0, get: (key: string) => this.value(this.cursor.slot, key) };

  reader(slot: number): RowReader {
    this.cursor.slot = slot;
    return this.cursor;
  }

  /** Bumped by every change: what a cached filter set was computed for (list-view.ts). */
  version = 0;

  /** Slots ever used (live or not): the length a full bit set needs. */
  get slots(): number {
    return this.size;
  }

  /**
   * A full load: live rows as value arrays in `fields` order, appended column by column (far cheaper than
   * `apply` row by row); finishRebuild() then sorts the orders.
   */
  loadRows(rows: readonly unknown[][], fields: readonly string[]): void {
    const at = (key: string) => {
      const index = fields.indexOf(key);
      if (index < 0) throw new Error(`read model: the load did not select ${key}`);
      return index;
    };
    const first = this.size;
    while (this.capacity < first + rows.length) this.growTo(this.capacity * 2);
    const idAt = at('id');
    const seqAt = at('changeSeq');
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const slot = first + i;
      const id = row[idAt] as number;
      this.ids[slot] = id;
      this.slotById.set(id, slot);
      const seq = Number(row[seqAt]);
      this.seqs[slot] = seq;
      this.seqSum += seq;
      this.live.add(slot);
    }
    for (const [key, column] of this.columns) {
      const index = at(key);
      for (let i = 0; i < rows.length; i++) column.set(first + i, rows[i]![index]);
    }
    this.size += rows.length;
    this.liveCount += rows.length;
    for (const index of this.equality.values()) for (let slot = first; slot < this.size; slot++) index.add(slot, this.reader(slot));
    this.version += 1;
  }

  /** The answer row of `slot`: the row keys, as the SQL list returns them. */
  row(slot: number): Record<string, unknown> {
    const out: Record<string, unknown> = { id: this.ids[slot]! };
    for (const key of this.spec.rowKeys) if (key !== 'id') out[key] = this.columns.get(key)!.get(slot);
    return out;
  }

  /**
   * Applies a row read from PostgreSQL, unless the table holds a newer version of it (a re-read that
   * overtook a later one). Returns whether it changed anything.
   */
  apply(source: SourceRow): boolean {
    let slot = this.slotById.get(source.id);
    if (slot !== undefined && this.seqs[slot]! >= source.changeSeq) return false;
    if (slot === undefined) {
      if (source.deleted) return false;
      slot = this.allocate(source.id);
    } else if (this.live.has(slot)) {
      this.unindex(slot);
    }
    this.version += 1;
    this.seqs[slot] = source.changeSeq;
    if (source.deleted) {
      this.live.delete(slot);
      return true;
    }
    for (const [key, column] of this.columns) column.set(slot, source[key]);
    this.live.add(slot);
    this.liveCount += 1;
    this.seqSum += source.changeSeq;
    const reader = this.reader(slot);
    for (const index of this.equality.values()) index.add(slot, reader);
    for (const sort of this.sorts.values()) sort.insert(slot);
    return true;
  }

  /** After a full load (loadRows): sorts every order at once. */
  finishRebuild(): void {
    for (const sort of this.sorts.values()) sort.rebuild();
  }

  private unindex(slot: number): void {
    const reader = this.reader(slot);
    for (const index of this.equality.values()) index.remove(slot, reader);
    for (const sort of this.sorts.values()) sort.remove(slot);
    this.live.delete(slot);
    this.liveCount -= 1;
    this.seqSum -= this.seqs[slot]!;
  }

  private growTo(capacity: number): void {
    this.capacity = capacity;
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    for (const column of this.columns.values()) column.grow(capacity);
  }

  private allocate(id: number): number {
    if (this.size === this.capacity) this.growTo(this.capacity * 2);
    const slot = this.size;
    this.size += 1;
    this.ids[slot] = id;
    this.slotById.set(id, slot);
    return slot;
  }
}
