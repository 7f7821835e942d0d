import { Type, type Static } from '@sinclair/typebox';
import { One } from '../../lib/schemas.js';

export const SubscribeInput = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    source: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$', description: 'where the form was, e.g. home-footer' })),
  },
  { additionalProperties: false },
);
export type SubscribeInput = Static<typeof SubscribeInput>;

export const SubscribeReceipt = One(
  Type.Object({
    status: Type.Literal('confirmation-sent'),
    message: Type.String(),
  }),
);
export type SubscribeReceipt = Static<typeof SubscribeReceipt>;

export const ConfirmInput = Type.Object(
  { token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'the token from the confirmation email' }) },
  { additionalProperties: false },
);
export type ConfirmInput = Static<typeof ConfirmInput>;

export const ConfirmReceipt = One(Type.Object({ status: Type.Literal('confirmed'), email: Type.String() }));
