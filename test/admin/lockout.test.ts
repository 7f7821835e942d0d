/**
 * Login lockout: per account and per client address, with back-off. The app runs with rate limits off
 * (testConfig), as a deployment may: the lockout is a security control and must hold regardless.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_FAILURES, IP_FAILURES } from '../../src/admin/auth/lockout.js';
import { buildTestApp, uniqueRedisPrefix, type TestApp } from '../helpers.js';
import { createUser, type TestUser } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  expect(t.app.config.rateLimits.enabled).toBe(false);
});
afterAll(() => t.close());
afterEach(() => {
  vi.useRealTimers();
});

let addresses = 0;
const freshIp = () => `10.2.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;

const attempt = (email: string, password: string, remoteAddress: string, app = t.app) =>
  app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress, payload: { email, password } });
const fail = (user: Pick<TestUser, 'email'>, remoteAddress = freshIp()) => attempt(user.email, 'certainly-not-the-password', remoteAddress);
const succeed = (user: TestUser, remoteAddress = freshIp()) => attempt(user.email, user.password, remoteAddress);

async function failTimes(n: number, user: Pick<TestUser, 'email'>, remoteAddress?: string): Promise<void> {
  for (let i = 0; i < n; i++) expect((await fail(user, remoteAddress)).statusCode).toBe(401);
}

/** Asserts a lockout answer and returns its Retry-After in seconds. */
function expectLocked(response: LightMyRequestResponse): number {
  expect({ status: response.statusCode, code: response.json().error.code }).toEqual({ status: 429, code: 'ACCOUNT_LOCKED' });
  expect(response.headers['cache-control']).toBe('no-store');
  const retryAfterS = Number(response.headers['retry-after']);
  expect(response.json().error.message).toContain(`try again in ${retryAfterS} s`);
  return retryAfterS;
}

/** Moves the clock the lockout counters read past a lock (the memory store compares with Date.now()). */
function advanceClockS(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + seconds * 1000);
}

describe('lockout per account', () => {
  it(`locks after ${ACCOUNT_FAILURES} failures, from any addresses, refusing even the right password`, async () => {
    const user = await createUser(t.app, 'admin');
    await failTimes(ACCOUNT_FAILURES, user);
    const retryAfterS = expectLocked(await succeed(user));
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(60);
    expectLocked(await attempt(user.email.toUpperCase(), user.password, freshIp()));
  });

  it('counts consecutive failures: a success starts the count again', async () => {
    const user = await createUser(t.app, 'editor');
    await failTimes(ACCOUNT_FAILURES - 1, user);
    expect((await succeed(user)).statusCode).toBe(200);
    await failTimes(ACCOUNT_FAILURES - 1, user);
    expect((await succeed(user)).statusCode).toBe(200);
  });

  it('backs off: each further lockout lasts twice as long', async () => {
    const user = await createUser(t.app, 'editor');
    await failTimes(ACCOUNT_FAILURES, user);
    const first = expectLocked(await succeed(user));
    expect(first).toBeLessThanOrEqual(60);

    advanceClockS(first + 1);
    await failTimes(ACCOUNT_FAILURES, user);
    const second = expectLocked(await succeed(user));
    expect(second).toBeGreaterThan(60);
    expect(second).toBeLessThanOrEqual(120);

    advanceClockS(second + 1);
    await failTimes(ACCOUNT_FAILURES, user);
    const third = expectLocked(await succeed(user));
    expect(third).toBeGreaterThan(120);
    expect(third).toBeLessThanOrEqual(240);

    advanceClockS(third + 1);
    expect((await succeed(user)).statusCode).toBe(200);
  });

  it('leaves other accounts signing in from the same address alone', async () => {
    const ip = freshIp();
    const victim = await createUser(t.app, 'admin');
    const colleague = await createUser(t.app, 'admin');
    await failTimes(ACCOUNT_FAILURES, victim, ip);
    expectLocked(await succeed(victim, ip));
    expect((await succeed(colleague, ip)).statusCode).toBe(200);
  });
});

describe('lockout per address', () => {
  it(`locks an address after ${IP_FAILURES} failures against any accounts, unknown ones included`, async () => {
    const ip = freshIp();
    const user = await createUser(t.app, 'editor');
    for (let i = 1; i < IP_FAILURES; i++) expect((await fail({ email: `guess-${i}@example.test` }, ip)).statusCode).toBe(401);
    expect((await succeed(user, ip)).statusCode).toBe(200);

    expect((await fail({ email: `guess-${IP_FAILURES}@example.test` }, ip)).statusCode).toBe(401);
    expectLocked(await succeed(user, ip));
    expect((await succeed(user)).statusCode).toBe(200);
  });
});

describe('lockout under concurrency', () => {
  it('lets no more guesses through than the limit, however many arrive at once', async () => {
    const user = await createUser(t.app, 'admin');
    const guesses = await Promise.all(Array.from({ length: 4 * ACCOUNT_FAILURES }, () => fail(user)));
    const checked = guesses.filter((r) => r.statusCode === 401).length;
    expect(checked).toBe(ACCOUNT_FAILURES);
    for (const refused of guesses.filter((r) => r.statusCode !== 401)) expectLocked(refused);
    expectLocked(await succeed(user));
  });

  it('counts concurrent guesses from one address against its limit too', async () => {
    const ip = freshIp();
    const guesses = await Promise.all(Array.from({ length: IP_FAILURES + 10 }, (_, i) => fail({ email: `burst-${i}@example.test` }, ip)));
    expect(guesses.filter((r) => r.statusCode === 401)).toHaveLength(IP_FAILURES);
    expectLocked(await succeed(await createUser(t.app, 'viewer'), ip));
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL)('lockout with Redis counters', () => {
  const instances: TestApp[] = [];
  beforeAll(async () => {
    const config = { redisUrl: process.env.TEST_REDIS_URL!, redisPrefix: uniqueRedisPrefix() };
    for (let i = 0; i < 2; i++) instances.push(await buildTestApp({ config, database: t.database }));
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
  });

  it('holds across instances: failures on either lock the account on both, concurrent ones included', async () => {
    const [a, b] = instances.map((instance) => instance.app) as [TestApp['app'], TestApp['app']];
    const user = await createUser(a, 'admin');
    const guesses = await Promise.all(Array.from({ length: 3 * ACCOUNT_FAILURES }, (_, i) => attempt(user.email, 'wrong-password-guess', freshIp(), i % 2 ? a : b)));
    expect(guesses.filter((r) => r.statusCode === 401)).toHaveLength(ACCOUNT_FAILURES);
    expect(expectLocked(await attempt(user.email, user.password, freshIp(), a))).toBeLessThanOrEqual(60);
    expectLocked(await attempt(user.email, user.password, freshIp(), b));
  });

  it('gives a successful login its address point back', async () => {
    const [a, b] = instances.map((instance) => instance.app) as [TestApp['app'], TestApp['app']];
    const ip = freshIp();
    const user = await createUser(a, 'editor');
    for (let i = 1; i < IP_FAILURES; i++) expect((await attempt(`redis-guess-${i}@example.test`, 'wrong-password-guess', ip, i % 2 ? a : b)).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, user.password, ip, i % 2 ? a : b)).statusCode).toBe(200);
    expect((await attempt('redis-guess-last@example.test', 'wrong-password-guess', ip, a)).statusCode).toBe(401);
    expectLocked(await attempt(user.email, user.password, ip, b));
  });
});
