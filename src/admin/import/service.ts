/**
 * Runs a bulk import inside one adminWrite transaction, streaming: rows are validated as they arrive and
 * upserted in chunks while the file is still being read, so memory stays bounded; the first invalid row
 * stops the writing (reading goes on, to report every problem, up to MAX_REPORTED), and any problem rolls
 * the whole import back. Cache tags are invalidated once, at the end (a large import empties the cache
 * instead: cheaper than tens of thousands of tags). A dry run validates every row and reference the same
 * way but writes nothing: it only counts which slugs are new.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { incompleteSet } from '../../catalogue/fields/index.js';
import { plainText } from '../../content/text.js';
import { AppError, type ErrorDetail } from '../../errors.js';
import { findUnstorable } from '../../platform/storable-input.js';
import { adminWrite } from '../write.js';
import { IMPORTERS, type ImportEntity, type Importer } from './importers.js';
import type { SourceRow } from './sources.js';
import type { Executor } from '../../platform/db.js';

export const MAX_IMPORT_ROWS = 100_000;
/** Rows per upsert statement: each statement also refreshes the derived columns of every model it touches. */
const CHUNK_ROWS = 5_000;
/** A chunk's upsert may take seconds on a busy server; the app-wide statement timeout is sized for page reads. */
const CHUNK_STATEMENT_TIMEOUT_MS = 30_000;
const MAX_REPORTED = 1_000;
/** Above this many distinct tags, the import empties the cache instead of invalidating tag by tag. */
const MAX_TAGS = 2_000;

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
addFormats.default(ajv);
const validators = new Map<ImportEntity, ValidateFunction>();
const validatorFor = (entity: ImportEntity) => {
  let validate = validators.get(entity);
  if (!validate) {
    validate = ajv.compile(IMPORTERS[entity].spec.Create);
    validators.set(entity, validate);
  }
  return validate;
};

function describe(row: number, error: ErrorObject): ErrorDetail {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  const field = missing ?? extra ?? (error.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined);
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  // A nullable registry field has a type list (integer or null): Ajv reports it as "integer,null".
  const type = error.keyword === 'type' ? (error.params as { type?: unknown }).type : undefined;
  const types = Array.isArray(type) ? type : typeof type === 'string' && type.includes(',') ? type.split(',') : undefined;
  const message = extra
    ? 'is not a field of this entity'
    : Array.isArray(allowed)
      ? `must be one of ${allowed.filter((value) => value !== null).join(', ')}`
      : Array.isArray(types)
        ? `must be ${types.join(' or ')}`
        : (error.message ?? 'is invalid');
  return { row, ...(field ? { field } : {}), message };
}

export interface ImportResult {
  entity: ImportEntity;
  rows: number;
  inserted: number;
  updated: number;
  dryRun: boolean;
  ms: number;
}

class DryRunDone extends Error {}

export async function runImport(app: FastifyInstance, request: FastifyRequest, entity: ImportEntity, rows: AsyncIterable<SourceRow>, dryRun: boolean): Promise<ImportResult> {
  const started = Date.now();
  const importer: Importer = IMPORTERS[entity];
  const validate = validatorFor(entity);
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  const brandOfParent = new Map<string, string>();
  let count = 0;
  let inserted = 0;
  let problemCount = 0;
  const report = (detail: ErrorDetail) => {
    problemCount += 1;
    if (problems.length < MAX_REPORTED) problems.push(detail);
  };

  const work = async (tx: Executor, tags: Set<string>) => {
    await tx.query(`SET LOCAL statement_timeout = ${CHUNK_STATEMENT_TIMEOUT_MS}`);
    let chunk: { row: number; value: Record<string, unknown> }[] = [];
    const flush = async () => {
      const batch = chunk;
      chunk = [];
      if (batch.length === 0) return;
      // References are checked even after a problem, so that every bad row is reported; nothing is written then.
      if (importer.reference) await checkReferences(tx, importer, batch, brandOfParent, report);
      if (problemCount > 0) return;
      if (dryRun) {
        // A dry run writes nothing (no index work, no row locks held while the file is read): it counts new slugs.
        const { rows: known } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${importer.spec.table} WHERE slug = ANY($1::text[])`, [batch.map((b) => String(b.value.slug))]);
        inserted += batch.length - known[0]!.n;
        return;
      }
      if (importer.current) await addCurrentTags(tx, importer, batch, tags);
      const { rows: result } = await tx.query<{ inserted: boolean }>(importer.upsert, [JSON.stringify(batch.map((b) => b.value))]);
      inserted += result.filter((r) => r.inserted).length;
      for (const { value } of batch) for (const tag of importer.tags(value, (slug) => brandOfParent.get(slug) ?? slug)) tags.add(tag);
    };
    // A chunk is written while the next one is read and validated, so the parser and the database work at once.
    let writing: Promise<void> = Promise.resolve();
    const flushBehind = async () => {
      await writing;
      writing = flush();
      // Awaited by the next flushBehind or at the end; until then its failure must not count as unhandled.
      writing.catch(() => undefined);
    };
    for await (const source of rows) {
      count += 1;
      if (count > MAX_IMPORT_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `an import holds at most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows; split the file`);
      if (source.value === null) {
        report({ row: source.row, message: `the row ${source.problem ?? 'is unreadable'}` });
        continue;
      }
      const unstorable = findUnstorable(source.value, '');
      if (unstorable !== null) {
        report({ row: source.row, field: unstorable[0], message: unstorable[1] });
        continue;
      }
      if (!validate(source.value)) {
        // A union (integer or null) fails once per branch; one line per field says enough.
        const fields = new Set<string | undefined>();
        for (const detail of (validate.errors ?? []).map((error) => describe(source.row, error))) {
          if (!fields.has(detail.field)) report(detail);
          fields.add(detail.field);
        }
        continue;
      }
      let value: Record<string, unknown>;
      try {
        value = cleanText(importer, source.value);
      } catch (error) {
        report({ row: source.row, ...((error as AppError).details?.[0] ?? { message: String(error) }) });
        continue;
      }
      const incomplete = incompleteSet(importer.fields, value);
      if (incomplete) {
        report({ row: source.row, ...incomplete });
        continue;
      }
      const slug = String(value.slug);
      if (seen.has(slug)) {
        report({ row: source.row, field: 'slug', message: `"${slug}" appears twice in the file` });
        continue;
      }
      seen.add(slug);
      chunk.push({ row: source.row, value });
      if (chunk.length >= CHUNK_ROWS) await flushBehind();
    }
    await flushBehind();
    await writing;
    if (count === 0) throw new AppError('IMPORT_INVALID', 'the file holds no rows');
    if (problemCount > 0) {
      // Reference problems are found a chunk at a time, after later rows' own problems.
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      throw new AppError('IMPORT_INVALID', `${problemCount} problem(s) in ${count} rows; nothing was imported${problemCount > problems.length ? ` (the first ${problems.length} are listed)` : ''}`, problems);
    }
  };

  try {
    await adminWrite(app, request, async (tx, effects) => {
      const tags = new Set<string>();
      await work(tx, tags);
      if (dryRun) throw new DryRunDone();
      effects.audit({ action: 'import', entity: entity.slice(0, -1), entityId: null, before: null, after: { rows: count, inserted, updated: count - inserted } });
      if (tags.size > MAX_TAGS) effects.clearCache();
      else effects.invalidate(tags);
    });
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error;
  }
  // A dry run counts too, so it says what the import would do.
  return { entity, rows: count, inserted, updated: count - inserted, dryRun, ms: Date.now() - started };
}

/** Plain-text hygiene (markup refused) on the text fields, feature lists and colour names, as the admin API does. */
function cleanText(importer: Importer, row: Record<string, unknown>): Record<string, unknown> {
  const value = { ...row };
  for (const field of importer.textFields) if (typeof value[field] === 'string') value[field] = plainText(field, value[field]);
  if (Array.isArray(value.features)) value.features = (value.features as string[]).map((feature, i) => plainText(`features.${i}`, feature));
  if (Array.isArray(value.colours)) {
    value.colours = (value.colours as { name: string; hex: string }[]).map((colour, i) => ({ name: plainText(`colours.${i}.name`, colour.name), hex: colour.hex }));
  }
  return value;
}

/** Tags of the stored rows before the upsert: a row moving to another model or brand must drop its old parent's pages too. */
async function addCurrentTags(tx: Executor, importer: Importer, batch: { value: Record<string, unknown> }[], tags: Set<string>): Promise<void> {
  const { rows } = await tx.query<{ slug: string; parent: string; brand: string }>(importer.current!, [batch.map((b) => String(b.value.slug))]);
  for (const row of rows) for (const tag of importer.tags({ slug: row.slug, [importer.reference!.field]: row.parent }, () => row.brand)) tags.add(tag);
}

async function checkReferences(
  tx: Executor,
  importer: Importer,
  batch: { row: number; value: Record<string, unknown> }[],
  brandOfParent: Map<string, string>,
  report: (detail: ErrorDetail) => void,
): Promise<void> {
  const { field, table } = importer.reference!;
  const wanted = [...new Set(batch.map((b) => String(b.value[field])))].filter((slug) => !brandOfParent.has(slug));
  if (wanted.length > 0) {
    const sql =
      table === 'brands'
        ? 'SELECT slug, slug AS brand FROM brands WHERE slug = ANY($1::text[]) AND deleted_at IS NULL'
        : 'SELECT m.slug, b.slug AS brand FROM models m JOIN brands b ON b.id = m.brand_id WHERE m.slug = ANY($1::text[]) AND m.deleted_at IS NULL';
    const { rows } = await tx.query<{ slug: string; brand: string }>(sql, [wanted]);
    for (const row of rows) brandOfParent.set(row.slug, row.brand);
  }
  for (const { row, value } of batch) {
    const slug = String(value[field]);
    if (!brandOfParent.has(slug)) report({ row, field, message: `no ${table.slice(0, -1)} with slug "${slug}"` });
  }
}
