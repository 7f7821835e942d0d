/**
 * /admin/queues: the BullMQ dashboard (@bull-board), mounted only when Redis is configured. Admins only,
 * through the same authorize hook as the admin API (Bearer token or the access cookie, whose path is /;
 * cookie-authenticated changes must come from this origin). Its page needs its own CSP on these routes
 * only (as /api/docs has): its scripts are same-origin files and its config is a JSON script, but it uses
 * inline styles; framing stays refused (frame-ancestors 'none').
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import { AppError, sendError } from '../../errors.js';

export const BOARD_PATH = '/admin/queues';
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' https://fonts.gstatic.com",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const queueBoard: FastifyPluginAsync = async (app) => {
  const bullmq = app.jobs.bullmq;
  if (!bullmq) return;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(bullmq.queue)], serverAdapter, options: { uiConfig: { boardTitle: 'gadizone jobs' } } });
  await app.register(async (scope) => {
    // The board's plugin sets its own error handler, so a refusal is answered here, in the catalogue's format.
    const authorize = app.authorize('jobs:manage');
    scope.addHook('onRequest', async function (request, reply) {
      try {
        await authorize.call(this, request, reply);
      } catch (error) {
        return sendError(reply, error instanceof AppError ? error : new AppError('FORBIDDEN', 'not allowed'));
      }
    });
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', BOARD_CSP);
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
  });
};
