/**
 * Access tokens: HS256 JWTs (jose), 15 minutes, carrying the user id, email and role. Refresh tokens:
 * 32 random bytes, stored only as SHA-256 hashes, 30 days, rotated on every use within a family.
 */
import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../errors.js';
import type { Role } from '../permissions.js';

export const ACCESS_TOKEN_TTL_S = 15 * 60;
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;
const ISSUER = 'gadizone';
const AUDIENCE = 'gadizone-admin';

export interface AccessClaims {
  userId: number;
  email: string;
  role: Role;
}

export function createTokenSigner(secret: string) {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims: AccessClaims, nowS = Math.floor(Date.now() / 1000)): Promise<string> {
      return new SignJWT({ email: claims.email, role: claims.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(claims.userId))
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(nowS)
        .setExpirationTime(nowS + ACCESS_TOKEN_TTL_S)
        .sign(key);
    },
    /** The claims of a valid, unexpired token; 401 otherwise (expired says so). */
    async verify(token: string): Promise<AccessClaims> {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        const userId = Number(payload.sub);
        if (!Number.isSafeInteger(userId) || typeof payload.email !== 'string' || typeof payload.role !== 'string') throw new Error('claims');
        return { userId, email: payload.email, role: payload.role as Role };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'the access token has expired; refresh it');
        throw new AppError('UNAUTHENTICATED', 'the access token is not valid');
      }
    },
  };
}
export type TokenSigner = ReturnType<typeof createTokenSigner>;

export const newRefreshToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
