import { describe, expect, it } from 'vitest';
import { createEnvironment, createFlag, snapshotVersion } from './support/fixtures.js';
import { uniqueKey, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

describe('flags', () => {
  it('creates a boolean flag with default variants and a switched-off config in every environment', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const key = uniqueKey('flag');
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/flags',
      as: 'alice',
      body: { key, name: 'New checkout', type: 'boolean', tags: ['checkout'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key,
      type: 'boolean',
      variants: [
        { key: 'on', value: true },
        { key: 'off', value: false },
      ],
      tags: ['checkout'],
      owner: null,
      temporary: true,
      clientSide: false,
      archived: false,
      version: 1,
    });
    const config = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${environment}/flags/${key}`,
    });
    expect(config.body).toMatchObject({
      flag: key,
      environment,
      enabled: false,
      offVariant: 'off',
      fallthrough: { variant: 'on' },
      targets: [],
      rules: [],
      prerequisites: [],
      version: 1,
    });
  });

  it('gives an environment created later a config for every existing flag', async () => {
    const t = testApp();
    const flag = await createFlag(t);
    const environment = await createEnvironment(t);
    const config = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${environment}/flags/${flag}`,
    });
    expect(config.status).toBe(200);
    expect(config.body.enabled).toBe(false);
  });

  it('type-checks variant values against the flag type', async () => {
    const t = testApp();
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/flags',
      body: {
        key: uniqueKey('flag'),
        name: 'x',
        type: 'number',
        variants: [
          { key: 'a', value: 1 },
          { key: 'b', value: 'two' },
          { key: 'a', value: 3 },
        ],
      },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('UNVEIL_ERR_FLAG_INVALID');
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([
      '/body/variants/1/value',
      '/body/variants/2/key',
    ]);
  });

  it('requires variants for non-boolean flags', async () => {
    const t = testApp();
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/flags',
      body: { key: uniqueKey('flag'), name: 'x', type: 'string' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: '/body/variants', message: 'required unless the type is boolean' },
    ]);
  });

  it('lists with filters and cursor pagination', async () => {
    const t = testApp();
    const tag = uniqueKey('tag');
    const keys = [];
    for (let i = 0; i < 5; i++)
      keys.push(await createFlag(t, { tags: [tag], description: i === 2 ? 'Zebra stripes' : '' }));
    const archivedKey = await createFlag(t, { tags: [tag] });
    await t.request({ method: 'POST', url: `/api/v1/flags/${archivedKey}/archive` });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `tag=${tag}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await t.request({ method: 'GET', url: `/api/v1/flags?${query}` });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((flag: { key: string }) => flag.key));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...keys].sort());

    const text = await t.request({ method: 'GET', url: `/api/v1/flags?tag=${tag}&q=zEbRa` });
    expect(text.body.items.map((flag: { key: string }) => flag.key)).toEqual([keys[2]]);
    const archived = await t.request({ method: 'GET', url: `/api/v1/flags?tag=${tag}&archived=true` });
    expect(archived.body.items.map((flag: { key: string }) => flag.key)).toEqual([archivedKey]);
    const all = await t.request({ method: 'GET', url: `/api/v1/flags?tag=${tag}&archived=all&limit=200` });
    expect(all.body.items).toHaveLength(6);
  });

  it('updates the definition, bumping snapshots only when SDKs see the change', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const key = await createFlag(t);
    const start = await snapshotVersion(t, environment);

    const renamed = await t.request({
      method: 'PATCH',
      url: `/api/v1/flags/${key}`,
      headers: { 'if-match': '"1"' },
      body: { name: 'Renamed', owner: 'team-a' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', owner: 'team-a', version: 2 });
    expect(await snapshotVersion(t, environment)).toBe(start);

    const clientSide = await t.request({
      method: 'PATCH',
      url: `/api/v1/flags/${key}`,
      body: { clientSide: true },
    });
    expect(clientSide.body.version).toBe(3);
    expect(await snapshotVersion(t, environment)).toBe(start + 1);
  });

  it('refuses to remove a variant that a configuration still serves', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const key = await createFlag(t);
    const response = await t.request({
      method: 'PATCH',
      url: `/api/v1/flags/${key}`,
      body: { variants: [{ key: 'on', value: true }] },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toContainEqual({
      path: '/body/variants',
      message: `variant "off" is still served in ${environment}`,
    });
  });

  it('archives and unarchives; an archived flag leaves snapshots and refuses changes', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const key = await createFlag(t);
    const before = await snapshotVersion(t, environment);

    const archived = await t.request({
      method: 'POST',
      url: `/api/v1/flags/${key}/archive`,
      body: { reason: 'done' },
    });
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    expect(await snapshotVersion(t, environment)).toBe(before + 1);
    const snapshot = await t.app.services.snapshots.getSnapshot(environment);
    expect(snapshot.flags.map((flag) => flag.key)).not.toContain(key);

    const update = await t.request({ method: 'PATCH', url: `/api/v1/flags/${key}`, body: { name: 'x' } });
    expect(update.status).toBe(409);
    expect(update.body.code).toBe('UNVEIL_ERR_FLAG_ARCHIVED');

    const restored = await t.request({ method: 'POST', url: `/api/v1/flags/${key}/unarchive` });
    expect(restored.body.archived).toBe(false);
    expect(await snapshotVersion(t, environment)).toBe(before + 2);
  });

  it('refuses to archive a flag that another flag requires', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const required = await createFlag(t);
    const dependent = await createFlag(t);
    const put = await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${environment}/flags/${dependent}`,
      body: {
        enabled: true,
        offVariant: 'off',
        fallthrough: { variant: 'on' },
        prerequisites: [{ flag: required, variants: ['on'] }],
      },
    });
    expect(put.status).toBe(200);
    const archive = await t.request({ method: 'POST', url: `/api/v1/flags/${required}/archive` });
    expect(archive.status).toBe(409);
    expect(archive.body.code).toBe('UNVEIL_ERR_FLAG_IN_USE');
  });

  it('keeps a version history and restores version N as a new version', async () => {
    const t = testApp();
    const key = await createFlag(t, { description: 'first' });
    await t.request({ method: 'PATCH', url: `/api/v1/flags/${key}`, body: { description: 'second' } });
    await t.request({ method: 'PATCH', url: `/api/v1/flags/${key}`, body: { description: 'third' } });

    const restored = await t.request({
      method: 'POST',
      url: `/api/v1/flags/${key}/versions/1/restore`,
      headers: { 'x-unveil-reason': 'roll back copy' },
    });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ description: 'first', version: 4 });

    const history = await t.request({ method: 'GET', url: `/api/v1/flags/${key}/versions` });
    expect(history.body.items.map((entry: { version: number }) => entry.version)).toEqual([1, 2, 3, 4]);
    expect(history.body.items[3].definition.description).toBe('first');

    const missing = await t.request({ method: 'POST', url: `/api/v1/flags/${key}/versions/99/restore` });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('UNVEIL_ERR_VERSION_NOT_FOUND');
  });
});
