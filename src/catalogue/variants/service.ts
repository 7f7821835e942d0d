import { notFound } from '../../errors.js';
import { project } from '../../lib/pagination.js';
import { fieldsIn, pickFields, VARIANT_FIELDS, type KeysIn } from '../fields/index.js';
import type { CatalogueFilters } from '../filters.js';
import { readList } from '../list-answer.js';
import type { CatalogueReadModel } from '../read-model/read-model.js';
import { toVariantSummary, type VariantDetailRow, type VariantRepository, type VariantRow } from './repository.js';
import type { VariantDetail } from './schemas.js';
import { buildSpecSheet } from './spec-sheet.js';

const DETAIL_FIELDS = fieldsIn(VARIANT_FIELDS, 'detail');

/** A variant detail answer: its summary, then the registry's detail fields, in the order VariantDetail declares. */
export function toVariantDetail(row: VariantDetailRow): VariantDetail {
  return {
    ...toVariantSummary(row),
    launchDate: row.launchDate,
    ...pickFields<Pick<VariantDetail, KeysIn<typeof VARIANT_FIELDS, 'detail'>>>(row, DETAIL_FIELDS),
    safetyRating: row.safetyRating,
    colours: row.colours,
    features: row.features,
    specSheet: buildSpecSheet(row),
  };
}

export function createVariantService(variants: VariantRepository, readModel: CatalogueReadModel | null) {
  return {
    /** A page of variants, from the read model when it is ready, else from PostgreSQL; with facet counts when asked. */
    async list(filters: CatalogueFilters & { fields?: string; facets?: string }) {
      const { rows, pagination, facets } = await readList<VariantRow>('variants', readModel, variants, filters);
      return { data: project(rows.map(toVariantSummary), filters.fields), pagination, ...(facets === undefined ? {} : { facets }) };
    },

    async get(slug: string): Promise<VariantDetail> {
      const variant = await variants.findBySlug(slug);
      if (!variant) throw notFound('VARIANT_NOT_FOUND', 'variant', slug);
      return toVariantDetail(variant);
    },
  };
}
