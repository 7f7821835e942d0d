/** Admin users and their refresh tokens. */
import { query, type Executor } from '../../platform/db.js';
import type { Role } from '../permissions.js';

export interface AdminUserRow {
  id: number;
  email: string;
  passwordHash: string;
  role: Role;
  name: string;
  createdAt: Date;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
  version: number;
  sessionVersion: number;
}

/** What every admin request is judged by: the user's state now, and whether its session was signed out. */
export interface SessionState {
  role: Role;
  disabled: boolean;
  sessionVersion: number;
  sessionRevoked: boolean;
}

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: number;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

const USER_COLUMNS = `id, email, password_hash AS "passwordHash", role, name, created_at AS "createdAt", last_login_at AS "lastLoginAt",
  disabled_at AS "disabledAt", version, session_version AS "sessionVersion"`;

// Two index probes: the primary key, and the partial index of revoked families (refresh_tokens_revoked_family_idx).
const SESSION_STATE = `SELECT role, disabled_at IS NOT NULL AS disabled, session_version AS "sessionVersion",
    EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $2 AND revoked_at IS NOT NULL) AS "sessionRevoked"
  FROM admin_users WHERE id = $1`;

export function createAuthRepository(db: Executor) {
  return {
    async findUserByEmail(email: string, executor: Executor = db): Promise<AdminUserRow | null> {
      const rows = await query<AdminUserRow>(executor, `SELECT ${USER_COLUMNS} FROM admin_users WHERE lower(email) = lower($1)`, [email]);
      return rows[0] ?? null;
    },

    async findUserById(id: number, executor: Executor = db): Promise<AdminUserRow | null> {
      const rows = await query<AdminUserRow>(executor, `SELECT ${USER_COLUMNS} FROM admin_users WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    /** Null when the user no longer exists. Read from the primary: a replica may not have the change yet. */
    async findSessionState(userId: number, sessionId: string, executor: Executor = db): Promise<SessionState | null> {
      const rows = await query<SessionState>(executor, SESSION_STATE, [userId, sessionId]);
      return rows[0] ?? null;
    },

    /** Ends every session of the user: access tokens by their version, refresh tokens by revocation. */
    async signOutEverywhere(userId: number, executor: Executor = db): Promise<void> {
      // One statement, so there is never a moment with the version bumped and refresh tokens still valid.
      await query(
        executor,
        `WITH revoked AS (UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL)
         UPDATE admin_users SET session_version = session_version + 1 WHERE id = $1`,
        [userId],
      );
    },

    async touchLogin(id: number, executor: Executor = db): Promise<void> {
      await query(executor, 'UPDATE admin_users SET last_login_at = now() WHERE id = $1', [id]);
    },

    async insertRefreshToken(
      token: { familyId: string; userId: number; tokenHash: string; expiresAt: Date; userAgent: string | null; ip: string | null },
      executor: Executor = db,
    ): Promise<void> {
      await query(
        executor,
        `INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at, user_agent, ip) VALUES ($1, $2, $3, $4, $5, $6)`,
        [token.familyId, token.userId, token.tokenHash, token.expiresAt, token.userAgent, token.ip],
      );
    },

    async findRefreshToken(tokenHash: string, executor: Executor = db): Promise<RefreshTokenRow | null> {
      const rows = await query<RefreshTokenRow>(
        executor,
        `SELECT id, family_id AS "familyId", user_id AS "userId", expires_at AS "expiresAt", used_at AS "usedAt", revoked_at AS "revokedAt"
           FROM refresh_tokens WHERE token_hash = $1`,
        [tokenHash],
      );
      return rows[0] ?? null;
    },

    /** Marks the token spent; false when it already was (a concurrent or replayed use). */
    async spend(id: string, executor: Executor = db): Promise<boolean> {
      const rows = await query<{ id: string }>(executor, 'UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id', [id]);
      return rows.length === 1;
    },

    async revokeFamily(familyId: string, executor: Executor = db): Promise<void> {
      await query(executor, 'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
    },
  };
}
export type AuthRepository = ReturnType<typeof createAuthRepository>;
