import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys } from '../src/db/schema.js';
import { createEnvironment } from './support/fixtures.js';
import { uniqueKey, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

describe('API keys', () => {
  it('shows a key once with its prefix, stores only its hash, and lists it without the key', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const name = uniqueKey('ci');
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/keys',
      body: { kind: 'server', name, environment },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^unv_srv_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ name, kind: 'server', environmentKey: environment, role: null });
    expect(created.body.displayPrefix).toBe(created.body.key.slice(0, 12));

    const [stored] = await t.db.transaction((tx) => tx.select().from(apiKeys).where(eq(apiKeys.name, name)));
    expect(stored!.keyHash).toBe(createHash('sha256').update(created.body.key).digest('hex'));

    const list = await t.request({ method: 'GET', url: '/api/v1/keys' });
    const listed = list.body.items.find((key: { name: string }) => key.name === name);
    expect(listed).toMatchObject({ id: created.body.id, displayPrefix: created.body.displayPrefix });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(JSON.stringify(list.body)).not.toContain(stored!.keyHash);

    const client = await t.request({
      method: 'POST',
      url: '/api/v1/keys',
      body: { kind: 'client', name: uniqueKey('web'), environment },
    });
    expect(client.body.key).toMatch(/^unv_cli_/);
    const admin = await t.request({
      method: 'POST',
      url: '/api/v1/keys',
      body: { kind: 'admin', name: uniqueKey('ops'), role: 'viewer' },
    });
    expect(admin.body).toMatchObject({ role: 'viewer', environments: null });
    expect(admin.body.key).toMatch(/^unv_adm_/);
  });

  it('records the key name as the actor and stops accepting a revoked key', async () => {
    const t = testApp();
    const name = uniqueKey('erin');
    const { key } = await t.app.services.keys.create(
      { kind: 'admin', name, role: 'admin', environments: null },
      { actor: 'test' },
    );
    const headers = { authorization: `Bearer ${key}` };
    const environment = uniqueKey('env');
    await t.request({
      method: 'POST',
      url: '/api/v1/environments',
      headers,
      body: { key: environment, name: 'E' },
    });
    const audit = await t.request({ method: 'GET', url: `/api/v1/audit?environment=${environment}` });
    expect(audit.body.items[0].actor).toBe(name);

    const id = (await t.app.services.keys.authenticate(key))!.id;
    const revoked = await t.request({
      method: 'POST',
      url: `/api/v1/keys/${id}/revoke`,
      body: { reason: 'left' },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await t.request({ method: 'GET', url: '/api/v1/environments', headers });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNVEIL_ERR_AUTH_INVALID');
  });

  it('refuses duplicate names, unknown environments and unknown ids', async () => {
    const t = testApp();
    const name = uniqueKey('dup');
    await t.request({ method: 'POST', url: '/api/v1/keys', body: { kind: 'admin', name, role: 'viewer' } });
    const duplicate = await t.request({
      method: 'POST',
      url: '/api/v1/keys',
      body: { kind: 'admin', name, role: 'viewer' },
    });
    expect(duplicate.body.code).toBe('UNVEIL_ERR_KEY_EXISTS');
    const unknown = await t.request({
      method: 'POST',
      url: '/api/v1/keys',
      body: { kind: 'admin', name: uniqueKey('x'), role: 'developer', environments: ['nowhere'] },
    });
    expect(unknown.body.code).toBe('UNVEIL_ERR_ENV_NOT_FOUND');
    const badRole = await t.request({
      method: 'POST',
      url: '/api/v1/keys',
      body: { kind: 'admin', name: uniqueKey('x'), role: 'owner' },
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors[0].path).toBe('/body/role');
    const missing = await t.request({ method: 'POST', url: '/api/v1/keys/0123456789abcdef/revoke' });
    expect(missing.body.code).toBe('UNVEIL_ERR_KEY_NOT_FOUND');
  });
});
