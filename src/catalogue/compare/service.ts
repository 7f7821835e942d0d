/**
 * Side-by-side comparison: the spec sheet's rows aligned across 2–4 variants, then one row per feature
 * (true/false), each flagged when the variants disagree.
 */
import { AppError } from '../../errors.js';
import { toVariantSummary, type VariantDetailRow, type VariantRepository } from '../variants/repository.js';
import { SPEC_ROWS } from '../variants/spec-sheet.js';
import type { Comparison, CompareRow } from './schemas.js';

const differs = (values: unknown[]) => values.some((v) => v !== values[0]);

function featureRows(variants: VariantDetailRow[]): CompareRow[] {
  const all = [...new Set(variants.flatMap((v) => v.features))].sort((a, b) => a.localeCompare(b));
  return all.map((feature) => {
    const values = variants.map((v) => v.features.includes(feature));
    return { key: `feature:${feature}`, label: feature, group: 'Features', unit: null, values, differs: differs(values) };
  });
}

export function createCompareService(variants: VariantRepository) {
  return {
    async compare(slugList: string, onlyDifferences: boolean): Promise<Comparison> {
      const slugs = slugList.split(',');
      const repeated = slugs.filter((slug, i) => slugs.indexOf(slug) !== i);
      if (repeated.length > 0) {
        throw new AppError('VALIDATION_FAILED', `variants: each variant may appear once; repeated: ${[...new Set(repeated)].join(', ')}`);
      }
      const found = await variants.findManyBySlugs(slugs);
      const bySlug = new Map(found.map((v) => [v.slug, v]));
      const missing = slugs.filter((slug) => !bySlug.has(slug));
      if (missing.length > 0) throw new AppError('VARIANT_NOT_FOUND', `no variant with slug ${missing.map((s) => `"${s}"`).join(', ')}`);
      const ordered = slugs.map((slug) => bySlug.get(slug) as VariantDetailRow);

      const specRows: CompareRow[] = SPEC_ROWS.map((spec) => {
        const values = ordered.map((v) => spec.read(v));
        return { key: spec.key, label: spec.label, group: spec.group, unit: spec.unit, values, differs: differs(values) };
      }).filter((row) => row.values.some((v) => v !== null));
      const rows = [...specRows, ...featureRows(ordered)];
      return {
        variants: ordered.map(toVariantSummary),
        onlyDifferences,
        rows: onlyDifferences ? rows.filter((r) => r.differs) : rows,
      };
    },
  };
}
