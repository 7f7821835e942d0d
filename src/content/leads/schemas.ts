import { Type, type Static } from '@sinclair/typebox';
import { One, Slug, StringEnum } from '../../lib/schemas.js';

export const LEAD_INTENTS = ['test-drive', 'price-quote'] as const;

/** Indian mobile numbers: 10 digits starting 6–9, optionally prefixed +91, 91 or 0; spaces and hyphens allowed. */
export const PHONE_PATTERN = '^(\\+91|91|0)?[ -]?[6-9][0-9]{4}[ -]?[0-9]{5}$';

export const LeadInput = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 100 }),
    phone: Type.String({ pattern: PHONE_PATTERN, maxLength: 20, description: 'Indian mobile number' }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    city: Type.String({ minLength: 2, maxLength: 60 }),
    model: Type.Optional(Slug),
    variant: Type.Optional(Slug),
    intent: StringEnum(LEAD_INTENTS),
    message: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, description: 'give model or variant (or both, when the variant belongs to the model)' },
);
export type LeadInput = Static<typeof LeadInput>;

export const LeadReceipt = One(
  Type.Object({
    id: Type.Integer(),
    status: Type.Literal('received'),
    model: Type.String(),
    variant: Type.Union([Type.String(), Type.Null()]),
    intent: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  }),
);
export type LeadReceipt = Static<typeof LeadReceipt>;
