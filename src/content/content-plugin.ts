/**
 * The content domain, built once and shared by the API routes and the pages as `app.content`: articles
 * (reads, through `app.pgRead`), and the visitors' leads and newsletter subscriptions (writes, on the
 * primary `app.pg`; a confirmation mail is queued through the outbox and drained at once).
 */
import fp from 'fastify-plugin';
import { createArticleRepository } from './articles/repository.js';
import { createArticleService } from './articles/service.js';
import { createLeadService } from './leads/service.js';
import { createNewsletterService } from './newsletter/service.js';

export interface Content {
  articles: ReturnType<typeof createArticleService>;
  leads: ReturnType<typeof createLeadService>;
  newsletter: ReturnType<typeof createNewsletterService>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Articles (reads), leads and newsletter subscriptions (writes). */
    content: Content;
  }
}

export const contentPlugin = fp(
  async (app) => {
    app.decorate<Content>('content', {
      articles: createArticleService(createArticleRepository(app.pgRead)),
      leads: createLeadService(app.pg),
      newsletter: createNewsletterService(app.pg, () => app.outbox.drainNow()),
    });
  },
  { name: 'content', dependencies: ['db', 'outbox'] },
);
