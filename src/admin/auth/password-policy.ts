/**
 * The admin password policy: at least 12 characters, at most 256, and not a common password. "Common"
 * means in the bundled list (@zxcvbn-ts/language-common: 49,233 passwords ranked by frequency in public
 * breach corpora, MIT), compared case-insensitively, also after removing the digits and symbols people
 * pad a common word with ("Password2024!" is "password").
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../errors.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
/** Shorter cores are not judged after stripping padding ("ab" + 10 digits is not a common word). */
const MIN_CORE_LENGTH = 5;

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  return core.length >= MIN_CORE_LENGTH && COMMON.has(core);
}

/** Throws WEAK_PASSWORD saying what is wrong. */
export function checkPassword(password: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', `the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw new AppError('WEAK_PASSWORD', `the password may have at most ${MAX_PASSWORD_LENGTH} characters`);
  if (isCommonPassword(password)) throw new AppError('WEAK_PASSWORD', 'that password is in the list of commonly used passwords; choose another');
}
