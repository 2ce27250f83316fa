import { expect } from 'vitest';
import { type TestApp, uniqueKey } from './test-app.js';

/** Creates an environment under a fresh key (or `body.key`) and returns the key. */
export async function createEnvironment(
  testApp: TestApp,
  body: Record<string, unknown> = {},
): Promise<string> {
  const key = typeof body.key === 'string' ? body.key : uniqueKey('env');
  const response = await testApp.request({
    method: 'POST',
    url: '/api/v1/environments',
    body: { key, name: key, ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return key;
}

/** Creates a flag (boolean unless told otherwise) under a fresh key and returns the key. */
export async function createFlag(testApp: TestApp, body: Record<string, unknown> = {}): Promise<string> {
  const key = uniqueKey('flag');
  const response = await testApp.request({
    method: 'POST',
    url: '/api/v1/flags',
    body: { key, name: key, type: 'boolean', ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return key;
}

export async function snapshotVersion(testApp: TestApp, environment: string): Promise<number> {
  return (await testApp.app.services.snapshots.getSnapshot(environment)).version;
}

/** A valid configuration of a default boolean flag (variants `on` and `off`). */
export function booleanConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' }, ...overrides };
}
