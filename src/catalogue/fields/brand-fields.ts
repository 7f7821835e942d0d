/**
 * A brand's own fields, declared once. Not fields (see registry-tables.test.ts): id, slug and name
 * (identity), timestamps and version.
 */
import { defineFields, field, integer, pattern, text } from './define-field.js';

export const BRAND_FIELDS = defineFields({
  country: field({ column: 'country', value: text(60), nullable: false, api: 'summary', label: 'Country' }),
  foundedYear: field({ column: 'founded_year', value: integer(1800, 2100, 'smallint'), nullable: true, required: false, api: 'summary', label: 'Founded (year)' }),
  colour: field({ column: 'colour', value: pattern('^#[0-9a-fA-F]{6}$'), nullable: false, api: 'summary', label: 'Brand colour' }),
  description: field({ column: 'description', value: text(2000, 0), nullable: false, required: false, fallback: "''", api: 'detail', label: 'Description' }),
});
export type BrandFields = typeof BRAND_FIELDS;
