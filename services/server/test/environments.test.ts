import { describe, expect, it } from 'vitest';
import { uniqueKey, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

describe('environments', () => {
  it('creates, lists, gets and updates an environment', async () => {
    const { request } = testApp();
    const key = uniqueKey('env');
    const created = await request({
      method: 'POST',
      url: '/api/v1/environments',
      body: { key, name: 'Staging' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key,
      name: 'Staging',
      protected: false,
      version: 1,
      snapshotVersion: 1,
    });
    expect(created.headers.etag).toBe('"1"');

    const list = await request({ method: 'GET', url: '/api/v1/environments' });
    expect(list.body.items.map((environment: { key: string }) => environment.key)).toContain(key);

    const updated = await request({
      method: 'PATCH',
      url: `/api/v1/environments/${key}`,
      headers: { 'if-match': '"1"' },
      body: { protected: true },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      key,
      name: 'Staging',
      protected: true,
      version: 2,
      snapshotVersion: 1,
    });

    const fetched = await request({ method: 'GET', url: `/api/v1/environments/${key}` });
    expect(fetched.body).toEqual(updated.body);
  });

  it('rejects a duplicate key with 409 and an unknown one with 404', async () => {
    const { request } = testApp();
    const key = uniqueKey('env');
    await request({ method: 'POST', url: '/api/v1/environments', body: { key, name: 'A' } });
    const duplicate = await request({
      method: 'POST',
      url: '/api/v1/environments',
      body: { key, name: 'B' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('UNVEIL_ERR_ENV_EXISTS');
    const missing = await request({ method: 'GET', url: '/api/v1/environments/nope' });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, code: 'UNVEIL_ERR_ENV_NOT_FOUND' });
  });

  it('answers a stale If-Match with 409 and the current version', async () => {
    const { request } = testApp();
    const key = uniqueKey('env');
    await request({ method: 'POST', url: '/api/v1/environments', body: { key, name: 'A' } });
    await request({
      method: 'PATCH',
      url: `/api/v1/environments/${key}`,
      body: { name: 'B', expectedVersion: 1 },
    });
    const stale = await request({
      method: 'PATCH',
      url: `/api/v1/environments/${key}`,
      body: { name: 'C', expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'UNVEIL_ERR_VERSION_CONFLICT', currentVersion: 2 });
  });

  it('names the failing fields of a bad body', async () => {
    const { request } = testApp();
    const response = await request({
      method: 'POST',
      url: '/api/v1/environments',
      body: { key: 'Not A Key', name: 7, colour: 'red' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('UNVEIL_ERR_VALIDATION_FAILED');
    const paths = response.body.errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['/body/key', '/body/name', '/body']));
  });
});
