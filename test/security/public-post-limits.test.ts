/**
 * Every public POST has a per-client budget beside its per-identity one, and the page forms spend the same
 * budgets as the API routes, so alternating between them gains nothing: newsletter sign-ups (per IP and per
 * address), leads (per IP and per phone number), analytics events (per IP, a point per event), the admin
 * login page (the API's per-IP auth tier, reached through app.inject with the client's address) and the
 * newsletter confirmation (the public tier). An IPv6 client is its /64: rotating addresses inside it does
 * not buy a new budget. With TEST_REDIS_URL the counters live in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Config, RateLimitConfig, RateLimitRule } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, createTestDatabase, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';
import { encode, formHeaders } from '../web/admin-helpers.js';

const redisUrl = process.env.TEST_REDIS_URL;
const ROOMY: RateLimitRule = { points: 1_000, durationS: 3_600 };

/** Every tier on with roomy budgets, except those given. */
function limits(overrides: Partial<RateLimitConfig>): RateLimitConfig {
  const base = loadConfig({}).rateLimits;
  const roomy = Object.fromEntries(Object.keys(base).filter((k) => k !== 'enabled' && k !== 'allowlist').map((k) => [k, ROOMY]));
  return { ...base, ...roomy, enabled: true, allowlist: [], ...overrides };
}

function store(): Partial<Config> {
  return redisUrl ? { redisUrl, redisPrefix: uniqueRedisPrefix() } : { redisPrefix: uniqueRedisPrefix() };
}

let database: TestDatabase;
const opened: TestApp[] = [];

async function appWith(overrides: Partial<RateLimitConfig>): Promise<TestApp> {
  const app = await buildTestApp({ database, config: { ...store(), rateLimits: limits(overrides) } });
  opened.push(app);
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const app of opened) await app.close();
  await database.drop();
});

const unique = () => uniqueRedisPrefix();
/** The public forms carry no credentials: no Origin needed (a foreign one is refused, see test/web/pages.test.ts). */
const PUBLIC_FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const flashOf = (response: LightMyRequestResponse) => /gz_flash=([a-z-]+)/.exec(String(response.headers['set-cookie']))?.[1];

function visitor(t: TestApp) {
  return {
    apiSubscribe: (email: string, remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email }, remoteAddress }),
    formSubscribe: (email: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/newsletter', remoteAddress, headers: PUBLIC_FORM, payload: encode({ email, back: '/brands' }) }),
    apiLead: (phone: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/leads', remoteAddress, payload: { name: 'Asha Verma', phone, city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' } }),
    formLead: (phone: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/cars/hyundai-creta/enquiry',
        remoteAddress,
        headers: PUBLIC_FORM,
        payload: encode({ intent: 'test-drive', name: 'Asha Verma', phone, city: 'Pune' }),
      }),
  };
}

async function subscriberRows(t: TestApp, emails: string[]): Promise<string[]> {
  const { rows } = await t.app.pg.query<{ email: string }>('SELECT email FROM newsletter_subscribers WHERE email = ANY($1::text[]) ORDER BY email', [emails]);
  return rows.map((row) => row.email);
}

describe('newsletter sign-ups per client IP', () => {
  it('refuses the N+1th sign-up from one IP with a new address each time (API 429, page 303 "limited", no mail), not another IP', async () => {
    const t = await appWith({ newsletterIp: { points: 3, durationS: 3_600 } });
    const v = visitor(t);
    const tag = unique();
    const sent = Array.from({ length: 3 }, (_, n) => `api-${n}-${tag}@example.test`);
    for (const email of sent) expect((await v.apiSubscribe(email, '198.51.100.10')).statusCode).toBe(202);
    const refusedApi = await v.apiSubscribe(`api-3-${tag}@example.test`, '198.51.100.10');
    expect(refusedApi.statusCode).toBe(429);
    expect(refusedApi.json().error).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/newsletterIp: 3 per 3600 s/) });
    expect(Number(refusedApi.headers['retry-after'])).toBeGreaterThan(60);

    const formTag = unique();
    const formSent = Array.from({ length: 3 }, (_, n) => `form-${n}-${formTag}@example.test`);
    for (const email of formSent) {
      const response = await v.formSubscribe(email, '198.51.100.11');
      expect(response.statusCode).toBe(303);
      expect(flashOf(response)).toBe('newsletter-sent');
    }
    const refusedForm = await v.formSubscribe(`form-3-${formTag}@example.test`, '198.51.100.11');
    expect(refusedForm.statusCode).toBe(303);
    expect(refusedForm.headers.location).toBe('/brands');
    expect(flashOf(refusedForm)).toBe('newsletter-limited');

    // Another client is not held back by either.
    const other = `other-${tag}@example.test`;
    expect((await v.apiSubscribe(other, '198.51.100.12')).statusCode).toBe(202);
    expect(flashOf(await v.formSubscribe(`other-${formTag}@example.test`, '198.51.100.12'))).toBe('newsletter-sent');

    // Nothing was stored or mailed for the refused ones: 3 + 3 + 2 confirmations, none to them.
    const everyone = [...sent, `api-3-${tag}@example.test`, ...formSent, `form-3-${formTag}@example.test`, other, `other-${formTag}@example.test`];
    expect(await subscriberRows(t, everyone)).toEqual([...sent, ...formSent, other, `other-${formTag}@example.test`].sort());
    await expect.poll(() => t.mailer.sent.length, { timeout: 10_000 }).toBe(8);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.mailer.sent.map((m) => m.to).sort()).toEqual([...sent, ...formSent, other, `other-${formTag}@example.test`].sort());
  });

  it('shares one budget between the API and the page form: alternating does not double it', async () => {
    const t = await appWith({ newsletterIp: { points: 4, durationS: 3_600 } });
    const v = visitor(t);
    const tag = unique();
    const ip = '198.51.100.20';
    expect((await v.apiSubscribe(`a-${tag}@example.test`, ip)).statusCode).toBe(202);
    expect(flashOf(await v.formSubscribe(`b-${tag}@example.test`, ip))).toBe('newsletter-sent');
    expect((await v.apiSubscribe(`c-${tag}@example.test`, ip)).statusCode).toBe(202);
    expect(flashOf(await v.formSubscribe(`d-${tag}@example.test`, ip))).toBe('newsletter-sent');
    expect((await v.apiSubscribe(`e-${tag}@example.test`, ip)).statusCode).toBe(429);
    expect(flashOf(await v.formSubscribe(`f-${tag}@example.test`, ip))).toBe('newsletter-limited');
  });

  it('shares the per-address budget too: the form cannot re-send what the API just sent', async () => {
    const t = await appWith({ newsletter: { points: 1, durationS: 3_600 } });
    const v = visitor(t);
    const email = `twice-${unique()}@example.test`;
    expect((await v.apiSubscribe(email, '198.51.100.21')).statusCode).toBe(202);
    expect(flashOf(await v.formSubscribe(email.toUpperCase(), '198.51.100.22'))).toBe('newsletter-limited');
    expect((await v.apiSubscribe(email.replace('twice', 'TWICE'), '198.51.100.23')).statusCode).toBe(429);
  });

  it('counts an IPv6 client by its /64: new addresses inside it buy nothing', async () => {
    const t = await appWith({ newsletterIp: { points: 2, durationS: 3_600 } });
    const v = visitor(t);
    const tag = unique();
    expect((await v.apiSubscribe(`v6a-${tag}@example.test`, '2001:db8:7:1::a')).statusCode).toBe(202);
    expect(flashOf(await v.formSubscribe(`v6b-${tag}@example.test`, '2001:db8:7:1:ffff:1:2:3'))).toBe('newsletter-sent');
    expect((await v.apiSubscribe(`v6c-${tag}@example.test`, '2001:0db8:0007:0001::99')).statusCode).toBe(429);
    expect((await v.apiSubscribe(`v6d-${tag}@example.test`, '2001:db8:7:2::a')).statusCode).toBe(202);
  });
});

describe('leads per client IP and per phone number', () => {
  it('refuses the N+1th lead for one phone number from any address, API and page form alike', async () => {
    const t = await appWith({ leadsPhone: { points: 3, durationS: 86_400 } });
    const v = visitor(t);
    const phone = `98${String(Date.now()).slice(-8)}`;
    expect((await v.apiLead(phone, '198.51.100.30')).statusCode).toBe(201);
    expect(flashOf(await v.formLead(`+91 ${phone.slice(0, 5)} ${phone.slice(5)}`, '198.51.100.31'))).toBe('lead-sent');
    expect((await v.apiLead(`0${phone}`, '198.51.100.32')).statusCode).toBe(201);
    const refused = await v.apiLead(phone, '198.51.100.33');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/leadsPhone: 3 per 86400 s/);
    const refusedForm = await v.formLead(phone, '198.51.100.34');
    expect(refusedForm.statusCode).toBe(303);
    expect(flashOf(refusedForm)).toBe('lead-limited');
    const { rows } = await t.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE phone = $1', [`+91${phone}`]);
    expect(rows[0]!.n).toBe(3);
    // Another number is its own budget.
    expect((await v.apiLead(`97${phone.slice(2)}`, '198.51.100.33')).statusCode).toBe(201);
  });

  it('shares the per-IP lead budget between the API and the page form', async () => {
    const t = await appWith({ leads: { points: 2, durationS: 3_600 } });
    const v = visitor(t);
    const ip = '198.51.100.40';
    expect((await v.apiLead('9811111111', ip)).statusCode).toBe(201);
    expect(flashOf(await v.formLead('9822222222', ip))).toBe('lead-sent');
    expect(flashOf(await v.formLead('9833333333', ip))).toBe('lead-limited');
    expect((await v.apiLead('9844444444', ip)).statusCode).toBe(429);
    expect((await v.apiLead('9855555555', '198.51.100.41')).statusCode).toBe(201);
  });
});

describe('analytics events per client IP', () => {
  it('spends a point per event: batches go through until the budget is spent, then 429 and nothing buffered', async () => {
    const t = await appWith({ events: { points: 120, durationS: 600 } });
    const batch = Array.from({ length: 50 }, () => ({ type: 'lead_form_open', model: 'hyundai-creta' }));
    const post = (remoteAddress: string, events: object[] = batch) => t.app.inject({ method: 'POST', url: '/api/events', payload: events, remoteAddress });
    await t.app.analytics.flush();
    const receivedBefore = t.app.analytics.stats().buffered + t.app.analytics.stats().written;
    expect((await post('198.51.100.50')).statusCode).toBe(202);
    expect((await post('198.51.100.50')).statusCode).toBe(202);
    const refused = await post('198.51.100.50');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/events: 120 per 600 s/);
    // A refused batch is refused whole (it spends what was left), so even one more event waits.
    expect((await post('198.51.100.50', batch.slice(0, 1))).statusCode).toBe(429);
    expect((await post('198.51.100.51')).statusCode).toBe(202);
    await t.app.analytics.flush();
    expect(t.app.analytics.stats().buffered + t.app.analytics.stats().written - receivedBefore).toBe(150);
  });
});

describe('the admin login page form', () => {
  const attempt = (t: TestApp, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress,
      headers: formHeaders(),
      payload: encode({ email: `nobody-${unique()}@example.test`, password: 'not-the-password-1', next: '/admin' }),
    });

  it('is held to the API login per-IP budget, shared with the API route', async () => {
    const t = await appWith({ auth: { points: 3, durationS: 900 } });
    expect((await attempt(t, '198.51.100.60')).statusCode).toBe(401);
    const api = await t.app.inject({
      method: 'POST',
      url: '/api/admin/auth/login',
      remoteAddress: '198.51.100.60',
      payload: { email: `nobody-${unique()}@example.test`, password: 'not-the-password-1' },
    });
    expect(api.statusCode).toBe(401);
    expect((await attempt(t, '198.51.100.60')).statusCode).toBe(401);
    const refused = await attempt(t, '198.51.100.60');
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toMatch(/Too many failed sign-ins/);
    expect((await attempt(t, '198.51.100.61')).statusCode).toBe(401);
  });
});

describe('the newsletter confirmation', () => {
  it('is held to the per-IP public budget, GET and POST alike (the token is the single-use identity)', async () => {
    const t = await appWith({ public: { points: 3, durationS: 60 } });
    const token = 'A'.repeat(43);
    const confirm = (method: 'GET' | 'POST', remoteAddress: string) =>
      method === 'GET'
        ? t.app.inject({ method, url: `/api/newsletter/confirm?token=${token}`, remoteAddress })
        : t.app.inject({ method, url: '/api/newsletter/confirm', payload: { token }, remoteAddress });
    expect((await confirm('POST', '198.51.100.70')).statusCode).toBe(404);
    expect((await confirm('GET', '198.51.100.70')).statusCode).toBe(404);
    expect((await confirm('POST', '198.51.100.70')).statusCode).toBe(404);
    expect((await confirm('POST', '198.51.100.70')).statusCode).toBe(429);
    expect((await confirm('POST', '198.51.100.71')).statusCode).toBe(404);
  });
});
