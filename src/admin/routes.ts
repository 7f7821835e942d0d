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

/** Admin answers carry names, e-mail addresses, leads and audit entries: no browser or shared cache may keep one. */
const ADMIN_CACHE_CONTROL = 'no-store';

export const adminRoutes: FastifyPluginAsync = async (app) => {
  // One hook on the whole admin scope, before any other: every answer (success, error, HEAD) starts no-store,
  // so a route that forgets to say so (users and jobs did) is covered. Unknown /api/admin paths get the app's
  // 404, which is no-store too.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', ADMIN_CACHE_CONTROL);
    done();
  });
  await app.register(authRoutes);
  for (const spec of ADMIN_RESOURCES) await app.register(resourceRoutes(spec));
  await app.register(userRoutes);
  await app.register(auditRoutes);
  await app.register(exportRoutes);
  await app.register(importRoutes);
  await app.register(jobRoutes);
  await app.register(queueBoard);
};
