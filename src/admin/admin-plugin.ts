/**
 * The admin domain's own reads, built once as `app.admin` for the admin pages (and whatever else needs
 * them): today the dashboard's lead figures. The admin API's resources, users, audit and imports are
 * routes over their own repositories (src/admin/routes.ts); this holds what is read outside them. It reads
 * the primary (`app.pg`), as the dashboard always has: an admin counting leads sees the latest ones.
 */
import fp from 'fastify-plugin';
import { createDashboardRepository, type DashboardRepository } from './dashboard/repository.js';

export interface Admin {
  dashboard: DashboardRepository;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The dashboard's lead figures (count, latest). */
    admin: Admin;
  }
}

export const adminPlugin = fp(
  async (app) => {
    app.decorate('admin', { dashboard: createDashboardRepository(app.pg) });
  },
  { name: 'admin', dependencies: ['db'] },
);
