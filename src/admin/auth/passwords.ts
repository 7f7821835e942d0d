/** argon2id hashes (the library's defaults are OWASP's: 19 MiB, 2 passes, 1 lane). */
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string): Promise<string> => hash(password);

/** False for a wrong password or a malformed hash; never throws for either. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/**
 * A valid hash of a random password: verified against when the email is unknown, so a login for an
 * unknown address costs the same time as one with a wrong password (no account enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hash(`decoy-${Math.random()}-${Date.now()}`));
