import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to embedded PGlite in ./.unveil on port 4000', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '0.0.0.0',
      database: { dataDir: './.unveil' },
      logLevel: 'info',
      bodyLimit: 1024 * 1024,
      adminRateLimit: 1_200,
      shutdownTimeoutMs: 10_000,
      databaseTimeoutMs: 5_000,
      scheduler: { intervalMs: 250, catchUpToleranceMs: 60_000 },
      demo: false,
    });
  });

  it('seeds demo data only when UNVEIL_DEMO says so, and names a bad value', () => {
    expect(loadConfig({ UNVEIL_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ UNVEIL_DEMO: 'false' }).demo).toBe(false);
    expect(() => loadConfig({ UNVEIL_DEMO: 'yes' })).toThrow(/UNVEIL_DEMO: must be 1, true, 0 or false/);
  });

  it('uses Postgres when DATABASE_URL is set and treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/unveil', PORT: '8080', LOG_LEVEL: '' });
    expect(config).toMatchObject({
      port: 8080,
      database: { databaseUrl: 'postgres://u@db:5432/unveil' },
      logLevel: 'info',
    });
  });

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        UNVEIL_ADMIN_KEY: 'short',
        UNVEIL_BODY_LIMIT: '12',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
      expect(problems.sort()).toEqual([
        'DATABASE_URL',
        'LOG_LEVEL',
        'PORT',
        'UNVEIL_ADMIN_KEY',
        'UNVEIL_BODY_LIMIT',
      ]);
    }
  });
});
