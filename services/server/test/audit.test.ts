import { describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

const testApp = useTestApp();

interface Entry {
  action: string;
  actor: string;
  resourceKey: string;
  at: string;
}

describe('audit log', () => {
  it('records every write with actor, reason, before and after, and filters by flag, environment, actor and time', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const flag = await createFlag(t);
    t.clock.advance(60_000);
    const middle = t.clock.now().toISOString();
    await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${environment}/flags/${flag}`,
      as: 'carol',
      body: booleanConfig({ reason: 'launch' }),
    });
    t.clock.advance(60_000);
    await t.request({
      method: 'PATCH',
      url: `/api/v1/flags/${flag}`,
      as: 'dave',
      headers: { 'x-unveil-reason': 'typo' },
      body: { name: 'Fixed' },
    });

    const byFlag = await t.request({ method: 'GET', url: `/api/v1/audit?flag=${flag}` });
    expect(byFlag.body.items.map((entry: Entry) => [entry.action, entry.actor])).toEqual([
      ['flag.update', 'dave'],
      ['flag-config.update', 'carol'],
      ['flag.create', 'bootstrap-admin'],
    ]);
    expect(byFlag.body.items[0]).toMatchObject({
      reason: 'typo',
      before: { name: flag },
      after: { name: 'Fixed' },
    });
    expect(byFlag.body.items[1]).toMatchObject({
      reason: 'launch',
      environmentKey: environment,
      before: { config: { enabled: false } },
      after: { config: { enabled: true } },
    });

    const byActor = await t.request({ method: 'GET', url: '/api/v1/audit?actor=carol' });
    expect(byActor.body.items.map((entry: Entry) => entry.action)).toEqual(['flag-config.update']);

    const byEnvironment = await t.request({ method: 'GET', url: `/api/v1/audit?environment=${environment}` });
    expect(byEnvironment.body.items.map((entry: Entry) => entry.action)).toEqual([
      'flag-config.update',
      'environment.create',
    ]);

    const to = new Date(Date.parse(middle) + 1).toISOString();
    const window = await t.request({
      method: 'GET',
      url: `/api/v1/audit?flag=${flag}&from=${middle}&to=${to}`,
    });
    expect(window.body.items.map((entry: Entry) => entry.action)).toEqual(['flag-config.update']);
  });

  it('pages newest first with a cursor', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    for (let i = 0; i < 5; i++) {
      await t.request({
        method: 'PATCH',
        url: `/api/v1/environments/${environment}`,
        body: { name: `n${i}` },
      });
    }
    const first = await t.request({ method: 'GET', url: `/api/v1/audit?environment=${environment}&limit=4` });
    expect(first.body.items).toHaveLength(4);
    const second = await t.request({
      method: 'GET',
      url: `/api/v1/audit?environment=${environment}&limit=4&before=${first.body.nextCursor}`,
    });
    expect(second.body.items.map((entry: Entry) => entry.action)).toEqual([
      'environment.update',
      'environment.create',
    ]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses a time range that ends before it starts', async () => {
    const response = await testApp().request({
      method: 'GET',
      url: '/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe('/query/from');
  });
});

describe('audit log for keys limited to some environments', () => {
  it('leaves out entries of environments the key may not see', async () => {
    const t = testApp();
    const mine = await createEnvironment(t);
    const other = await createEnvironment(t);
    const flag = await createFlag(t);
    for (const environment of [mine, other]) {
      await t.request({
        method: 'PUT',
        url: `/api/v1/environments/${environment}/flags/${flag}`,
        body: booleanConfig(),
      });
    }
    const limitedKey = await t.createKey({
      kind: 'admin',
      name: `viewer-${mine}`,
      role: 'viewer',
      environments: [mine],
    });
    const seen = await t.request({
      method: 'GET',
      url: `/api/v1/audit?flag=${flag}`,
      headers: { authorization: `Bearer ${limitedKey}` },
    });
    expect(seen.status).toBe(200);
    const environments = seen.body.items.map(
      (entry: { environmentKey: string | null }) => entry.environmentKey,
    );
    expect(environments).toContain(mine);
    expect(environments).toContain(null); // the flag's own creation belongs to no environment
    expect(environments).not.toContain(other);
  });
});
