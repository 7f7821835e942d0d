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
import { CatalogueReadModel } from './read-model/read-model.js';

/** The catalogue's read services over one executor, lists from `readModel` when there is one and it is ready. */
export function createCatalogue(reads: Executor, readModel: CatalogueReadModel | null = null) {
  const models = createModelRepository(reads);
  const variants = createVariantRepository(reads);
  const modelService = createModelService(models, variants, readModel);
  return {
    brands: createBrandService(createBrandRepository(reads), modelService),
    models: modelService,
    variants: createVariantService(variants, readModel),
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
    /** The catalogue's lists in memory (null with READ_MODEL_ENABLED=false). */
    catalogueReadModel: CatalogueReadModel | null;
  }
}

export const cataloguePlugin = fp(
  async (app) => {
    // The read model re-reads changed rows from the primary (app.pg): a replica may not have the write yet.
    const readModel = app.config.readModel ? new CatalogueReadModel(app.pg, app.log) : null;
    if (readModel !== null) {
      app.cache.onChange((change) => readModel.noteChange(change));
      app.addHook('onReady', async () => readModel.start());
      app.addHook('onClose', async () => readModel.stop());
    }
    app.decorate('catalogueReadModel', readModel);
    app.decorate('catalogue', createCatalogue(app.pgRead, readModel));
  },
  { name: 'catalogue', dependencies: ['db', 'cache'] },
);
