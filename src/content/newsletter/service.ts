/**
 * Double opt-in: subscribing stores a pending row with the hash of a fresh token and mails the token;
 * confirming with it flips the row to confirmed. One row per address, whatever happens. The answer to
 * a subscribe request is the same whether or not the address was known, so it reveals nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { query } from '../../platform/db.js';
import { idempotentWrite } from '../../platform/idempotency.js';
import type { Mailer } from './mailer.js';
import type { SubscribeInput, SubscribeReceipt } from './schemas.js';

const TOKEN_TTL_HOURS = 48;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const RECEIPT: SubscribeReceipt = {
  data: { status: 'confirmation-sent', message: 'check your inbox for a link to confirm the subscription' },
};

export function createNewsletterService(pool: pg.Pool, mailer: Mailer, config: Config) {
  return {
    async subscribe(input: SubscribeInput, idempotencyKey: string | undefined) {
      const email = input.email.trim().toLowerCase();
      const token = randomBytes(32).toString('base64url');
      let mailTo: string | null = null;
      const result = await idempotentWrite(pool, 'newsletter', idempotencyKey, { ...input, email }, async (client) => {
        const rows = await query<{ status: string }>(
          client,
          `INSERT INTO newsletter_subscribers (email, status, confirm_token_hash, confirm_token_expires_at, source)
           VALUES ($1, 'pending', $2, now() + make_interval(hours => $3), $4)
           ON CONFLICT (email) DO UPDATE
             SET confirm_token_hash = EXCLUDED.confirm_token_hash,
                 confirm_token_expires_at = EXCLUDED.confirm_token_expires_at,
                 status = CASE WHEN newsletter_subscribers.status = 'unsubscribed' THEN 'pending' ELSE newsletter_subscribers.status END
             WHERE newsletter_subscribers.status <> 'confirmed'
           RETURNING status`,
          [email, hashToken(token), TOKEN_TTL_HOURS, input.source ?? null],
        );
        // No row back: the address is already confirmed and nothing changed.
        if (rows.length > 0) mailTo = email;
        return { statusCode: 202, body: RECEIPT };
      });
      // Sent after commit: a failed send is logged, and subscribing again sends a new link.
      if (mailTo !== null && !result.replayed) {
        const link = `${config.publicUrl}/api/newsletter/confirm?token=${token}`;
        await mailer
          .send({ to: mailTo, subject: 'Confirm your gadizone newsletter subscription', text: `Confirm your subscription: ${link}\nThe link works for ${TOKEN_TTL_HOURS} hours.` })
          .catch(() => undefined);
      }
      return result;
    },

    async confirm(token: string) {
      const rows = await query<{ email: string }>(
        pool,
        `UPDATE newsletter_subscribers
            SET status = 'confirmed', confirmed_at = now(), confirm_token_hash = NULL, confirm_token_expires_at = NULL
          WHERE confirm_token_hash = $1 AND confirm_token_expires_at > now()
          RETURNING email`,
        [hashToken(token)],
      );
      const row = rows[0];
      if (!row) throw new AppError('SUBSCRIPTION_NOT_FOUND', 'this confirmation link is invalid, used or expired; subscribe again for a new one');
      return { status: 'confirmed' as const, email: row.email };
    },
  };
}
