import { notFound } from '../../errors.js';
import { buildPagination, project } from '../../lib/pagination.js';
import { BRAND_FIELDS, fieldsIn, pickFields, type KeysIn } from '../fields/index.js';
import type { ModelService } from '../models/service.js';
import type { BrandRepository, BrandRow } from './repository.js';
import type { BrandDetail, BrandListQuery, BrandSummary } from './schemas.js';

const toSummary = (row: BrandRow): BrandSummary => ({
  slug: row.slug,
  name: row.name,
  ...pickFields<Pick<BrandSummary, KeysIn<typeof BRAND_FIELDS, 'summary'>>>(row, fieldsIn(BRAND_FIELDS, 'summary')),
  modelCount: row.modelCount,
  priceMinInr: row.priceMinInr,
  priceMaxInr: row.priceMaxInr,
});

export function createBrandService(brands: BrandRepository, models: ModelService) {
  return {
    async list(request: BrandListQuery) {
      const [rows, total] = await Promise.all([brands.list(request.sort, request.limit, (request.page - 1) * request.limit), brands.count()]);
      const hasNext = request.page * request.limit < total;
      return { data: project(rows.map(toSummary), request.fields), pagination: buildPagination(request, total, hasNext, null) };
    },

    async get(slug: string): Promise<BrandDetail> {
      const brand = await brands.findBySlug(slug);
      if (!brand) throw notFound('BRAND_NOT_FOUND', 'brand', slug);
      const brandModels = await models.listByBrand(brand);
      return { ...toSummary(brand), ...pickFields<Pick<BrandDetail, KeysIn<typeof BRAND_FIELDS, 'detail'>>>(brand, fieldsIn(BRAND_FIELDS, 'detail')), models: brandModels };
    },
  };
}
