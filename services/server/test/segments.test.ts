import { describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag, snapshotVersion } from './support/fixtures.js';
import { uniqueKey, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

describe('segments', () => {
  it('creates, lists, gets, updates and deletes a segment, bumping the environment for visible changes', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const base = `/api/v1/environments/${environment}/segments`;
    const key = uniqueKey('seg');
    const start = await snapshotVersion(t, environment);

    const created = await t.request({
      method: 'POST',
      url: base,
      body: {
        key,
        name: 'Beta testers',
        included: ['u1'],
        rules: [
          {
            id: 'staff',
            conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ environment, key, included: ['u1'], excluded: [], version: 1 });
    expect(await snapshotVersion(t, environment)).toBe(start + 1);

    const list = await t.request({ method: 'GET', url: base });
    expect(list.body.items.map((segment: { key: string }) => segment.key)).toEqual([key]);

    const renamed = await t.request({
      method: 'PATCH',
      url: `${base}/${key}`,
      body: { name: 'Beta', expectedVersion: 1 },
    });
    expect(renamed.body).toMatchObject({ name: 'Beta', version: 2 });
    expect(await snapshotVersion(t, environment)).toBe(start + 1);

    const excluded = await t.request({ method: 'PATCH', url: `${base}/${key}`, body: { excluded: ['u2'] } });
    expect(excluded.body).toMatchObject({ excluded: ['u2'], version: 3 });
    expect(await snapshotVersion(t, environment)).toBe(start + 2);

    const snapshot = await t.app.services.snapshots.getSnapshot(environment);
    expect(snapshot.segments).toEqual([
      { key, included: ['u1'], excluded: ['u2'], rules: created.body.rules, version: 3 },
    ]);

    const deleted = await t.request({ method: 'DELETE', url: `${base}/${key}` });
    expect(deleted.status).toBe(204);
    expect(await snapshotVersion(t, environment)).toBe(start + 3);
    expect((await t.request({ method: 'GET', url: `${base}/${key}` })).status).toBe(404);
  });

  it('refuses to delete a segment a flag uses, and nested segments', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const flag = await createFlag(t);
    const base = `/api/v1/environments/${environment}/segments`;
    const key = uniqueKey('seg');
    await t.request({ method: 'POST', url: base, body: { key, name: 'S' } });
    const put = await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${environment}/flags/${flag}`,
      body: booleanConfig({
        rules: [
          {
            id: 'r',
            conditions: [{ attribute: 'key', operator: 'inSegment', values: [key] }],
            serve: { variant: 'on' },
          },
        ],
      }),
    });
    expect(put.status).toBe(200);

    const deleted = await t.request({ method: 'DELETE', url: `${base}/${key}` });
    expect(deleted.status).toBe(409);
    expect(deleted.body).toMatchObject({ code: 'UNVEIL_ERR_SEGMENT_IN_USE', flags: [flag] });

    const nested = await t.request({
      method: 'POST',
      url: base,
      body: {
        key: uniqueKey('seg'),
        name: 'N',
        rules: [{ id: 'r', conditions: [{ attribute: 'key', operator: 'inSegment', values: [key] }] }],
      },
    });
    expect(nested.status).toBe(422);
    expect(nested.body.errors[0].path).toBe('/body/rules/0/conditions/0/operator');
  });

  it('scopes segments to their environment', async () => {
    const t = testApp();
    const first = await createEnvironment(t);
    const second = await createEnvironment(t);
    const key = uniqueKey('seg');
    await t.request({
      method: 'POST',
      url: `/api/v1/environments/${first}/segments`,
      body: { key, name: 'S' },
    });
    const elsewhere = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${second}/segments/${key}`,
    });
    expect(elsewhere.status).toBe(404);
    const sameKey = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${second}/segments`,
      body: { key, name: 'S' },
    });
    expect(sameKey.status).toBe(201);
    const duplicate = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${second}/segments`,
      body: { key, name: 'S' },
    });
    expect(duplicate.status).toBe(409);
  });
});
