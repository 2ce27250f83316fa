import { describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag, snapshotVersion } from './support/fixtures.js';
import { type TestApp, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

async function setUp(t: TestApp) {
  const environment = await createEnvironment(t);
  const flag = await createFlag(t);
  const url = `/api/v1/environments/${environment}/flags/${flag}`;
  const put = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.request({ method: 'PUT', url, body, headers });
  return { environment, flag, url, put };
}

function paths(body: { errors: { path: string }[] }): string[] {
  return body.errors.map((error) => error.path);
}

describe('flag configuration per environment', () => {
  it('replaces the configuration, bumps the environment once and answers with the new version', async () => {
    const t = testApp();
    const { environment, url, put } = await setUp(t);
    const before = await snapshotVersion(t, environment);
    const config = booleanConfig({
      targets: [{ variant: 'off', keys: ['user-1'] }],
      rules: [
        {
          id: 'beta',
          conditions: [{ attribute: 'plan', operator: 'in', values: ['beta', 'pro'] }],
          serve: { rollout: { variants: [{ variant: 'on', weight: 25_000 }] } },
        },
      ],
      fallthrough: {
        rollout: {
          variants: [
            { variant: 'on', weight: 10_000 },
            { variant: 'off', weight: 90_000 },
          ],
        },
      },
    });
    const response = await put(config, { 'if-match': '"1"' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ...config, version: 2 });
    expect(response.headers.etag).toBe('"2"');
    expect(await snapshotVersion(t, environment)).toBe(before + 1);
    const fetched = await t.request({ method: 'GET', url });
    expect(fetched.body).toEqual(response.body);
  });

  it('treats writing the stored configuration again as no change', async () => {
    const t = testApp();
    const { environment, put } = await setUp(t);
    await put(booleanConfig());
    const version = await snapshotVersion(t, environment);
    const again = await put(booleanConfig());
    expect(again.body.version).toBe(2);
    expect(await snapshotVersion(t, environment)).toBe(version);
  });

  it('names every unknown variant, segment and prerequisite', async () => {
    const t = testApp();
    const { put } = await setUp(t);
    const response = await put({
      enabled: true,
      offVariant: 'nope',
      targets: [{ variant: 'gone', keys: ['a'] }],
      rules: [
        {
          id: 'r1',
          conditions: [{ attribute: 'key', operator: 'inSegment', values: ['no-such-segment'] }],
          serve: { variant: 'missing' },
        },
      ],
      fallthrough: { variant: 'on' },
      prerequisites: [{ flag: 'no-such-flag', variants: ['on'] }],
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('UNVEIL_ERR_FLAG_CONFIG_INVALID');
    expect(paths(response.body)).toEqual([
      '/body/offVariant',
      '/body/targets/0/variant',
      '/body/rules/0/conditions/0/values/0',
      '/body/rules/0/serve/variant',
      '/body/prerequisites/0/flag',
    ]);
  });

  it('requires fallthrough weights to sum to 100000 and rule weights to at most that', async () => {
    const t = testApp();
    const { put } = await setUp(t);
    const response = await put(
      booleanConfig({
        rules: [
          {
            id: 'r',
            conditions: [],
            serve: {
              rollout: {
                variants: [
                  { variant: 'on', weight: 100_000 },
                  { variant: 'off', weight: 1 },
                ],
              },
            },
          },
        ],
        fallthrough: { rollout: { variants: [{ variant: 'on', weight: 50_000 }] } },
      }),
    );
    expect(response.status).toBe(422);
    expect(paths(response.body)).toEqual([
      '/body/rules/0/serve/rollout/variants',
      '/body/fallthrough/rollout/variants',
    ]);
  });

  it('refuses a prerequisite cycle', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const a = await createFlag(t);
    const b = await createFlag(t);
    const requires = (flag: string, other: string) =>
      t.request({
        method: 'PUT',
        url: `/api/v1/environments/${environment}/flags/${flag}`,
        body: booleanConfig({ prerequisites: [{ flag: other, variants: ['on'] }] }),
      });
    expect((await requires(a, b)).status).toBe(200);
    const cycle = await requires(b, a);
    expect(cycle.status).toBe(422);
    expect(cycle.body.errors).toEqual([
      { path: '/body/prerequisites/0/flag', message: `prerequisite cycle: ${b} → ${a} → ${b}` },
    ]);
  });

  it("leaves operand checks to core's validator", async () => {
    const t = testApp();
    const { put } = await setUp(t);
    const response = await put(
      booleanConfig({
        rules: [
          {
            id: 'r',
            conditions: [{ attribute: 'email', operator: 'matches', values: ['(unclosed'] }],
            serve: { variant: 'on' },
          },
        ],
      }),
    );
    expect(response.status).toBe(422);
    // Core reports where in the rule; the exact path below the rule is core's to define.
    expect(paths(response.body)[0]).toMatch(/^\/body\/rules\/0\//);
  });

  it('rejects structural errors with 400 naming the field', async () => {
    const t = testApp();
    const { put } = await setUp(t);
    const response = await put({
      enabled: 'yes',
      offVariant: 'off',
      fallthrough: { variant: 'on', rollout: { variants: [{ variant: 'on', weight: 100_000 }] } },
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: 'a', operator: 'sortOf', values: [] }],
          serve: { variant: 'on' },
        },
      ],
      surprise: true,
    });
    expect(response.status).toBe(400);
    expect(paths(response.body)).toEqual(
      expect.arrayContaining([
        '/body/enabled',
        '/body/fallthrough',
        '/body/rules/0/conditions/0/operator',
        '/body',
      ]),
    );
  });

  it('answers 404 for an unknown environment or flag', async () => {
    const t = testApp();
    const { environment, flag } = await setUp(t);
    const noEnvironment = await t.request({
      method: 'PUT',
      url: `/api/v1/environments/nope/flags/${flag}`,
      body: booleanConfig(),
    });
    expect(noEnvironment.body.code).toBe('UNVEIL_ERR_ENV_NOT_FOUND');
    const noFlag = await t.request({ method: 'GET', url: `/api/v1/environments/${environment}/flags/nope` });
    expect(noFlag.body.code).toBe('UNVEIL_ERR_FLAG_NOT_FOUND');
  });

  it('keeps a history per environment and restores version N as a new audited version', async () => {
    const t = testApp();
    const { environment, flag, url, put } = await setUp(t);
    await put(booleanConfig());
    await put(booleanConfig({ enabled: false }));
    await put(booleanConfig({ fallthrough: { variant: 'off' } }));
    const before = await snapshotVersion(t, environment);

    const restored = await t.request({
      method: 'POST',
      url: `${url}/versions/2/restore`,
      as: 'bob',
      headers: { 'x-unveil-reason': 'incident 42' },
      body: { expectedVersion: 4 },
    });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ enabled: true, fallthrough: { variant: 'on' }, version: 5 });
    expect(await snapshotVersion(t, environment)).toBe(before + 1);

    const history = await t.request({ method: 'GET', url: `${url}/versions` });
    expect(history.body.items.map((entry: { version: number }) => entry.version)).toEqual([1, 2, 3, 4, 5]);

    const audit = await t.request({
      method: 'GET',
      url: `/api/v1/audit?flag=${flag}&environment=${environment}&limit=1`,
    });
    expect(audit.body.items[0]).toMatchObject({
      action: 'flag-config.restore-version',
      actor: 'bob',
      reason: 'incident 42',
      before: { version: 4 },
      after: { version: 5 },
    });
  });

  it('refuses to configure an archived flag', async () => {
    const t = testApp();
    const { flag, put } = await setUp(t);
    await t.request({ method: 'POST', url: `/api/v1/flags/${flag}/archive` });
    const response = await put(booleanConfig());
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('UNVEIL_ERR_FLAG_ARCHIVED');
  });
});
