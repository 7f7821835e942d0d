/**
 * The catalogue domain: its repositories and services, built once and shared by the API routes and the
 * pages as `app.catalogue`. Everything here only reads, so it reads through `app.pgRead` (a replica in
 * service when DATABASE_REPLICA_URLS is set; see platform/read-routing.ts). Catalogue writes go through
 * the admin resources (src/admin/resources), which own their transactions.
 */
import fp from 'fastify-plugin';
import type { Executor } from '../platform/db.js';
import { createBrandRepository } from './brands/repository.js';
import { createBrandService } from './brands/service.js';
import { createCompareService } from './compare/service.js';
import { createComparisonRepository } from './comparisons/repository.js';
import { createComparisonService } from './comparisons/service.js';
import { createModelRepository } from './models/repository.js';
import { createModelService } from './models/service.js';
import { createSearchRepository } from './search/repository.js';
import { createSearchService } from './search/service.js';
import { createVariantRepository } from './variants/repository.js';
import { createVariantService } from './variants/service.js';

/** The catalogue's read services over one executor. */
export function createCatalogue(reads: Executor) {
  const models = createModelRepository(reads);
  const variants = createVariantRepository(reads);
  return {
    brands: createBrandService(createBrandRepository(reads), models),
    models: createModelService(models, variants),
    variants: createVariantService(variants),
    compare: createCompareService(variants),
    comparisons: createComparisonService(createComparisonRepository(reads)),
    search: createSearchService(createSearchRepository(reads)),
  };
}

export type Catalogue = ReturnType<typeof createCatalogue>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Brands, models, variants, compare, popular comparisons and search (reads). */
    catalogue: Catalogue;
  }
}

export const cataloguePlugin = fp(
  async (app) => {
    app.decorate('catalogue', createCatalogue(app.pgRead));
  },
  { name: 'catalogue', dependencies: ['db'] },
);
