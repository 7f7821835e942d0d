/**
 * Login, refresh-token rotation and logout. A refresh token can be used once: its use issues the next one
 * in the same family. Presenting a spent token means it was copied, so the whole family is revoked and
 * every holder must log in again. Failed logins feed the lockout (per account and client, per client IP;
 * an account's failures from every client are only reported: they never refuse the right password).
 * A family is a session: its access tokens carry its id, so revoking the family (logout, reuse) ends
 * them too, on every process, through the user-state cache that `sessions.changed` drops.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Role } from '../permissions.js';
import type { AdminUserRow, AuthRepository } from './repository.js';
import type { Lockout } from './lockout.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { ACCESS_TOKEN_TTL_S, hashToken, newRefreshToken, REFRESH_TOKEN_TTL_S, type TokenSigner } from './tokens.js';

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: { id: number; email: string; role: Role; name: string };
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'email or password is wrong');

/** Where a committed change to a user's sessions is announced (the user-state cache and its bus). */
export interface SessionChanges {
  changed(userId: number): Promise<void>;
}

export function createAuthService(users: AuthRepository, tokens: TokenSigner, lockout: Lockout, sessions: SessionChanges) {
  async function issue(user: AdminUserRow, familyId: string, client: ClientInfo): Promise<Session> {
    const refreshToken = newRefreshToken();
    await users.insertRefreshToken({
      familyId,
      userId: user.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_S * 1000),
      userAgent: client.userAgent,
      ip: client.ip,
    });
    const accessToken = await tokens.sign({ userId: user.id, email: user.email, role: user.role, sessionId: familyId, sessionVersion: user.sessionVersion });
    return { accessToken, expiresIn: ACCESS_TOKEN_TTL_S, refreshToken, user: { id: user.id, email: user.email, role: user.role, name: user.name } };
  }

  return {
    async login(email: string, password: string, client: ClientInfo): Promise<Session> {
      const key = email.trim().toLowerCase();
      const lockedForS = await lockout.attempt(key, client.ip);
      if (lockedForS > 0) throw lockedError(lockedForS);
      const user = await users.findUserByEmail(key);
      const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
      if (!user || !ok || user.disabledAt !== null) {
        await lockout.failed(key, client.ip);
        throw invalidCredentials();
      }
      await lockout.succeeded(key, client.ip);
      await users.touchLogin(user.id);
      return issue(user, randomUUID(), client);
    },

    async refresh(refreshToken: string, client: ClientInfo): Promise<Session> {
      const stored = await users.findRefreshToken(hashToken(refreshToken));
      if (!stored || stored.revokedAt !== null || stored.expiresAt.getTime() <= Date.now()) {
        throw new AppError('REFRESH_TOKEN_INVALID', 'the refresh token is not valid; log in again');
      }
      if (stored.usedAt !== null || !(await users.spend(stored.id))) {
        await users.revokeFamily(stored.familyId);
        await sessions.changed(stored.userId);
        throw new AppError('REFRESH_TOKEN_REUSED', 'this refresh token was already used; every session from that login is now signed out');
      }
      const user = await users.findUserById(stored.userId);
      if (!user || user.disabledAt !== null) {
        await users.revokeFamily(stored.familyId);
        await sessions.changed(stored.userId);
        throw new AppError('REFRESH_TOKEN_INVALID', 'the account is disabled');
      }
      return issue(user, stored.familyId, client);
    },

    async me(userId: number): Promise<Session['user']> {
      const user = await users.findUserById(userId);
      if (!user || user.disabledAt !== null) throw new AppError('UNAUTHENTICATED', 'the account no longer exists or is disabled');
      return { id: user.id, email: user.email, role: user.role, name: user.name };
    },

    /**
     * Ends the session a refresh token or an access token belongs to (its whole family, so the access
     * tokens issued in it stop working too); unknown or invalid tokens are ignored.
     */
    async logout({ refreshToken, accessToken }: { refreshToken?: string; accessToken?: string }): Promise<void> {
      const ended = new Map<string, number>();
      if (refreshToken !== undefined) {
        const stored = await users.findRefreshToken(hashToken(refreshToken));
        if (stored) ended.set(stored.familyId, stored.userId);
      }
      if (accessToken !== undefined) {
        const claims = await tokens.verify(accessToken).catch(() => null);
        if (claims) ended.set(claims.sessionId, claims.userId);
      }
      for (const [familyId, userId] of ended) {
        await users.revokeFamily(familyId);
        await sessions.changed(userId);
      }
    },

    /** Ends every session of the user, on every device: refresh tokens revoked, access tokens outdated. */
    async logoutEverywhere(userId: number): Promise<void> {
      await users.signOutEverywhere(userId);
      await sessions.changed(userId);
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

export const lockedError = (retryAfterS: number): AppError =>
  new AppError('ACCOUNT_LOCKED', `too many failed logins; try again in ${retryAfterS} s`, undefined, { 'retry-after': String(retryAfterS) });
