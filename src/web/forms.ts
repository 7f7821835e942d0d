/**
 * The visitors' forms without JavaScript: application/x-www-form-urlencoded POSTs that store through the
 * same services as the API (rate limits included) and answer 303 See Other to a page that shows a one-time
 * message (Post/Redirect/Get: reloading the result never posts twice). A foreign Origin is refused (CSRF);
 * a missing one is allowed, since these forms carry no credentials.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { AppError } from '../errors.js';
import { SlugParams } from '../lib/schemas.js';
import { LeadInput } from '../content/leads/schemas.js';
import { spendLeadBudget } from '../content/leads/limits.js';
import { spendSubscribeBudget } from '../content/newsletter/limits.js';
import { SubscribeInput } from '../content/newsletter/schemas.js';
import { setFlash, type FlashCode } from './flash.js';
import { LeadForm, NewsletterForm } from './schemas.js';

const LEAD_FIELDS = ['name', 'phone', 'email', 'city', 'variant', 'intent', 'message'] as const;
/** Where the newsletter form may send a visitor back to: a path on this site, never another host. */
const SAFE_BACK = /^\/(?!\/)[A-Za-z0-9\-._~/?=&%,]*$/;

function refuseForeignOrigin(request: FastifyRequest, trusted: Set<string>): void {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && !trusted.has(origin)) throw new AppError('ORIGIN_REJECTED', 'forms must be sent from this site');
}

function redirectWith(reply: FastifyReply, code: FlashCode, location: string) {
  setFlash(reply, code);
  return reply.header('cache-control', 'no-store').redirect(location, 303);
}

/** A rate limit is a message to the visitor, not an error page. */
async function withinLimit(consume: () => Promise<void>): Promise<boolean> {
  try {
    await consume();
    return true;
  } catch (error) {
    if (error instanceof AppError && error.status === 429) return false;
    throw error;
  }
}

export const formRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ajv = new Ajv({ allErrors: false, coerceTypes: false });
  addFormats.default(ajv);
  const validLead = ajv.compile<LeadInput>(LeadInput);
  const validSubscription = ajv.compile(SubscribeInput);
  const { leads, newsletter } = app.content;
  const trusted = new Set([new URL(app.config.publicUrl).origin, ...app.config.corsOrigins.filter((o) => o !== '*')]);

  app.post('/cars/:slug/enquiry', { schema: { hide: true, params: SlugParams, body: LeadForm } }, async (request, reply) => {
    refuseForeignOrigin(request, trusted);
    const back = `/cars/${request.params.slug}`;
    const input: Record<string, string> = { model: request.params.slug };
    for (const field of LEAD_FIELDS) {
      const value = request.body[field]?.trim();
      if (value) input[field] = value;
    }
    if (!validLead(input)) return redirectWith(reply, 'lead-invalid', `${back}#enquiry-form`);
    if (!(await withinLimit(() => spendLeadBudget(app.rateLimit, request, reply, input.phone)))) return redirectWith(reply, 'lead-limited', `${back}#enquiry-form`);
    try {
      await leads.create(input as LeadInput, undefined);
    } catch (error) {
      // An unknown model is a 404 page; a bad variant or a name of symbols only is the form's problem.
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.details?.[0]?.field !== 'model') return redirectWith(reply, 'lead-invalid', `${back}#enquiry-form`);
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED') throw new AppError('MODEL_NOT_FOUND', `no model with slug "${request.params.slug}"`);
      throw error;
    }
    return redirectWith(reply, 'lead-sent', back);
  });

  app.post('/newsletter', { schema: { hide: true, body: NewsletterForm } }, async (request, reply) => {
    refuseForeignOrigin(request, trusted);
    const back = request.body.back !== undefined && SAFE_BACK.test(request.body.back) ? request.body.back : '/';
    const input = { email: request.body.email.trim(), source: 'site-footer' };
    if (!validSubscription(input)) return redirectWith(reply, 'newsletter-invalid', back);
    if (!(await withinLimit(() => spendSubscribeBudget(app.rateLimit, request, reply, input.email)))) return redirectWith(reply, 'newsletter-limited', back);
    await newsletter.subscribe(input, undefined);
    return redirectWith(reply, 'newsletter-sent', back);
  });
};
