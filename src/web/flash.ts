/**
 * One-time messages after a form post (Post/Redirect/Get): the POST sets a short-lived cookie holding a
 * message code, the page it redirects to shows the message once, uncached, and clears the cookie. Codes,
 * not text, travel in the cookie, so nothing a visitor sends is ever echoed into a page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const FLASH_COOKIE = 'gz_flash';
/** Long enough to follow the redirect, short enough that a stale message never shows up later. */
const FLASH_MAX_AGE_S = 60;

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

export function setFlash(reply: FastifyReply, code: FlashCode): void {
  reply.setCookie(FLASH_COOKIE, code, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: FLASH_MAX_AGE_S });
}

/** The pending message, if any (an unknown code is ignored). */
export function readFlash(request: FastifyRequest): Flash | undefined {
  const code = request.cookies[FLASH_COOKIE];
  return code !== undefined && Object.hasOwn(MESSAGES, code) ? MESSAGES[code as FlashCode] : undefined;
}

export function clearFlash(reply: FastifyReply): void {
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
}
