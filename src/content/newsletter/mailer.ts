/**
 * Outgoing mail. The default writes each message to the log (no SMTP configured); an SMTP transport
 * arrives with the jobs work. Tests pass their own Mailer to read what was sent.
 */
import type { FastifyBaseLogger } from 'fastify';

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
      // The address is redacted by the logger; the body carries the link an operator may need.
      log.info({ mail: { subject: message.subject, text: message.text }, email: message.to }, 'mail (no SMTP configured: logged only)');
    },
  };
}
