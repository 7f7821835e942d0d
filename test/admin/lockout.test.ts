/**
 * Login lockout: per (account, client address) and per client address, with back-off; an account's
 * failures from every client are reported, never refused. The app runs with rate limits off
 * (testConfig), as a deployment may: the lockout is a security control and must hold regardless.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ACCOUNT_FAILURES, createLockout, createLoginFailureWatch, IP_FAILURES } from '../../src/admin/auth/lockout.js';
import { createLimiterStore } from '../../src/platform/rate-limit/limiters.js';
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

describe('lockout per account and client', () => {
  it(`locks a client out of an account after ${ACCOUNT_FAILURES} failures, right password included, and no other client`, async () => {
    const user = await createUser(t.app, 'admin');
    const [attacker, owner] = [freshIp(), freshIp()];
    await failTimes(ACCOUNT_FAILURES, user, attacker);
    const retryAfterS = expectLocked(await succeed(user, attacker));
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(60);
    expectLocked(await attempt(user.email.toUpperCase(), user.password, attacker));

    expect((await succeed(user, owner)).statusCode).toBe(200);
    // The owner's address counts its own failures, from zero: the attacker's did not add to them.
    await failTimes(ACCOUNT_FAILURES, user, owner);
    expectLocked(await succeed(user, owner));
    expect((await succeed(user)).statusCode).toBe(200);
  });

  it('never locks the account itself, however many clients fail', async () => {
    const user = await createUser(t.app, 'admin');
    for (let client = 0; client < 4; client++) {
      const ip = freshIp();
      await failTimes(ACCOUNT_FAILURES, user, ip);
      expectLocked(await fail(user, ip));
    }
    expect((await succeed(user)).statusCode).toBe(200);
  });

  it('counts an IPv6 client as its /64: rotating addresses within it does not reset the count', async () => {
    const user = await createUser(t.app, 'admin');
    const network = `2001:db8:${(++addresses).toString(16)}:1`;
    for (let i = 1; i <= ACCOUNT_FAILURES; i++) expect((await fail(user, `${network}::${i.toString(16)}`)).statusCode).toBe(401);
    expectLocked(await succeed(user, `${network}::ffff`));
    expect((await succeed(user, `2001:db8:${(++addresses).toString(16)}:2::1`)).statusCode).toBe(200);
  });

  it('counts consecutive failures: a success starts the count again', async () => {
    const user = await createUser(t.app, 'editor');
    const ip = freshIp();
    await failTimes(ACCOUNT_FAILURES - 1, user, ip);
    expect((await succeed(user, ip)).statusCode).toBe(200);
    await failTimes(ACCOUNT_FAILURES - 1, user, ip);
    expect((await succeed(user, ip)).statusCode).toBe(200);
  });

  it('backs off: each further lockout lasts twice as long', async () => {
    const user = await createUser(t.app, 'editor');
    const ip = freshIp();
    await failTimes(ACCOUNT_FAILURES, user, ip);
    const first = expectLocked(await succeed(user, ip));
    expect(first).toBeLessThanOrEqual(60);

    advanceClockS(first + 1);
    await failTimes(ACCOUNT_FAILURES, user, ip);
    const second = expectLocked(await succeed(user, ip));
    expect(second).toBeGreaterThan(60);
    expect(second).toBeLessThanOrEqual(120);

    advanceClockS(second + 1);
    await failTimes(ACCOUNT_FAILURES, user, ip);
    const third = expectLocked(await succeed(user, ip));
    expect(third).toBeGreaterThan(120);
    expect(third).toBeLessThanOrEqual(240);

    advanceClockS(third + 1);
    expect((await succeed(user, ip)).statusCode).toBe(200);
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

describe('failures per account, from any client', () => {
  it('are counted and reported (a warning at 5, 10, 20…, login_failures_total), never refused', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const registry = new Registry();
    const lockout = createLockout(createLimiterStore(null, `lockout-watch-${process.pid}`), createLoginFailureWatch(log, registry));
    const email = 'watched@example.test';
    for (let i = 0; i < 4 * ACCOUNT_FAILURES; i++) {
      const ip = `10.3.0.${i + 1}`;
      expect(await lockout.attempt(email, ip)).toBe(0);
      await lockout.failed(email, ip);
    }
    expect(await lockout.attempt(email, '10.3.1.1')).toBe(0);
    const warnings = lines.map((line) => JSON.parse(line) as { account: string; accountFailures: number });
    expect(warnings.map((w) => [w.account, w.accountFailures])).toEqual([
      [email, ACCOUNT_FAILURES],
      [email, 2 * ACCOUNT_FAILURES],
      [email, 4 * ACCOUNT_FAILURES],
    ]);
    expect(await registry.getSingleMetricAsString('login_failures_total')).toContain(`login_failures_total ${4 * ACCOUNT_FAILURES}`);
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
    const ip = freshIp();
    const guesses = await Promise.all(Array.from({ length: 3 * ACCOUNT_FAILURES }, () => fail(user, ip)));
    const checked = guesses.filter((r) => r.statusCode === 401).length;
    expect(checked).toBe(ACCOUNT_FAILURES);
    for (const refused of guesses.filter((r) => r.statusCode !== 401)) expectLocked(refused);
    expectLocked(await succeed(user, ip));
    expect((await succeed(user)).statusCode).toBe(200);
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

  it('holds across instances: failures on either lock the client out of the account on both, concurrent ones included', async () => {
    const [a, b] = instances.map((instance) => instance.app) as [TestApp['app'], TestApp['app']];
    const user = await createUser(a, 'admin');
    const ip = freshIp();
    const guesses = await Promise.all(Array.from({ length: 3 * ACCOUNT_FAILURES }, (_, i) => attempt(user.email, 'wrong-password-guess', ip, i % 2 ? a : b)));
    expect(guesses.filter((r) => r.statusCode === 401)).toHaveLength(ACCOUNT_FAILURES);
    expect(expectLocked(await attempt(user.email, user.password, ip, a))).toBeLessThanOrEqual(60);
    expectLocked(await attempt(user.email, user.password, ip, b));
    const owner = freshIp();
    expect((await attempt(user.email, user.password, owner, a)).statusCode).toBe(200);
    expect((await attempt(user.email, user.password, owner, b)).statusCode).toBe(200);
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
