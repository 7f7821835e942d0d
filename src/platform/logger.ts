/**
 * Logging: pino JSON lines (or, on a terminal, pino-pretty's readable lines: see logDestination) with
 * credentials and personal data redacted, one access line per request
 * (request id, method, route, status, duration) written by an onResponse hook, and per-request child
 * loggers created only when a request actually logs something.
 *
 * Why lazy children: Fastify gives every request `logger.child({ reqId })`, and pino builds a child (its
 * bindings serialised, redaction and serializers carried over) whether or not anything is logged. Most
 * requests never log; those that do get the real child on their first line.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, DestinationStream, LevelWithSilentOrString, Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config, LogFormat } from '../config.js';

/** LOG_FORMAT as it applies to this process: `auto` is pretty when standard output is a terminal. */
export function resolveLogFormat(format: LogFormat, stdoutIsTerminal = process.stdout.isTTY === true): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

/**
 * Where log lines go: pino's own JSON writer to standard output (undefined), or, for people, pino-pretty
 * writing synchronously to standard output (a terminal's lines are few, and none is lost at exit).
 */
export function logDestination(config: Pick<Config, 'logFormat'>): DestinationStream | undefined {
  if (resolveLogFormat(config.logFormat) === 'json') return undefined;
  return pinoPretty({ destination: 1, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' });
}

/** Fastify's logger options: level, destination (`stream`, given by tests, else logDestination) and redaction. */
export function loggerOptions(config: Config, stream?: DestinationStream): FastifyServerOptions['logger'] {
  const destination = stream ?? logDestination(config);
  return {
    level: config.logLevel,
    ...(destination ? { stream: destination } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.phone', '*.email', 'email', 'phone', 'token'],
      censor: '[redacted]',
    },
  };
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = [obj: unknown, msg?: string, ...args: unknown[]];

/** A request's logger: forwards to a real pino child made on first use, and skips disabled levels for free. */
class LazyChildLogger {
  #child: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): Logger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  private write(level: Level, args: LogArgs): void {
    if (this.parent.isLevelEnabled(level)) (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.parent.level;
  }
  set level(level: LevelWithSilentOrString) {
    this.real().level = level;
  }
  isLevelEnabled(level: string): boolean {
    return this.#child?.isLevelEnabled(level) ?? this.parent.isLevelEnabled(level);
  }
  fatal(...args: LogArgs) {
    this.write('fatal', args);
  }
  error(...args: LogArgs) {
    this.write('error', args);
  }
  warn(...args: LogArgs) {
    this.write('warn', args);
  }
  info(...args: LogArgs) {
    this.write('info', args);
  }
  debug(...args: LogArgs) {
    this.write('debug', args);
  }
  trace(...args: LogArgs) {
    this.write('trace', args);
  }
  silent() {}
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }
}

/** Fastify `childLoggerFactory` (the app's logger is pino, configured by loggerOptions). */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger as Logger, bindings, options) as unknown as FastifyBaseLogger;
}

/** Query parameters that carry secrets or personal data (a confirmation token in a link, say). */
const SECRET_PARAMS = /([?&](?:token|email|phone|password)=)[^&\s]*/gi;

/** `text` with the values of secret query parameters in any URL it contains replaced by [redacted]. */
export const redactUrlSecrets = (text: string): string => text.replace(SECRET_PARAMS, '$1[redacted]');

/**
 * One access line per request, from the app logger (no per-request child): `all` at info, `errors` only
 * for 4xx/5xx answers (at info and warn), `none` leaves it to the proxy or CDN in front.
 */
export function registerAccessLog(app: FastifyInstance, mode: Config['accessLog']): void {
  if (mode === 'none') return;
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    if (mode === 'all' || status >= 400) {
      const line = {
        reqId: request.id,
        method: request.method,
        url: redactUrlSecrets(request.url),
        route: request.routeOptions.url,
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (status >= 500) app.log.warn(line, 'request');
      else app.log.info(line, 'request');
    }
    done();
  });
}
