import { describe, expect, it } from 'vitest';
import { ConfigError, DOCUMENTED_EXAMPLE_SECRETS, loadConfig } from './config.js';

describe('config', () => {
  it('defaults to embedded mode on 127.0.0.1:3000 with ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', embedded: true, databaseUrl: null, autoMigrate: true, autoSeed: true });
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.pool)).toBe(true);
  });

  it('selects production mode with DATABASE_URL and leaves migrations explicit', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/gadizone', DATABASE_POOL_MAX: '40', JWT_SECRET: 'x'.repeat(40) });
    expect(config).toMatchObject({ embedded: false, autoMigrate: false, autoSeed: false, pool: { max: 40 } });
  });

  it('refuses to start with a server database and no, a short, or the documented JWT secret', () => {
    const database = { DATABASE_URL: 'postgres://app@db:5432/gadizone' };
    expect(() => loadConfig(database)).toThrow(/JWT_SECRET: required/);
    expect(() => loadConfig({ ...database, JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
    expect(() => loadConfig({ ...database, JWT_SECRET: DOCUMENTED_EXAMPLE_SECRETS[0] })).toThrow(/JWT_SECRET: is the example/);
    expect(loadConfig({}).jwtSecret).toBeNull();
  });

  it('reads rate-limit tiers, the allowlist and CORS origins', () => {
    const config = loadConfig({ RATE_LIMIT_PUBLIC: '600/1m', RATE_LIMIT_AUTH: '3/10m', RATE_LIMIT_ALLOWLIST: '127.0.0.1, 10.0.0.0/8', CORS_ORIGINS: 'https://a.example,*' });
    expect(config.rateLimits.public).toEqual({ points: 600, durationS: 60 });
    expect(config.rateLimits.auth).toEqual({ points: 3, durationS: 600 });
    expect(config.rateLimits.leads).toEqual({ points: 10, durationS: 3600 });
    expect(config.rateLimits.allowlist).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(config.corsOrigins).toEqual(['https://a.example', '*']);
    expect(() => loadConfig({ RATE_LIMIT_LEADS: 'lots' })).toThrow(/RATE_LIMIT_LEADS="lots": expected requests\/duration/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('names every bad variable and what it expects', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DATABASE_POOL_MIN: '50', DATABASE_POOL_MAX: '10', AUTO_SEED: 'perhaps' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT="eighty": expected an integer from 0 to 65535');
      expect(message).toContain('DATABASE_URL: expected a URL starting with postgres:// or postgresql://');
      expect(message).toContain('LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent');
      expect(message).toContain('DATABASE_POOL_MIN=50: must not exceed DATABASE_POOL_MAX=10');
      expect(message).toContain('AUTO_SEED="perhaps": expected true or false');
    }
  });
});

describe('config value grammar', () => {
  /** The problems loadConfig reports for `env` (none: an empty list). */
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('reads a blank or whitespace-only variable as unset, and trims the rest', () => {
    expect(loadConfig({ PORT: '', HOST: '   ', LOG_LEVEL: '\t' })).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info' });
    expect(loadConfig({ PORT: ' 8080 ', LOG_LEVEL: ' warn ' })).toMatchObject({ port: 8080, logLevel: 'warn' });
  });

  it('takes integers in plain decimal only, within their bounds', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535);
    expect(loadConfig({ PORT: '080' }).port).toBe(80);
    for (const port of ['65536', '-1', '1e3', '3000.0', '0x50', '+80', '9007199254740993', '80 80']) {
      expect(problemsOf({ PORT: port }), port).toEqual([`PORT="${port}": expected an integer from 0 to 65535`]);
    }
  });

  it('takes the usual spellings of true and false, in any case', () => {
    for (const yes of ['1', 'true', 'YES', 'On']) expect(loadConfig({ RATE_LIMIT_ENABLED: yes }).rateLimits.enabled, yes).toBe(true);
    for (const no of ['0', 'False', 'no', 'OFF']) expect(loadConfig({ RATE_LIMIT_ENABLED: no }).rateLimits.enabled, no).toBe(false);
    expect(problemsOf({ RATE_LIMIT_ENABLED: 'enabled' })).toEqual(['RATE_LIMIT_ENABLED="enabled": expected true or false']);
  });

  it('reads a rate as requests per seconds, minutes or hours, and refuses a zero or another unit', () => {
    expect(loadConfig({ RATE_LIMIT_AUTH: '5/15m' }).rateLimits.auth).toEqual({ points: 5, durationS: 900 });
    expect(loadConfig({ RATE_LIMIT_AUTH: '1/1s' }).rateLimits.auth).toEqual({ points: 1, durationS: 1 });
    expect(loadConfig({ RATE_LIMIT_AUTH: '10/24h' }).rateLimits.auth).toEqual({ points: 10, durationS: 86_400 });
    expect(Object.isFrozen(loadConfig({ RATE_LIMIT_AUTH: '5/15m' }).rateLimits.auth)).toBe(true);
    for (const rate of ['0/1m', '5/0m', '5/1d', '5 / 1m', '5/m', '12345678/1m', '-5/1m', '5/1M']) {
      expect(problemsOf({ RATE_LIMIT_AUTH: rate }), rate).toEqual([`RATE_LIMIT_AUTH="${rate}": expected requests/duration such as 60/1m, 5/15m or 10/1h`]);
    }
  });

  it('splits lists on commas, dropping blanks, and checks CIDR prefix lengths against the address family', () => {
    expect(loadConfig({ RATE_LIMIT_ALLOWLIST: ' 10.0.0.1 , ,::1/128,, 2001:db8::/32 ' }).rateLimits.allowlist).toEqual(['10.0.0.1', '::1/128', '2001:db8::/32']);
    expect(problemsOf({ RATE_LIMIT_ALLOWLIST: '::1/129' })).toHaveLength(1);
    expect(problemsOf({ RATE_LIMIT_ALLOWLIST: '10.0.0.0/8/8' })).toHaveLength(1);
    expect(problemsOf({ RATE_LIMIT_ALLOWLIST: '10.0.0.0/' })).toHaveLength(1);
  });

  it('counts a secret in bytes, not characters', () => {
    const database = { DATABASE_URL: 'postgres://app@db:5432/gadizone' };
    expect(loadConfig({ ...database, JWT_SECRET: '€'.repeat(11) }).jwtSecret).toBe('€'.repeat(11));
    expect(problemsOf({ ...database, JWT_SECRET: 'x'.repeat(31) })).toEqual(['JWT_SECRET: must be at least 32 bytes long']);
  });

  it('keeps Redis key prefixes to a safe alphabet (no `:` or spaces to break key layouts)', () => {
    expect(loadConfig({ REDIS_PREFIX: 'gz-prod_2.a' }).redisPrefix).toBe('gz-prod_2.a');
    for (const prefix of ['gz:prod', 'gz prod', 'x'.repeat(41), '{gz}']) expect(problemsOf({ REDIS_PREFIX: prefix }), prefix).toHaveLength(1);
  });

  it('derives defaults from other settings', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://0.0.0.0:8080');
    expect(loadConfig({}).jobs.backupEveryHours).toBe(0);
    expect(loadConfig({ BACKUP_DIR: '/srv/backups' }).jobs.backupEveryHours).toBe(24);
    expect(loadConfig({ MEDIA_UPLOAD_MAX_MB: '3' }).media.uploadMaxBytes).toBe(3 * 1024 * 1024);
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ DATA_DIR: '/srv/gz' }).media.dir).toBe('/srv/gz/media');
  });

  it('reports every problem at once, each naming its variable once', () => {
    const problems = problemsOf({ PORT: 'x', WORKERS: '0', CACHE_MEMORY_MB: '1', RATE_LIMIT_PUBLIC: 'lots', REDIS_PREFIX: 'a b', ACCESS_LOG: 'some' });
    expect(problems.map((problem) => /^[A-Z_]+/.exec(problem)?.[0]).sort()).toEqual(['ACCESS_LOG', 'CACHE_MEMORY_MB', 'PORT', 'RATE_LIMIT_PUBLIC', 'REDIS_PREFIX', 'WORKERS']);
  });
});
