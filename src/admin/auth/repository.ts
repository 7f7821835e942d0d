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
  disabled_at AS "disabledAt", version`;

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

    async revokeUser(userId: number, executor: Executor = db): Promise<void> {
      await query(executor, 'UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
    },
  };
}
export type AuthRepository = ReturnType<typeof createAuthRepository>;
