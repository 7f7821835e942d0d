/**
 * The admin pages' view of each API resource: its URL, names, list columns, and the form fields, which
 * are derived from the resource's own TypeBox create schema (the API's schema stays the one source of
 * truth: a field added there appears in the form). Form posts are strings; `formToInput` turns them
 * back into the JSON the API validates, and the API's 400 details come back next to the inputs.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { ADMIN_RESOURCES } from '../../admin/routes.js';
import type { Permission } from '../../admin/permissions.js';

export type FieldKind = 'text' | 'textarea' | 'integer' | 'number' | 'select' | 'list' | 'json';

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  nullable: boolean;
  options?: string[];
  hint?: string;
}

export interface AdminResource {
  /** URL segment under /admin and /api/admin. */
  path: string;
  entity: string;
  title: string;
  read: Permission;
  write: Permission;
  /** Columns of the list table (view field names). */
  columns: string[];
  fields: FormField[];
}

/** Text longer than this gets a textarea. */
const LONG_TEXT_CHARS = 300;

/** Labels a playwright test or a person relies on; the rest are derived from the field name. */
const LABELS: Record<string, string> = {
  priceInr: 'Ex-showroom price (INR)',
  bodyType: 'Body type',
  launchDate: 'Launch date',
  foundedYear: 'Founded (year)',
  bodyHtml: 'Body (HTML)',
  bodyMarkdown: 'Body (Markdown)',
  publishedAt: 'Published at',
};

const HINTS: Partial<Record<FieldKind, string>> = {
  list: 'one per line',
  json: 'JSON, e.g. [{"name": "Red", "hex": "#cc0000"}]',
};

const COLUMNS: Record<string, string[]> = {
  brands: ['name', 'slug', 'country', 'liveModels'],
  models: ['name', 'brand', 'bodyType', 'status', 'liveVariants'],
  variants: ['name', 'model', 'priceInr', 'fuel', 'transmission'],
  images: ['model', 'kind', 'path', 'alt', 'renderState'],
  articles: ['title', 'category', 'status', 'publishedAt'],
  comparisons: ['title', 'models', 'position'],
};

export const humanise = (name: string): string => LABELS[name] ?? name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).replace(/ (Inr|Mm|Kg|Cc|Bhp|Nm|Kmpl|Km|Kwh)$/, (unit) => ` (${unit.trim()})`);

/**
 * One form field from a property schema: a union with null, or a type list with null (the field registry's
 * nullable fields), is an optional-to-clear field of the other type.
 */
function fieldOf(name: string, schema: TSchema, required: boolean): FormField {
  const branches = (schema.anyOf as TSchema[] | undefined) ?? [schema];
  const found = branches.find((b) => b.type !== 'null') ?? schema;
  const types: unknown[] = Array.isArray(found.type) ? found.type : [found.type];
  const value: TSchema = { ...found, type: types.find((type) => type !== 'null') };
  const nullable = branches.some((b) => b.type === 'null') || types.includes('null');
  let kind: FieldKind = 'text';
  if (Array.isArray(value.enum)) kind = 'select';
  else if (value.type === 'integer') kind = 'integer';
  else if (value.type === 'number') kind = 'number';
  else if (value.type === 'array') kind = (value.items as TSchema | undefined)?.type === 'object' ? 'json' : 'list';
  else if (typeof value.maxLength === 'number' && value.maxLength > LONG_TEXT_CHARS) kind = 'textarea';
  const hint = HINTS[kind] ?? (value.format === 'date-time' ? 'ISO date and time, e.g. 2026-01-31T09:00:00Z' : (value.description as string | undefined));
  const title = typeof found.title === 'string' ? found.title : undefined;
  return { name, label: LABELS[name] ?? title ?? humanise(name), kind, required, nullable, ...(kind === 'select' ? { options: (value.enum as unknown[]).filter((option): option is string => option !== null) } : {}), ...(hint ? { hint } : {}) };
}

export function formFields(create: TObject): FormField[] {
  const required = new Set(create.required ?? []);
  return Object.entries(create.properties).map(([name, schema]) => fieldOf(name, schema, required.has(name)));
}

export const ADMIN_PAGES: AdminResource[] = ADMIN_RESOURCES.map((spec) => ({
  path: spec.path,
  entity: spec.entity,
  title: spec.path === 'comparisons' ? 'Popular comparisons' : humanise(spec.path),
  read: spec.read,
  write: spec.write,
  columns: COLUMNS[spec.path] ?? ['slug'],
  fields: formFields(spec.Create),
}));

export const findResource = (path: string): AdminResource | undefined => ADMIN_PAGES.find((r) => r.path === path);

const isBlank = (value: unknown): boolean => value === null || value === '' || (Array.isArray(value) && value.length === 0);

export type FormValues = Record<string, string>;

/** A view value as the text a form shows. */
export function toFormValue(field: FormField, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.kind === 'list' && Array.isArray(value)) return value.join('\n');
  if (field.kind === 'json') return JSON.stringify(value, null, 1);
  return String(value);
}

export interface Converted {
  input: Record<string, unknown>;
  /** Problems found before the API could see them (text that is not JSON). */
  errors: Record<string, string>;
}

/** A form value as API input; undefined means "leave the field out". */
function convert(field: FormField, raw: string): { value?: unknown; error?: string } {
  const text = field.kind === 'textarea' || field.kind === 'json' ? raw : raw.trim();
  if (text.trim() === '') {
    if (field.kind === 'list' || field.kind === 'json') return { value: [] };
    if (field.nullable) return { value: null };
    return field.kind === 'text' || field.kind === 'textarea' ? { value: text } : {};
  }
  if (field.kind === 'integer' || field.kind === 'number') {
    const numeric = Number(text.replaceAll(',', ''));
    // Not a number: sent as it is, so the API's own message ("must be integer") is the one shown.
    return { value: Number.isFinite(numeric) ? numeric : text };
  }
  if (field.kind === 'list') return { value: text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '') };
  if (field.kind === 'json') {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return { error: `must be JSON: ${HINTS.json}` };
    }
  }
  return { value: text };
}

/**
 * Form values → API input. With `current` (an edit), only the fields whose value differs from the row
 * as it is now are sent, so a PATCH never rewrites what the editor did not touch.
 */
export function formToInput(resource: AdminResource, form: FormValues, current?: Record<string, unknown>): Converted {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of resource.fields) {
    const raw = form[field.name];
    if (raw === undefined) continue;
    const { value, error } = convert(field, raw);
    if (error !== undefined) errors[field.name] = error;
    else if (value !== undefined && (current === undefined || JSON.stringify(value) !== JSON.stringify(current[field.name] ?? null))) input[field.name] = value;
  }
  // A new row: blank optional fields are left to the API's defaults.
  if (current === undefined) for (const field of resource.fields) if (!field.required && isBlank(input[field.name])) delete input[field.name];
  return { input, errors };
}
