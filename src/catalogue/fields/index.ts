/** The catalogue field registry: brand, model and variant fields, each declared once, and what derives from them. */
export * from './define-field.js';
export * from './derive.js';
export { BRAND_FIELDS, type BrandFields } from './brand-fields.js';
export { CRASH_TEST_FIELDS, MODEL_FIELDS, type ModelFields } from './model-fields.js';
export { VARIANT_FIELDS, type VariantFields } from './variant-fields.js';
