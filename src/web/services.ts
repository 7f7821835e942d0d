/** The services the pages read through: the same ones the API uses (no SQL of their own but web-repository.ts). */
import type { FastifyInstance } from 'fastify';
import { createAnalyticsRepository } from '../analytics/repository.js';
import { createTrendingService } from '../analytics/service.js';
import { createBrandRepository } from '../catalogue/brands/repository.js';
import { createBrandService } from '../catalogue/brands/service.js';
import { createCompareService } from '../catalogue/compare/service.js';
import { createComparisonRepository } from '../catalogue/comparisons/repository.js';
import { createComparisonService } from '../catalogue/comparisons/service.js';
import { createModelRepository } from '../catalogue/models/repository.js';
import { createModelService } from '../catalogue/models/service.js';
import { createSearchRepository } from '../catalogue/search/repository.js';
import { createSearchService } from '../catalogue/search/service.js';
import { createVariantRepository } from '../catalogue/variants/repository.js';
import { createVariantService } from '../catalogue/variants/service.js';
import { createArticleRepository } from '../content/articles/repository.js';
import { createArticleService } from '../content/articles/service.js';
import { createWebRepository } from './web-repository.js';

export function createSiteServices(app: FastifyInstance) {
  // Pages only read: a replica in service when DATABASE_REPLICA_URLS is set (see platform/read-routing.ts).
  const reads = app.pgRead;
  const modelRepository = createModelRepository(reads);
  const variantRepository = createVariantRepository(reads);
  return {
    brands: createBrandService(createBrandRepository(reads), modelRepository),
    models: createModelService(modelRepository, variantRepository),
    variants: createVariantService(variantRepository),
    compare: createCompareService(variantRepository),
    comparisons: createComparisonService(createComparisonRepository(reads)),
    search: createSearchService(createSearchRepository(reads)),
    articles: createArticleService(createArticleRepository(reads)),
    trending: createTrendingService(createAnalyticsRepository(reads)),
    web: createWebRepository(reads),
  };
}
export type SiteServices = ReturnType<typeof createSiteServices>;
