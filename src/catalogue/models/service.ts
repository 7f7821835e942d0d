import { notFound } from '../../errors.js';
import { project } from '../../lib/pagination.js';
import { fieldsIn, MODEL_FIELDS, pickFields, type KeysIn } from '../fields/index.js';
import type { CatalogueFilters } from '../filters.js';
import type { VariantDetailRow, VariantRepository } from '../variants/repository.js';
import { readList } from '../list-answer.js';
import type { CatalogueReadModel } from '../read-model/read-model.js';
import { toModelSummary, type ModelRepository, type ModelRow } from './repository.js';
import { keySpecRanges } from './key-specs.js';
import { ModelVariantSummary, type ModelDetail, type ModelSummary } from './schemas.js';

/** A brand page lists this many of its models at most (the SQL list's own limit). */
const BRAND_PAGE_MODELS = 500;

const VARIANT_KEYS = Object.keys(ModelVariantSummary.properties);

export function createModelService(models: ModelRepository, variants: VariantRepository, readModel: CatalogueReadModel | null) {
  return {
    /** A page of models, from the read model when it is ready, else from PostgreSQL; with facet counts when asked. */
    async list(filters: CatalogueFilters & { fields?: string; facets?: string }) {
      const { rows, pagination, facets } = await readList<ModelRow>('models', readModel, models, filters);
      return { data: project(rows.map(toModelSummary), filters.fields), pagination, ...(facets === undefined ? {} : { facets }) };
    },

    /** Every model of a brand, most popular first (at most 500). */
    async listByBrand(brand: { id: number; slug: string }): Promise<ModelSummary[]> {
      const request = { brand: brand.slug, sort: 'popularity' as const, page: 1, limit: BRAND_PAGE_MODELS };
      const rows = readModel?.answers(request) === true ? readModel.listModels<ModelRow>(request).rows : await models.listByBrand(brand.id);
      return rows.map(toModelSummary);
    },

    async get(slug: string): Promise<ModelDetail> {
      const model = await models.findBySlug(slug);
      if (!model) throw notFound('MODEL_NOT_FOUND', 'model', slug);
      const modelVariants = await variants.listByModel(model.id);
      return {
        ...toModelSummary(model),
        ...pickFields<Pick<ModelDetail, KeysIn<typeof MODEL_FIELDS, 'detail'>>>(model, fieldsIn(MODEL_FIELDS, 'detail')),
        colours: model.colours,
        features: model.features,
        keySpecs: keySpecRanges(modelVariants, model.crashTestAdultStars) as ModelDetail['keySpecs'],
        variants: modelVariants.map((v) => Object.fromEntries(VARIANT_KEYS.map((key) => [key, v[key as keyof VariantDetailRow]])) as ModelVariantSummary),
      };
    },
  };
}
export type ModelService = ReturnType<typeof createModelService>;
