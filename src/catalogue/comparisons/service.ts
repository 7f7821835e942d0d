import { buildPagination } from '../../lib/pagination.js';
import type { ComparisonRepository } from './repository.js';
import type { PopularComparison, PopularComparisonQuery } from './schemas.js';

export function createComparisonService(comparisons: ComparisonRepository) {
  return {
    async listPopular(request: PopularComparisonQuery) {
      const [rows, total] = await Promise.all([
        comparisons.listPopular(request.limit, (request.page - 1) * request.limit),
        comparisons.countPopular(),
      ]);
      const data: PopularComparison[] = rows.map((row) => {
        const slugs = row.models.map((m) => m.variantSlug).filter((s): s is string => s !== null);
        return { ...row, compareUrl: `/api/compare?variants=${slugs.join(',')}` };
      });
      return { data, pagination: buildPagination(request, total, request.page * request.limit < total, null) };
    },
  };
}
