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
