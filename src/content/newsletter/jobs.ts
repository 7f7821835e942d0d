/**
 * The confirmation mail, as a job recorded in the subscribe transaction. The job, not the request, makes
 * the token: subscribe leaves the row's token hash as a marker naming this job (`mail:<nonce>`), and the
 * job swaps it for the hash of a fresh token and sends the link in one transaction. So the plaintext token
 * is never stored (not in the outbox, not in Redis), and the job is idempotent: a second run finds the
 * marker gone and sends nothing; a mail that fails to send rolls the swap back and the retry sends it.
 * A newer subscribe replaces the marker, so an older job still queued sends nothing stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { transaction } from '../../platform/db.js';
import { defineJob } from '../../platform/jobs/define-job.js';

export const TOKEN_TTL_HOURS = 48;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** What the token hash column holds until the mail job has run. Never the hash of a token (not 64 hex digits). */
export const mailMarker = (nonce: string) => `mail:${nonce}`;

export const confirmationMailJob = defineJob({
  name: 'newsletter.confirmation-mail',
  payload: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), nonce: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }) }),
  attempts: 8,
  backoffMs: 5_000,
  async handle({ email, nonce }, { app }) {
    const token = randomBytes(32).toString('base64url');
    await transaction(app.pg, async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE newsletter_subscribers SET confirm_token_hash = $3, confirm_token_expires_at = now() + make_interval(hours => $4)
          WHERE email = $1 AND confirm_token_hash = $2 AND status = 'pending'`,
        [email, mailMarker(nonce), hashToken(token), TOKEN_TTL_HOURS],
      );
      if (rowCount === 0) return;
      const link = `${app.config.publicUrl}/api/newsletter/confirm?token=${token}`;
      await app.mailer.send({ to: email, subject: 'Confirm your gadizone newsletter subscription', text: `Confirm your subscription: ${link}\nThe link works for ${TOKEN_TTL_HOURS} hours.` });
    });
  },
});
