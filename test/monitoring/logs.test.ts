/**
 * Logs are pino JSON with a request id, route, status and duration per request, and never carry a
 * password, a token, a phone number or an email address, whatever the request sent.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers.js';
import { createUser } from '../admin/helpers.js';

let database: TestDatabase;
let app: FastifyInstance;
const lines: Record<string, unknown>[] = [];
const raw: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  app = await buildApp({ config: testConfig(database.url, { logLevel: 'debug', accessLog: 'all' }), logStream: sink });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('logs', () => {
  it('write one JSON access line per request, honouring X-Request-Id', async () => {
    await app.inject({ url: '/api/brands', headers: { 'x-request-id': 'edge-1234' } });
    const access = lines.find((l) => l.msg === 'request' && l.reqId === 'edge-1234');
    expect(access).toMatchObject({ method: 'GET', url: '/api/brands', route: '/api/brands', status: 200 });
    expect(access!.ms).toBeTypeOf('number');
  });

  it('never contain passwords, tokens, phone numbers or email addresses', async () => {
    const user = await createUser(app, 'admin', 'ops.secret@example.test');
    const phone = '9812345670';
    const leadEmail = 'buyer.private@example.test';
    const subscriber = 'reader.private@example.test';

    const login = await app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { email: user.email, password: user.password } });
    const { accessToken, refreshToken } = login.json().data;
    await app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { email: user.email, password: 'wrong-password-123' } });
    await app.inject({ url: '/api/admin/auth/me', headers: { authorization: `Bearer ${accessToken}` } });
    await app.inject({ method: 'POST', url: '/api/admin/auth/refresh', payload: { refreshToken } });
    await app.inject({
      method: 'POST',
      url: '/api/leads',
      payload: { name: 'Asha Rao', phone, email: leadEmail, city: 'Pune', model: 'hyundai-creta', intent: 'price-quote' },
    });
    await app.inject({ method: 'POST', url: '/api/newsletter', payload: { email: subscriber } });
    await app.outbox.drainNow();
    const mailed = raw.find((l) => l.includes('no SMTP configured'));
    expect(mailed, 'the confirmation mail is logged').toBeDefined();
    expect(mailed).toContain('token=[redacted]');
    const { rows } = await app.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM newsletter_subscribers WHERE email = $1`, [subscriber]);
    expect(rows[0]!.n).toBe(1);
    const confirmToken = 'Zm9vYmFyLXRva2VuLXZhbHVlLTEyMzQ1Njc4OTA';
    await app.inject({ url: `/api/newsletter/confirm?token=${confirmToken}` });
    await app.inject({ url: `/api/search?q=${encodeURIComponent(leadEmail)}&email=${encodeURIComponent(leadEmail)}` });

    const everything = raw.join('\n');
    for (const secret of [user.password, 'wrong-password-123', accessToken, refreshToken, phone, leadEmail, subscriber, user.email, confirmToken]) {
      expect(everything, `log output contains ${secret.slice(0, 12)}…`).not.toContain(secret);
    }
    expect(everything).toContain('[redacted]');
  });
});
