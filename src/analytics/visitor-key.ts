/**
 * Who sent an event, as far as the roll-up needs to know: a visitor key, the HMAC of the client's address
 * (its /64 for IPv6, see clientKey) and the UTC day. The client's own `sessionId` cannot be the unit: a
 * script can send a new one with every event. The key is derived from the app's secret, so every process
 * and host of a deployment gives a client the same key (one vote however the requests are balanced), and
 * the stored value does not give the address back. It changes at UTC midnight: the roll-up counts visitors
 * per day, and no stored key links a visitor's days together.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { clientKey } from '../platform/rate-limit/client-key.js';

/** 128 bits of the HMAC, base64url: 22 characters, collisions out of reach. */
const VISITOR_KEY_BYTES = 16;
/** Separates this use of the app secret from its others (token signing). */
const KEY_PURPOSE = 'gadizone analytics visitor key v1';

/**
 * `secret` is the app's JWT secret (config.jwtSecret). Without one (never in a deployment: it is required
 * with a server database and generated in embedded mode) a random key per process is used: still one vote
 * per client per day, per process.
 */
export function createVisitorKeys(secret: string | null): (ip: string, receivedAt: Date) => string {
  const key = createHmac('sha256', secret ?? randomBytes(32)).update(KEY_PURPOSE).digest();
  return (ip, receivedAt) => {
    const day = receivedAt.toISOString().slice(0, 10);
    return createHmac('sha256', key).update(`${day}\n${clientKey(ip)}`).digest().subarray(0, VISITOR_KEY_BYTES).toString('base64url');
  };
}
