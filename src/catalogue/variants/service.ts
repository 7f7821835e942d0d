import { notFound } from '../../errors.js';
import { project } from '../../lib/pagination.js';
import type { CatalogueFilters } from '../filters.js';
import { toVariantSummary, type VariantDetailRow, type VariantRepository } from './repository.js';
import type { VariantDetail } from './schemas.js';
import { buildSpecSheet } from './spec-sheet.js';

export function toVariantDetail(row: VariantDetailRow): VariantDetail {
  return {
    ...toVariantSummary(row),
    launchDate: row.launchDate,
    lengthMm: row.lengthMm,
    widthMm: row.widthMm,
    heightMm: row.heightMm,
    wheelbaseMm: row.wheelbaseMm,
    groundClearanceMm: row.groundClearanceMm,
    bootLitres: row.bootLitres,
    kerbWeightKg: row.kerbWeightKg,
    airbags: row.airbags,
    safetyRating: row.safetyRating,
    colours: row.colours,
    features: row.features,
    specSheet: buildSpecSheet(row),
  };
}

export function createVariantService(variants: VariantRepository) {
  return {
    async list(filters: CatalogueFilters & { fields?: string }) {
      const { rows, pagination } = await variants.list(filters);
      return { data: project(rows.map(toVariantSummary), filters.fields), pagination };
    },

    async get(slug: string): Promise<VariantDetail> {
      const variant = await variants.findBySlug(slug);
      if (!variant) throw notFound('VARIANT_NOT_FOUND', 'variant', slug);
      return toVariantDetail(variant);
    },
  };
}
