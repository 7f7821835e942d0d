/**
 * Outgoing mail: nodemailer over SMTP when SMTP_URL is set, else each message is written to the log.
 * Mail is sent by jobs (newsletter/jobs.ts), so a failed send is retried. Tests pass their own Mailer.
 */
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../../config.js';
import { redactUrlSecrets } from '../../platform/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function createLogMailer(log: FastifyBaseLogger): Mailer {
  return {
    async send(message) {
      // The address is redacted by the logger, and the link's token here: a log is not a mailbox, and a
      // token in it would let anyone who reads logs confirm someone else's subscription.
      log.info({ mail: { subject: message.subject, text: redactUrlSecrets(message.text) }, email: message.to }, 'mail (no SMTP configured: logged only)');
    },
  };
}

/** Bounds on one SMTP exchange, so a hung server fails the job (and it is retried) instead of holding it. */
const SMTP_TIMEOUT_MS = 15_000;

export function createSmtpMailer(config: MailConfig & { smtpUrl: string }): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS });
  return {
    async send(message) {
      await transport.sendMail({ from: config.from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

/** SMTP when configured, else the log. */
export function createMailer(config: MailConfig, log: FastifyBaseLogger): Mailer {
  const { smtpUrl } = config;
  return smtpUrl === null ? createLogMailer(log) : createSmtpMailer({ ...config, smtpUrl });
}
