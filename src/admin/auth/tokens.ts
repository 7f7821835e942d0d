/**
 * Access tokens: HS256 JWTs (jose), 15 minutes, carrying the user id, email, the role at issue, the
 * session (`sid`: the refresh-token family it was issued in) and the user's session version (`sv`).
 * The role in a token is informational: every request is authorised with the user's current role,
 * disabled flag and session version (user-state.ts), so a signed token cannot outlive a demotion, a
 * disable, a password change or a sign-out. Refresh tokens: 32 random bytes, stored only as SHA-256
 * hashes, 30 days, rotated on every use within a family.
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
  /** The refresh-token family (a uuid) this token was issued in: logging that session out revokes it. */
  sessionId: string;
  /** admin_users.session_version when issued: a token older than the current one is refused. */
  sessionVersion: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createTokenSigner(secret: string) {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims: AccessClaims, nowS = Math.floor(Date.now() / 1000)): Promise<string> {
      return new SignJWT({ email: claims.email, role: claims.role, sid: claims.sessionId, sv: claims.sessionVersion })
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
        const { email, role, sid, sv } = payload;
        if (!Number.isSafeInteger(userId) || typeof email !== 'string' || typeof role !== 'string') throw new Error('claims');
        // Tokens issued before sessions were versioned lack these: refused, so the holder refreshes.
        if (typeof sid !== 'string' || !UUID.test(sid) || typeof sv !== 'number' || !Number.isSafeInteger(sv)) throw new Error('claims');
        return { userId, email, role: role as Role, sessionId: sid, sessionVersion: sv };
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
