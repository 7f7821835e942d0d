/**
 * The access line is written by hand (logger.ts says why): it must be, byte for byte apart from the time,
 * the line pino itself writes for the same fields with the app's logger options.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { accessLine, loggerOptions } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const options = loggerOptions(loadConfig({ LOG_LEVEL: 'info' }), stream) as pino.LoggerOptions & { stream: Writable };
  return { lines, logger: pino(options, stream) };
}

const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');

describe('accessLine', () => {
  it('is the line pino writes for the same fields, at info and at warn, with and without a route', () => {
    const { lines, logger } = capture();
    const cases = [
      { level: 'info' as const, request: { id: 'edge-1', method: 'GET', url: '/api/models?page=1', routeOptions: { url: '/api/models' } }, status: 200, ms: 0.3 },
      { level: 'warn' as const, request: { id: 'b7f0', method: 'POST', url: '/api/leads', routeOptions: { url: '/api/leads' } }, status: 503, ms: 12 },
      { level: 'info' as const, request: { id: 'x"y\\z', method: 'GET', url: '/nowhere/"é"', routeOptions: { url: undefined } }, status: 404, ms: 1.5 },
    ];
    for (const { level, request, status, ms } of cases) {
      logger[level]({ reqId: request.id, method: request.method, url: request.url, route: request.routeOptions.url, status, ms }, 'request');
      const byPino = lines.pop()!;
      expect(withoutTime(accessLine(logger, level, request as never, status, ms))).toBe(withoutTime(byPino));
    }
  });

  it('redacts secrets in the URL as every other line does', () => {
    const { logger } = capture();
    const request = { id: '1', method: 'GET', url: '/newsletter/confirm?token=abc123&email=a%40b.test', routeOptions: { url: '/newsletter/confirm' } };
    const line = JSON.parse(accessLine(logger, 'info', request as never, 200, 1)) as { url: string };
    expect(line.url).toBe('/newsletter/confirm?token=[redacted]&email=[redacted]');
  });
});
