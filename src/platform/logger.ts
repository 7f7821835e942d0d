/**
 * Logging: pino JSON lines (or, on a terminal, pino-pretty's readable lines: see logDestination) with
 * credentials and personal data redacted, one access line per request
 * (request id, method, route, status, duration) written by an onResponse hook, and per-request child
 * loggers created only when a request actually logs something.
 *
 * Why JSON lines are buffered: a write per line was a system call per request. Lines are written in blocks
 * of LOG_BUFFER_BYTES, and at least every LOG_FLUSH_MS; the app's close and the process's exit (pino's exit
 * hook, also on process.exit and an uncaught error) write what is left, so a graceful stop loses no line. A
 * process killed outright (SIGKILL, out of memory) loses at most the last LOG_FLUSH_MS of lines.
 *
 * Why the access line is written by hand: it has a fixed shape in which no field is one redaction covers,
 * and pino's generic path (redaction, serialising each value) cost more than a cached answer. It is the
 * line pino would write (same level, time and bindings; test/monitoring/logs.test.ts holds the two equal).
 *
 * Why lazy children: Fastify gives every request `logger.child({ reqId })`, and pino builds a child (its
 * bindings serialised, redaction and serializers carried over) whether or not anything is logged. Most
 * requests never log; those that do get the real child on their first line.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type LevelWithSilentOrString, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config, LogFormat } from '../config.js';

/** LOG_FORMAT as it applies to this process: `auto` is pretty when standard output is a terminal. */
export function resolveLogFormat(format: LogFormat, stdoutIsTerminal = process.stdout.isTTY === true): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

/** JSON lines are written to standard output in blocks of at least this many bytes… */
const LOG_BUFFER_BYTES = 4096;
/** …or of what has come in this long, whichever is first. */
const LOG_FLUSH_MS = 1_000;

/**
 * Where log lines go: standard output through pino's buffered JSON writer, or, for people, pino-pretty
 * writing synchronously to standard output (a terminal's lines are few, and none is lost at exit).
 */
export function logDestination(config: Pick<Config, 'logFormat'>): DestinationStream {
  if (resolveLogFormat(config.logFormat) === 'pretty') return pinoPretty({ destination: 1, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' });
  const stream = pino.destination({ dest: 1, minLength: LOG_BUFFER_BYTES, sync: false });
  const timer = setInterval(() => stream.flush(), LOG_FLUSH_MS);
  timer.unref();
  stream.once('close', () => clearInterval(timer));
  return stream;
}

/** pino's own fields that the access line needs: its destination and its bindings, serialised. */
const internal = (logger: FastifyBaseLogger, name: 'streamSym' | 'chindingsSym'): unknown => (logger as unknown as Record<symbol, unknown>)[pino.symbols[name]];

/** Writes out what the app's log destination holds (at close: the lines of the last requests). */
export function flushLog(app: FastifyInstance): void {
  const stream = internal(app.log, 'streamSym') as { flushSync?: () => void; fd?: number } | undefined;
  // A buffered file destination (ours) can be flushed; a test's stream or a terminal's writes as it goes.
  if (typeof stream?.flushSync === 'function' && (stream.fd ?? -1) >= 0) stream.flushSync();
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
  const logger = app.log as Logger;
  const stream = internal(logger, 'streamSym') as DestinationStream;
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'warn' : 'info';
    if ((mode === 'all' || status >= 400) && logger.isLevelEnabled(level)) {
      stream.write(accessLine(logger, level, request, status, Math.round(reply.elapsedTime * 10) / 10));
    }
    done();
  });
}

/** The access line as pino writes `logger[level]({ reqId, method, url, route, status, ms }, 'request')`. */
export function accessLine(logger: Logger, level: 'info' | 'warn', request: Pick<FastifyRequest, 'id' | 'method' | 'url' | 'routeOptions'>, status: number, ms: number): string {
  const route = request.routeOptions.url;
  return (
    `{"level":${logger.levels.values[level]},"time":${Date.now()}${internal(logger, 'chindingsSym') as string}` +
    `,"reqId":${JSON.stringify(request.id)},"method":${JSON.stringify(request.method)},"url":${JSON.stringify(redactUrlSecrets(request.url))}` +
    `${route === undefined ? '' : `,"route":${JSON.stringify(route)}`},"status":${status},"ms":${ms},"msg":"request"}\n`
  );
}
