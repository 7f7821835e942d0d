/**
 * The reads only the pages make (web-repository.ts: model ids for pictures, sitemap chunks),
 * built once as `app.pageData` over `app.pgRead`. Everything else a page shows comes from the domains'
 * own services (`app.catalogue`, `app.content`, `app.analytics`), the same ones the API answers with.
 */
import fp from 'fastify-plugin';
import { createWebRepository, type WebRepository } from './web-repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Model ids and sitemap reads for the pages. */
    pageData: WebRepository;
  }
}

export const pageDataPlugin = fp(
  async (app) => {
    app.decorate('pageData', createWebRepository(app.pgRead));
  },
  { name: 'page-data', dependencies: ['db'] },
);
