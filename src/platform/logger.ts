import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

/** pino options: JSON lines, with credentials and personal data redacted wherever they appear. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.phone', '*.email', 'email', 'phone', 'token'],
      censor: '[redacted]',
    },
  };
}
