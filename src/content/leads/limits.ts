/**
 * The budgets one enquiry spends, the same from the API and from the page form (same tiers, same keys), so
 * alternating between them gains nothing: `leads` per client, and `leadsPhone` per phone number, since
 * every lead makes a dealer call that number (one sender must not have a stranger called all day, whatever
 * addresses it sends from). The client's budget goes first: a refused sender spends nobody's phone budget.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from '../../platform/rate-limit/client-key.js';
import type { RateLimiter } from '../../platform/rate-limit/rate-limit-plugin.js';
import { normalisePhone } from './service.js';

/** Throws the 429 AppError of the first budget that is spent. */
export async function spendLeadBudget(limits: RateLimiter, request: FastifyRequest, reply: FastifyReply, phone: string): Promise<void> {
  await limits.consume(request, reply, 'leads', clientKey(request.ip));
  await limits.consume(request, reply, 'leadsPhone', normalisePhone(phone));
}
