/** Turning admin input into column values: plain text, references by slug. */
import { AppError } from '../../errors.js';
import { plainText } from '../../content/text.js';
import type { Executor } from '../../platform/db.js';

/** Copies the plain-text fields present in `input` (cleaned, markup refused) under their column names. */
export function textColumns(input: Record<string, unknown>, fields: Record<string, string>): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(fields)) {
    const value = input[field];
    if (typeof value === 'string') columns[column] = plainText(field, value);
  }
  return columns;
}

/** Feature lists and colour names are text too. */
export function listColumns(input: Record<string, unknown>): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (Array.isArray(input.features)) columns.features = (input.features as string[]).map((f, i) => plainText(`features.${i}`, f));
  if (Array.isArray(input.colours)) {
    columns.colours = JSON.stringify((input.colours as { name: string; hex: string }[]).map((c, i) => ({ name: plainText(`colours.${i}.name`, c.name), hex: c.hex })));
  }
  return columns;
}

/** Copies the other fields present in `input` as they are (already validated by their schemas). */
export function valueColumns(input: Record<string, unknown>, fields: Record<string, string>, json: string[] = []): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(fields)) {
    if (field in input) columns[column] = json.includes(field) ? JSON.stringify(input[field]) : input[field];
  }
  return columns;
}

/** The id of the live row of `table` with `slug`; a 400 naming `field` when there is none. */
export async function idOfSlug(tx: Executor, table: 'brands' | 'models' | 'variants', slug: string, field: string): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(`SELECT id FROM ${table} WHERE slug = $1 AND deleted_at IS NULL`, [slug]);
  if (rows[0] === undefined) {
    throw new AppError('VALIDATION_FAILED', `${field}: no ${table.slice(0, -1)} with slug "${slug}"`, [{ in: 'body', field, message: 'unknown slug' }]);
  }
  return rows[0].id;
}

/** Refuses a restore while the row's parent (the live row of `table` with `slug`) is deleted. */
export async function refuseIfParentDeleted(tx: Executor, table: 'brands' | 'models', slug: string, child: string): Promise<void> {
  const { rowCount } = await tx.query(`SELECT 1 FROM ${table} WHERE slug = $1 AND deleted_at IS NOT NULL`, [slug]);
  if (rowCount) throw new AppError('REFERENCE_IN_USE', `the ${child}'s ${table.slice(0, -1)} "${slug}" is deleted: restore it first`);
}

/** Refuses a delete while live rows still point at the row. */
export async function refuseIfReferenced(tx: Executor, sql: string, id: number, message: (n: number) => string): Promise<void> {
  const { rows } = await tx.query<{ n: number }>(sql, [id]);
  const n = rows[0]?.n ?? 0;
  if (n > 0) throw new AppError('REFERENCE_IN_USE', message(n));
}
