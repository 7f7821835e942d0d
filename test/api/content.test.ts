import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const post = async (url: string, payload: unknown, headers: Record<string, string> = {}) => {
  const response = await t.app.inject({ method: 'POST', url, payload: payload as object, headers });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
};
const get = async (url: string) => {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
};
const count = async (sql: string, values: unknown[] = []) => (await t.app.pg.query<{ n: number }>(sql, values)).rows[0]!.n;

describe('articles', () => {
  it('lists published articles newest first, with filters and cursor paging', async () => {
    const { status, body } = await get('/api/articles?limit=5');
    expect(status).toBe(200);
    expect(body.pagination.total).toBeGreaterThanOrEqual(12);
    const dates = body.data.map((a: { publishedAt: string }) => a.publishedAt);
    expect(dates).toEqual([...dates].sort().reverse());
    const next = await get(`/api/articles?limit=5&cursor=${body.pagination.nextCursor}`);
    const page2 = await get('/api/articles?limit=5&page=2');
    expect(next.body.data.map((a: { slug: string }) => a.slug)).toEqual(page2.body.data.map((a: { slug: string }) => a.slug));
    const guides = await get('/api/articles?category=guide&limit=100');
    expect(guides.body.data.every((a: { category: string }) => a.category === 'guide')).toBe(true);
  });

  it('projects fields= from the allowlist and refuses others', async () => {
    const { body } = await get('/api/articles?fields=slug,title&limit=3');
    expect(body.data.every((a: object) => Object.keys(a).sort().join() === 'slug,title')).toBe(true);
    const refused = await get('/api/articles?fields=slug,bodyMarkdown');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('returns one article with its markdown body, 404 otherwise', async () => {
    const { body } = await get('/api/articles?limit=1');
    const one = await get(`/api/articles/${body.data[0].slug}`);
    expect(one.status).toBe(200);
    expect(one.body.data.bodyMarkdown.length).toBeGreaterThan(500);
    expect((await get('/api/articles/not-written-yet')).body.error.code).toBe('ARTICLE_NOT_FOUND');
  });
});

describe('POST /api/leads', () => {
  const lead = { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };

  it('stores a lead and answers 201 after commit', async () => {
    const { status, body } = await post('/api/leads', lead);
    expect(status).toBe(201);
    expect(body.data).toMatchObject({ status: 'received', model: 'hyundai-creta', variant: null, intent: 'test-drive' });
    const stored = await t.app.pg.query('SELECT name, phone, city FROM leads WHERE id = $1', [body.data.id]);
    expect(stored.rows[0]).toEqual({ name: 'Asha Verma', phone: '+919876543210', city: 'Pune' });
  });

  it('accepts a variant alone and resolves its model', async () => {
    const variant = (await get('/api/models/kia-seltos')).body.data.variants[1].slug;
    const { status, body } = await post('/api/leads', { ...lead, model: undefined, variant, intent: 'price-quote' });
    expect(status).toBe(201);
    expect(body.data).toMatchObject({ model: 'kia-seltos', variant });
  });

  it('is idempotent under an Idempotency-Key: one row, the same answer', async () => {
    const key = `lead-${Date.now()}`;
    const before = await count('SELECT count(*)::int AS n FROM leads');
    const first = await post('/api/leads', lead, { 'idempotency-key': key });
    const again = await Promise.all([post('/api/leads', lead, { 'idempotency-key': key }), post('/api/leads', lead, { 'idempotency-key': key })]);
    expect(first.status).toBe(201);
    for (const retry of again) {
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
    expect(await count('SELECT count(*)::int AS n FROM leads')).toBe(before + 1);
    const conflict = await post('/api/leads', { ...lead, city: 'Nagpur' }, { 'idempotency-key': key });
    expect(conflict.status).toBe(422);
    expect(conflict.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it.each([
    ['a bad phone', { phone: '12345' }, /phone/],
    ['an unknown intent', { intent: 'buy-now' }, /intent must be one of test-drive, price-quote/],
    ['an unknown model', { model: 'tata-unicorn' }, /no model with slug "tata-unicorn"/],
    ['no model or variant', { model: undefined }, /model or the variant/],
    ['an unknown field', { budget: 5 }, /unknown body field: budget/],
    ['a variant of another model', { variant: 'maruti-suzuki-swift-lxi' }, /no variant with slug/],
    ['a name of only control characters', { name: '\u0000\u0001\u200b\u202e' }, /name/],
  ])('refuses %s with 400', async (_name, change, message) => {
    const before = await count('SELECT count(*)::int AS n FROM leads');
    const { status, body } = await post('/api/leads', { ...lead, ...change });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
    expect(await count('SELECT count(*)::int AS n FROM leads')).toBe(before);
  });

  it('refuses malformed JSON, a wrong content type and an oversized body without a 500', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/leads', payload: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    const text = await t.app.inject({ method: 'POST', url: '/api/leads', payload: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    const huge = await post('/api/leads', { ...lead, message: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
  });
});

describe('newsletter double opt-in', () => {
  it('stores a pending subscriber, mails a token, and confirms with it', async () => {
    const email = `Reader.${Date.now()}@Example.com`;
    const { status, body } = await post('/api/newsletter', { email, source: 'home-footer' });
    expect(status).toBe(202);
    expect(body.data.status).toBe('confirmation-sent');
    // The mail is a job, run after the answer.
    await t.app.outbox.drainNow();
    const mail = t.mailer.sent.find((m) => m.to === email.toLowerCase());
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
    const row = await t.app.pg.query('SELECT status FROM newsletter_subscribers WHERE email = $1', [email.toLowerCase()]);
    expect(row.rows[0]!.status).toBe('pending');

    const confirmed = await get(`/api/newsletter/confirm?token=${token}`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data).toEqual({ status: 'confirmed', email: email.toLowerCase() });
    const again = await get(`/api/newsletter/confirm?token=${token}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('SUBSCRIPTION_NOT_FOUND');
  });

  it('never duplicates a subscriber, and answers the same whether or not the address is known', async () => {
    const email = `twice.${Date.now()}@example.com`;
    const first = await post('/api/newsletter', { email });
    const second = await post('/api/newsletter', { email: email.toUpperCase() });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(await count('SELECT count(*)::int AS n FROM newsletter_subscribers WHERE email = $1', [email])).toBe(1);
  });

  it('is idempotent under an Idempotency-Key and sends one mail', async () => {
    const email = `idem.${Date.now()}@example.com`;
    const key = `nl-${Date.now()}`;
    await post('/api/newsletter', { email }, { 'idempotency-key': key });
    const retry = await post('/api/newsletter', { email }, { 'idempotency-key': key });
    expect(retry.status).toBe(202);
    await t.app.outbox.drainNow();
    expect(t.mailer.sent.filter((m) => m.to === email)).toHaveLength(1);
  });

  it('refuses a bad address and a malformed token', async () => {
    expect((await post('/api/newsletter', { email: 'not-an-email' })).status).toBe(400);
    expect((await post('/api/newsletter', {})).body.error.message).toMatch(/email/);
    expect((await get('/api/newsletter/confirm?token=short')).status).toBe(400);
    expect((await get(`/api/newsletter/confirm?token=${'A'.repeat(43)}`)).status).toBe(404);
  });
});
