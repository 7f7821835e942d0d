/** Admin test helpers: users created the way `gadizone admin create` does, and signed-in sessions. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../src/admin/auth/passwords.js';
import type { Role } from '../../src/admin/permissions.js';

export interface TestUser {
  id: number;
  email: string;
  password: string;
  role: Role;
}

export interface TestSession {
  user: TestUser;
  accessToken: string;
  refreshToken: string;
  /** Headers for an API-client request as this user. */
  headers: { authorization: string };
}

/** Inserts an admin user with a strong random password (argon2id, like the CLI). */
export async function createUser(app: FastifyInstance, role: Role, email = `${role}-${randomBytes(4).toString('hex')}@example.test`): Promise<TestUser> {
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const { rows } = await app.pg.query<{ id: number }>(`INSERT INTO admin_users (email, password_hash, role, name) VALUES ($1, $2, $3, $4) RETURNING id`, [
    email,
    await hashPassword(password),
    role,
    `Test ${role}`,
  ]);
  return { id: rows[0]!.id, email, password, role };
}

/** Logs in through the API (token mode) and returns the session. */
export async function login(app: FastifyInstance, user: TestUser, remoteAddress = '127.0.0.1'): Promise<TestSession> {
  const response = await app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress, payload: { email: user.email, password: user.password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const data = response.json().data;
  return { user, accessToken: data.accessToken, refreshToken: data.refreshToken, headers: { authorization: `Bearer ${data.accessToken}` } };
}

/** A signed-in user of the role. */
export async function signedIn(app: FastifyInstance, role: Role): Promise<TestSession> {
  return login(app, await createUser(app, role));
}
