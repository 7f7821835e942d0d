import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('defaults to embedded mode on 127.0.0.1:3000 with ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', embedded: true, databaseUrl: null, autoMigrate: true, autoSeed: true });
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.pool)).toBe(true);
  });

  it('selects production mode with DATABASE_URL and leaves migrations explicit', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/gadizone', DATABASE_POOL_MAX: '40' });
    expect(config).toMatchObject({ embedded: false, autoMigrate: false, autoSeed: false, pool: { max: 40 } });
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
