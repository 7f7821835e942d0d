import { Type, type Static } from '@sinclair/typebox';
import { One, StringEnum } from '../../lib/schemas.js';
import { ROLES } from '../permissions.js';

export const LoginInput = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    mode: StringEnum(['token', 'cookie'] as const, {
      default: 'token',
      description: 'token: the refresh token comes back in the body (API clients); cookie: in an httpOnly cookie (admin pages)',
    }),
  },
  { additionalProperties: false },
);
export type LoginInput = Static<typeof LoginInput>;

export const RefreshInput = Type.Object(
  { refreshToken: Type.Optional(Type.String({ minLength: 20, maxLength: 200, description: 'omit when it is in the gz_refresh cookie' })) },
  { additionalProperties: false },
);
export type RefreshInput = Static<typeof RefreshInput>;

export const SessionUser = Type.Object({ id: Type.Integer(), email: Type.String(), role: StringEnum(ROLES), name: Type.String() });

export const SessionBody = One(
  Type.Object({
    accessToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'seconds' }),
    refreshToken: Type.Optional(Type.String({ description: 'token mode only; use it once, at POST /api/admin/auth/refresh' })),
    user: SessionUser,
  }),
);

export const MeBody = One(SessionUser);
