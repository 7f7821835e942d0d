/** The admin API under /api/admin: auth, one resource per catalogue/content table, users, audit, exports, import, jobs. */
import type { FastifyPluginAsync } from 'fastify';
import { auditRoutes } from './audit/routes.js';
import { authRoutes } from './auth/routes.js';
import { exportRoutes } from './exports/routes.js';
import { importRoutes } from './import/routes.js';
import { queueBoard } from './jobs/board.js';
import { jobRoutes } from './jobs/routes.js';
import { resourceRoutes } from './resources/resource-routes.js';
import { articlesResource } from './resources/specs/articles.js';
import { brandsResource } from './resources/specs/brands.js';
import { comparisonsResource } from './resources/specs/comparisons.js';
import { imagesResource } from './resources/specs/images.js';
import { modelsResource } from './resources/specs/models.js';
import { variantsResource } from './resources/specs/variants.js';
import { userRoutes } from './users/routes.js';

export const ADMIN_RESOURCES = [brandsResource, modelsResource, variantsResource, imagesResource, articlesResource, comparisonsResource];

export const adminRoutes: FastifyPluginAsync = async (app) => {
  await app.register(authRoutes);
  for (const spec of ADMIN_RESOURCES) await app.register(resourceRoutes(spec));
  await app.register(userRoutes);
  await app.register(auditRoutes);
  await app.register(exportRoutes);
  await app.register(importRoutes);
  await app.register(jobRoutes);
  await app.register(queueBoard);
};
