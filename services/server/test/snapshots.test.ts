import { BUCKETING_VERSION, type Snapshot, validateSnapshot } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag } from './support/fixtures.js';
import { uniqueKey, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

describe('snapshots', () => {
  it("produces core's Snapshot: each flag's definition merged with this environment's config", async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const other = await createEnvironment(t);
    const segment = uniqueKey('seg');
    await t.request({
      method: 'POST',
      url: `/api/v1/environments/${environment}/segments`,
      body: { key: segment, name: 'S', included: ['u1'] },
    });
    const flag = await createFlag(t, {
      type: 'string',
      clientSide: true,
      variants: [
        { key: 'blue', value: 'blue' },
        { key: 'green', value: 'green' },
      ],
    });
    const config = {
      enabled: true,
      offVariant: 'blue',
      targets: [{ variant: 'green', keys: ['vip'] }],
      rules: [
        {
          id: 'seg',
          conditions: [{ attribute: 'key', operator: 'inSegment', values: [segment] }],
          serve: { variant: 'green' },
        },
      ],
      fallthrough: {
        rollout: {
          bucketBy: 'org',
          variants: [
            { variant: 'blue', weight: 60_000 },
            { variant: 'green', weight: 40_000 },
          ],
        },
      },
      prerequisites: [],
    };
    await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${environment}/flags/${flag}`,
      body: config,
    });
    await t.request({ method: 'PATCH', url: `/api/v1/flags/${flag}`, body: { name: 'Colour' } });

    const snapshot: Snapshot = await t.app.services.snapshots.getSnapshot(environment);
    expect(snapshot).toMatchObject({ environment, bucketingVersion: BUCKETING_VERSION });
    expect(snapshot.flags).toEqual([
      {
        key: flag,
        type: 'string',
        variants: [
          { key: 'blue', value: 'blue' },
          { key: 'green', value: 'green' },
        ],
        ...config,
        clientSide: true,
        // definition version 2 + config version 2 - 1
        version: 3,
      },
    ]);
    expect(snapshot.segments).toEqual([
      { key: segment, included: ['u1'], excluded: [], rules: [], version: 1 },
    ]);
    expect(validateSnapshot(snapshot)).toEqual([]);

    const untouched = await t.app.services.snapshots.getSnapshot(other);
    expect(untouched.flags[0]).toMatchObject({ key: flag, enabled: false, offVariant: 'blue', version: 2 });
    expect(untouched.segments).toEqual([]);
  });

  it('answers 404 for an unknown environment', async () => {
    const t = testApp();
    await expect(t.app.services.snapshots.getSnapshot('nope')).rejects.toMatchObject({
      code: 'UNVEIL_ERR_ENV_NOT_FOUND',
    });
  });

  it('bumps the environment version exactly once per visible change and never for invisible ones', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const version = () =>
      t.app.services.snapshots.getSnapshot(environment).then((snapshot) => snapshot.version);
    const steps: [string, () => Promise<unknown>, number][] = [];
    let flag = '';
    steps.push(['create flag', async () => (flag = await createFlag(t)), 1]);
    steps.push([
      'rename flag',
      () => t.request({ method: 'PATCH', url: `/api/v1/flags/${flag}`, body: { name: 'n' } }),
      0,
    ]);
    steps.push([
      'enable flag',
      () =>
        t.request({
          method: 'PUT',
          url: `/api/v1/environments/${environment}/flags/${flag}`,
          body: booleanConfig(),
        }),
      1,
    ]);
    steps.push([
      'same config again',
      () =>
        t.request({
          method: 'PUT',
          url: `/api/v1/environments/${environment}/flags/${flag}`,
          body: booleanConfig(),
        }),
      0,
    ]);
    steps.push([
      'rename environment',
      () => t.request({ method: 'PATCH', url: `/api/v1/environments/${environment}`, body: { name: 'x' } }),
      0,
    ]);
    steps.push([
      'conflicting write',
      () =>
        t.request({
          method: 'PUT',
          url: `/api/v1/environments/${environment}/flags/${flag}`,
          body: booleanConfig({ enabled: false, expectedVersion: 1 }),
        }),
      0,
    ]);
    steps.push([
      'archive flag',
      () => t.request({ method: 'POST', url: `/api/v1/flags/${flag}/archive` }),
      1,
    ]);

    for (const [name, step, bump] of steps) {
      const before = await version();
      await step();
      expect(await version(), name).toBe(before + bump);
    }
  });
});
