import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_KEY_NAME } from '../src/features/keys/keys-service.js';
import { useTestApp } from './support/test-app.js';

// A file of its own: replacing the bootstrap key invalidates the key the test helpers send.
const testApp = useTestApp();

describe('bootstrap admin key', () => {
  it('bootstraps: generates an admin key only when none is active, and adopts UNVEIL_ADMIN_KEY', async () => {
    const t = testApp();
    const keys = t.app.services.keys;
    expect(await keys.ensureBootstrapKey(undefined)).toBeUndefined();

    const configured = `unv_adm_${'x'.repeat(40)}`;
    expect(await keys.ensureBootstrapKey(configured)).toBeUndefined();
    expect(await keys.authenticate(configured)).toMatchObject({ name: BOOTSTRAP_KEY_NAME, role: 'admin' });
    // The earlier bootstrap key was replaced, not kept beside the configured one.
    expect(await keys.authenticate(t.adminKey)).toBeUndefined();
    expect(await keys.ensureBootstrapKey(configured)).toBeUndefined();

    const audit = await t.request({
      method: 'GET',
      url: '/api/v1/audit?actor=system',
      headers: { authorization: `Bearer ${configured}` },
    });
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual([
      'api-key.bootstrap',
      'api-key.bootstrap',
    ]);
  });
});
