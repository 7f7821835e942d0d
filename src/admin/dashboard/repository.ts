/**
 * The dashboard's lead figures. The admin API has no lead list (leads leave as a CSV export), so the
 * dashboard reads the two figures it shows here, read-only: how many leads there are and the latest few.
 */
import type { Executor } from '../../platform/db.js';

export interface LatestLead {
  id: number;
  createdAt: Date;
  name: string;
  city: string;
  intent: string;
  model: string;
  status: string;
}

export const LATEST_LEADS = 10;

export function createDashboardRepository(pool: Executor) {
  return {
    async countLeads(): Promise<number> {
      return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0]!.n;
    },
    async latestLeads(limit = LATEST_LEADS): Promise<LatestLead[]> {
      const { rows } = await pool.query<LatestLead>(
        `SELECT l.id, l.created_at AS "createdAt", l.name, l.city, l.intent, m.slug AS model, l.status
           FROM leads l JOIN models m ON m.id = l.model_id ORDER BY l.created_at DESC, l.id DESC LIMIT $1`,
        [limit],
      );
      return rows;
    },
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;
