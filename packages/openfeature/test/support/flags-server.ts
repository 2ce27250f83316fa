/**
 * A real Unveil server for the providers' tests: the in-process Fastify app of services/server (real
 * routes, real database, real WebSocket stream) listening on a free port, seeded with one flag of each
 * type whose configurations give every reason.
 */
import { beforeAll, expect } from 'vitest';
import { trackedEventsHourly } from '../../../../services/server/src/db/schema.js';
import { type TestApp, useTestApp } from '../../../../services/server/test/support/test-app.js';

/** The seeded flags, by what they are for. All are client-side except `SERVER_ONLY`. */
export const FLAGS = {
  /** boolean: `vip` is targeted on, plan `beta` is on by rule `beta-rule`, sign-ups before 2026 by rule `early`, else off. */
  BOOLEAN: 'new-checkout',
  /** string: a 50/50 rollout of `blue` / `green` in the fallthrough. */
  STRING: 'banner-color',
  /** number: switched off, serving `small` (10). */
  NUMBER: 'upload-limit',
  /** json: serves `grid` ({ columns: 3 }) to everyone. */
  JSON: 'layout',
  /** boolean, not client-side: client keys do not see it. */
  SERVER_ONLY: 'internal-report',
} as const;

export interface FlagsServer {
  testApp: TestApp;
  url: string;
  environment: string;
  serverKey: string;
  clientKey: string;
  /** Replaces a flag's configuration in the environment through the admin API. */
  configure(flag: string, config: Record<string, unknown>): Promise<void>;
  /** Tracked events the server has written, summed over hours: by event name. */
  tracked(): Promise<Map<string, { count: number; valueSum: number }>>;
  /** Exposures per variant the admin usage API reports for a flag. */
  exposures(flag: string): Promise<Record<string, number>>;
}

/** Starts the server before the file's tests (and stops it after them); seeds it once. */
export function useFlagsServer(): () => FlagsServer {
  const testApp = useTestApp();
  let server: FlagsServer | undefined;
  beforeAll(async () => {
    const t = testApp();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const environment = 'openfeature';
    await call(t, 'POST', '/api/v1/environments', { key: environment, name: environment });
    const configure = (flag: string, config: Record<string, unknown>) =>
      call(t, 'PUT', `/api/v1/environments/${environment}/flags/${flag}`, config);
    for (const flag of FLAG_DEFINITIONS) await call(t, 'POST', '/api/v1/flags', flag);
    for (const [flag, config] of Object.entries(CONFIGS)) await configure(flag, config);
    server = {
      testApp: t,
      url,
      environment,
      serverKey: await t.createKey({ kind: 'server', name: 'of-server', environment }),
      clientKey: await t.createKey({ kind: 'client', name: 'of-client', environment }),
      configure,
      async tracked() {
        // The server sums tracked events in memory and writes them every few seconds: write them now.
        await t.app.services.usage.flush();
        const rows = await t.db.transaction((tx) => tx.select().from(trackedEventsHourly));
        const sums = new Map<string, { count: number; valueSum: number }>();
        for (const row of rows.filter((r) => r.environmentKey === environment)) {
          const sum = sums.get(row.event) ?? { count: 0, valueSum: 0 };
          sums.set(row.event, { count: sum.count + row.count, valueSum: sum.valueSum + row.valueSum });
        }
        return sums;
      },
      async exposures(flag) {
        await t.app.services.usage.flush();
        const usage = await call(t, 'GET', `/api/v1/environments/${environment}/flags/${flag}/usage`);
        const byVariant: Record<string, number> = {};
        for (const { variant, count } of usage.byVariant as { variant: string; count: number }[])
          byVariant[variant] = count;
        return byVariant;
      },
    };
  });
  return () => {
    if (server === undefined) throw new Error('useFlagsServer: the server starts in beforeAll');
    return server;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: admin API bodies, read freely by the tests.
async function call(t: TestApp, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<any> {
  const response = await t.request({ method, url, ...(body === undefined ? {} : { body }) });
  expect(response.status, `${method} ${url}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response.body;
}

const FLAG_DEFINITIONS = [
  { key: FLAGS.BOOLEAN, name: 'New checkout', type: 'boolean', clientSide: true },
  {
    key: FLAGS.STRING,
    name: 'Banner colour',
    type: 'string',
    clientSide: true,
    variants: [
      { key: 'blue', value: '#1d4ed8' },
      { key: 'green', value: '#15803d' },
    ],
  },
  {
    key: FLAGS.NUMBER,
    name: 'Upload limit',
    type: 'number',
    clientSide: true,
    variants: [
      { key: 'small', value: 10 },
      { key: 'large', value: 100 },
    ],
  },
  {
    key: FLAGS.JSON,
    name: 'Layout',
    type: 'json',
    clientSide: true,
    variants: [
      { key: 'list', value: { columns: 1 } },
      { key: 'grid', value: { columns: 3 } },
    ],
  },
  { key: FLAGS.SERVER_ONLY, name: 'Internal report', type: 'boolean' },
];

const CONFIGS: Record<string, Record<string, unknown>> = {
  [FLAGS.BOOLEAN]: {
    enabled: true,
    offVariant: 'off',
    targets: [{ variant: 'on', keys: ['vip'] }],
    rules: [
      {
        id: 'beta-rule',
        conditions: [{ attribute: 'plan', operator: 'equals', values: ['beta'] }],
        serve: { variant: 'on' },
      },
      {
        id: 'early',
        conditions: [{ attribute: 'signedUpAt', operator: 'before', values: ['2026-01-01T00:00:00Z'] }],
        serve: { variant: 'on' },
      },
    ],
    fallthrough: { variant: 'off' },
  },
  [FLAGS.STRING]: {
    enabled: true,
    offVariant: 'blue',
    fallthrough: {
      rollout: {
        variants: [
          { variant: 'blue', weight: 50_000 },
          { variant: 'green', weight: 50_000 },
        ],
      },
    },
  },
  [FLAGS.NUMBER]: { enabled: false, offVariant: 'small', fallthrough: { variant: 'large' } },
  [FLAGS.JSON]: { enabled: true, offVariant: 'list', fallthrough: { variant: 'grid' } },
  [FLAGS.SERVER_ONLY]: { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } },
};
