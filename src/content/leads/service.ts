import { AppError } from '../../errors.js';
import { idempotentWrite } from '../../platform/idempotency.js';
import { plainText } from '../text.js';
import { createLeadRepository } from './repository.js';
import type { LeadInput, LeadReceipt } from './schemas.js';
import type { Database } from '../../platform/db.js';

const unknownReference = (field: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ in: 'body', field, message }]);

/** The number as stored and counted: +91 and the last 10 digits, whatever spacing or prefix was typed. */
export const normalisePhone = (phone: string) => `+91${phone.replace(/[^0-9]/g, '').slice(-10)}`;

export function createLeadService(pool: Database) {
  const leads = createLeadRepository(pool);
  return {
    /** Stores the lead; resolves only after it is committed. */
    async create(input: LeadInput, idempotencyKey: string | undefined) {
      if (input.model === undefined && input.variant === undefined) {
        throw new AppError('VALIDATION_FAILED', 'give the model or the variant the enquiry is about', [{ in: 'body', field: 'model', message: 'required without variant' }]);
      }
      const name = plainText('name', input.name);
      const city = plainText('city', input.city);
      const message = input.message === undefined ? null : plainText('message', input.message);
      if (name.length < 2 || city.length < 2) throw new AppError('VALIDATION_FAILED', 'name and city need at least 2 visible characters');
      return idempotentWrite(pool, 'leads', idempotencyKey, input, async (client) => {
        const target = await leads.findTarget(input.model, input.variant, client);
        if (!target && input.model !== undefined) throw unknownReference('model', `no model with slug "${input.model}"`);
        if (!target || (input.variant !== undefined && target.variantId === null)) {
          throw unknownReference('variant', `no variant with slug "${input.variant ?? ''}"${input.model ? ` in model "${input.model}"` : ''}`);
        }
        const created = await leads.create(
          {
            name,
            phone: normalisePhone(input.phone),
            email: input.email?.toLowerCase() ?? null,
            city,
            intent: input.intent,
            modelId: target.modelId,
            variantId: target.variantId,
            message,
          },
          client,
        );
        const body: LeadReceipt = {
          data: {
            id: created.id,
            status: 'received',
            model: target.modelSlug,
            variant: target.variantSlug,
            intent: input.intent,
            createdAt: created.createdAt.toISOString(),
          },
        };
        return { statusCode: 201, body };
      });
    },
  };
}
