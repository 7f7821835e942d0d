import { notFound } from '../../errors.js';
import { project } from '../../lib/pagination.js';
import type { CatalogueFilters } from '../filters.js';
import type { VariantDetailRow, VariantRepository } from '../variants/repository.js';
import { toModelSummary, type ModelRepository } from './repository.js';
import type { ModelDetail } from './schemas.js';

type RangeKey = keyof ModelDetail['keySpecs'];

const KEY_SPEC_UNITS: Record<RangeKey, string> = {
  engineCc: 'cc',
  powerBhp: 'bhp',
  torqueNm: 'Nm',
  mileageKmpl: 'km/l',
  rangeKm: 'km',
  seats: 'seats',
  airbags: 'airbags',
  bootLitres: 'litres',
  groundClearanceMm: 'mm',
  safetyRating: 'stars',
};

function keySpecs(variants: VariantDetailRow[]): ModelDetail['keySpecs'] {
  const specs = {} as Record<RangeKey, { min: number | null; max: number | null; unit: string }>;
  for (const [key, unit] of Object.entries(KEY_SPEC_UNITS) as [RangeKey, string][]) {
    const values = variants.map((v) => v[key]).filter((x): x is number => typeof x === 'number');
    specs[key] = { min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null, unit };
  }
  return specs as ModelDetail['keySpecs'];
}

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
        description: model.description,
        colours: model.colours,
        features: model.features,
        keySpecs: keySpecs(modelVariants),
        variants: modelVariants.map((v) => ({
          slug: v.slug,
          name: v.name,
          priceInr: v.priceInr,
          fuel: v.fuel,
          transmission: v.transmission,
          engineCc: v.engineCc,
          powerBhp: v.powerBhp,
          mileageKmpl: v.mileageKmpl,
          rangeKm: v.rangeKm,
          seats: v.seats,
        })),
      };
    },
  };
}
export type ModelService = ReturnType<typeof createModelService>;
