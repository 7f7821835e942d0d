/**
 * The budgets one sign-up spends, the same from the API and from the page form (same tiers, same keys), so
 * alternating between them gains nothing: `newsletterIp` per client (each sign-up mails a confirmation to
 * an address of the sender's choosing) and `newsletter` per address (nobody's inbox gets more than one
 * confirmation an hour). The client's budget goes first: a refused sender spends nobody's address budget.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from '../../platform/rate-limit/client-key.js';
import type { RateLimiter } from '../../platform/rate-limit/rate-limit-plugin.js';

/** The address as stored and counted: case and surrounding spaces do not make a new one. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Throws the 429 AppError of the first budget that is spent. */
export async function spendSubscribeBudget(limits: RateLimiter, request: FastifyRequest, reply: FastifyReply, email: string): Promise<void> {
  await limits.consume(request, reply, 'newsletterIp', clientKey(request.ip));
  await limits.consume(request, reply, 'newsletter', normaliseEmail(email));
}
