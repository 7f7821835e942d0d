import { notFound } from '../../errors.js';
import { buildPagination, project } from '../../lib/pagination.js';
import { toModelSummary, type ModelRepository } from '../models/repository.js';
import type { BrandRepository, BrandRow } from './repository.js';
import type { BrandDetail, BrandListQuery, BrandSummary } from './schemas.js';

const toSummary = ({ slug, name, country, foundedYear, colour, modelCount, priceMinInr, priceMaxInr }: BrandRow): BrandSummary => ({
  slug,
  name,
  country,
  foundedYear,
  colour,
  modelCount,
  priceMinInr,
  priceMaxInr,
});

export function createBrandService(brands: BrandRepository, models: ModelRepository) {
  return {
    async list(request: BrandListQuery) {
      const [rows, total] = await Promise.all([brands.list(request.sort, request.limit, (request.page - 1) * request.limit), brands.count()]);
      const hasNext = request.page * request.limit < total;
      return { data: project(rows.map(toSummary), request.fields), pagination: buildPagination(request, total, hasNext, null) };
    },

    async get(slug: string): Promise<BrandDetail> {
      const brand = await brands.findBySlug(slug);
      if (!brand) throw notFound('BRAND_NOT_FOUND', 'brand', slug);
      const brandModels = await models.listByBrand(brand.id);
      return { ...toSummary(brand), description: brand.description, models: brandModels.map(toModelSummary) };
    },
  };
}
