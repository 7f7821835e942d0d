import { notFound } from '../../errors.js';
import { project } from '../../lib/pagination.js';
import { fieldsIn, MODEL_FIELDS, pickFields, type KeysIn } from '../fields/index.js';
import type { CatalogueFilters } from '../filters.js';
import type { VariantDetailRow, VariantRepository } from '../variants/repository.js';
import { toModelSummary, type ModelRepository } from './repository.js';
import { keySpecRanges } from './key-specs.js';
import { ModelVariantSummary, type ModelDetail } from './schemas.js';

const VARIANT_KEYS = Object.keys(ModelVariantSummary.properties);

export function createModelService(models: ModelRepository, variants: VariantRepository) {
  return {
    async list(filters: CatalogueFilters & { fields?: string }) {
      const { rows, pagination } = await models.list(filters);
      return { data: project(rows.map(toModelSummary), filters.fields), pagination };
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
