/**
 * One-time messages after a form post (Post/Redirect/Get): the POST sets a short-lived cookie holding a
 * message code, the page it redirects to shows the message once, uncached, and clears the cookie. Codes,
 * not text, travel in the cookie, so nothing a visitor sends is ever echoed into a page.
 *
 * The cookie is `<code>.<expiry, epoch s>.<HMAC>`, signed with a key derived from the app's secret: a page
 * with a flash skips the cache, so only a flash this site issued, within its minute, may do that (anyone
 * can send `Cookie: gz_flash=x`; that must not buy an uncached render).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const FLASH_COOKIE = 'gz_flash';
/** Long enough to follow the redirect, short enough that a stale message never shows up later. */
const FLASH_MAX_AGE_S = 60;
/** Bytes of the HMAC kept in the cookie (128 bits). */
const SIGNATURE_BYTES = 16;
/** What the signing key is derived for: a key used for nothing else than flashes. */
const KEY_PURPOSE = 'gadizone flash cookie v1';

const MESSAGES = {
  'lead-sent': { kind: 'ok', message: 'Thank you! A dealer will call you shortly to confirm your request.' },
  'lead-invalid': { kind: 'err', message: 'Please check the form: name, a 10-digit mobile number and city are required.' },
  'lead-limited': { kind: 'err', message: 'You have sent several requests already; please try again in a while.' },
  'newsletter-sent': { kind: 'ok', message: 'Almost done: check your inbox for a link to confirm your subscription.' },
  'newsletter-invalid': { kind: 'err', message: 'Please enter a valid email address to subscribe.' },
  'newsletter-limited': { kind: 'err', message: 'We have just sent you a confirmation link; please check your inbox.' },
} as const satisfies Record<string, { kind: 'ok' | 'err'; message: string }>;

export type FlashCode = keyof typeof MESSAGES;
export interface Flash {
  kind: 'ok' | 'err';
  message: string;
}

/**
 * The signing key per app configuration (every plugin context of one app shares it), derived once from
 * its secret; without a secret (only apps built by hand) a random one, good for this process.
 */
const keys = new WeakMap<object, Buffer>();
function keyOf(app: FastifyInstance): Buffer {
  let key = keys.get(app.config);
  if (key === undefined) {
    const secret = app.config.jwtSecret;
    key = secret === null ? randomBytes(32) : createHmac('sha256', secret).update(KEY_PURPOSE).digest();
    keys.set(app.config, key);
  }
  return key;
}

function signatureOf(app: FastifyInstance, payload: string): Buffer {
  return createHmac('sha256', keyOf(app)).update(payload).digest().subarray(0, SIGNATURE_BYTES);
}

export function setFlash(reply: FastifyReply, code: FlashCode): void {
  const payload = `${code}.${Math.floor(Date.now() / 1000) + FLASH_MAX_AGE_S}`;
  const value = `${payload}.${signatureOf(reply.server, payload).toString('base64url')}`;
  reply.setCookie(FLASH_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: FLASH_MAX_AGE_S });
}

/** The pending message, if the cookie holds one this site signed and it has not expired; else undefined. */
export function readFlash(request: FastifyRequest): Flash | undefined {
  const value = request.cookies[FLASH_COOKIE];
  if (value === undefined) return undefined;
  const [code, expiresText, signature, extra] = value.split('.');
  if (code === undefined || expiresText === undefined || signature === undefined || extra !== undefined) return undefined;
  if (!Object.hasOwn(MESSAGES, code) || !/^\d{1,12}$/.test(expiresText) || Number(expiresText) * 1000 < Date.now()) return undefined;
  const expected = signatureOf(request.server, `${code}.${expiresText}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return MESSAGES[code as FlashCode];
}

export function clearFlash(reply: FastifyReply): void {
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
}
