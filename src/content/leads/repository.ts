import { query, type Executor } from '../../platform/db.js';

export interface LeadRecord {
  name: string;
  phone: string;
  email: string | null;
  city: string;
  intent: string;
  modelId: number;
  variantId: number | null;
  message: string | null;
}

export function createLeadRepository(db: Executor) {
  return {
    async findTarget(modelSlug: string | undefined, variantSlug: string | undefined, executor: Executor = db) {
      const rows = await query<{ modelId: number; modelSlug: string; variantId: number | null; variantSlug: string | null }>(
        executor,
        `SELECT m.id AS "modelId", m.slug AS "modelSlug", v.id AS "variantId", v.slug AS "variantSlug"
           FROM models m LEFT JOIN variants v ON v.model_id = m.id AND v.slug = $2 AND v.deleted_at IS NULL
          WHERE m.deleted_at IS NULL
            AND (m.slug = $1 OR ($1::text IS NULL AND m.id = (SELECT model_id FROM variants WHERE slug = $2 AND deleted_at IS NULL)))`,
        [modelSlug ?? null, variantSlug ?? null],
      );
      return rows[0] ?? null;
    },

    async create(lead: LeadRecord, executor: Executor = db): Promise<{ id: number; createdAt: Date }> {
      const rows = await query<{ id: number; createdAt: Date }>(
        executor,
        `INSERT INTO leads (name, phone, email, city, intent, model_id, variant_id, message)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at AS "createdAt"`,
        [lead.name, lead.phone, lead.email, lead.city, lead.intent, lead.modelId, lead.variantId, lead.message],
      );
      return rows[0] as { id: number; createdAt: Date };
    },
  };
}
