/**
 * The rules that keep user management from being turned on itself. Changes to users are serialised (one
 * transaction-scoped advisory lock), and each re-reads its actor under that lock: an admin demoted or
 * disabled a moment ago (a request already in flight, or two admins demoting each other at once) cannot
 * create, promote or re-enable anyone. Nobody changes their own role or disabled flag, so the acting
 * admin always remains one and there is always an admin left.
 */
import { AppError } from '../../errors.js';
import type { AccessClaims } from '../auth/tokens.js';
import type { Executor } from '../../platform/db.js';

/** The key of the advisory lock every change to admin users takes (any constant unique to this use). */
const USER_CHANGES_LOCK_KEY = 'gadizone:admin-users';

interface ActorState {
  role: string;
  disabled: boolean;
  sessionVersion: number;
}

/** Takes the user-changes lock for the transaction, then refuses an actor who is no longer an enabled admin of this session. */
export async function lockUserChanges(tx: Executor, actor: AccessClaims): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [USER_CHANGES_LOCK_KEY]);
  const { rows } = await tx.query<ActorState>(
    'SELECT role, disabled_at IS NOT NULL AS disabled, session_version AS "sessionVersion" FROM admin_users WHERE id = $1',
    [actor.userId],
  );
  const state = rows[0];
  if (state === undefined || state.disabled) throw new AppError('ACCOUNT_DISABLED', 'your account was disabled meanwhile; nothing was changed');
  if (state.sessionVersion !== actor.sessionVersion) throw new AppError('SESSION_REVOKED', 'your session was signed out meanwhile; nothing was changed');
  if (state.role !== 'admin') throw new AppError('FORBIDDEN', `your role is now ${state.role}: only admins manage users; nothing was changed`);
}

/** The part of a change that concerns access. */
export interface AccessChange {
  role?: string | undefined;
  disabled?: boolean | undefined;
}

/** Refuses a change of one's own role or disabled flag (restating the current value is not a change). */
export function refuseSelfAccessChange(change: AccessChange, current: { role: string; disabledAt: unknown }): void {
  const roleChanges = change.role !== undefined && change.role !== current.role;
  const disabledChanges = change.disabled !== undefined && change.disabled !== (current.disabledAt !== null);
  if (roleChanges || disabledChanges) {
    throw new AppError('FORBIDDEN', 'you cannot change your own role or disabled flag; ask another admin');
  }
}
