import { expect } from 'vitest';
import type { StoredFlagConfig } from '../../src/features/flag-configs/flag-config.js';
import type { AdminRole } from '../../src/features/keys/roles.js';
import { createEnvironment, createFlag } from './fixtures.js';
import { type JsonResponse, type TestApp, uniqueKey } from './test-app.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Headers that authenticate as a fresh admin key with `role` (named after it, so audits show who). */
export async function as(
  testApp: TestApp,
  role: AdminRole,
  name = uniqueKey(role),
): Promise<Record<string, string>> {
  const key = await testApp.createKey({ kind: 'admin', name, role, environments: null });
  return { authorization: `Bearer ${key}` };
}

/** An environment with `count` boolean flags, for a release to package. */
export async function releaseFixture(
  testApp: TestApp,
  count = 2,
  environment: Record<string, unknown> = {},
): Promise<{ env: string; flags: string[] }> {
  const env = await createEnvironment(testApp, environment);
  const flags: string[] = [];
  for (let i = 0; i < count; i++) flags.push(await createFlag(testApp));
  return { env, flags };
}

/** Creates a release whose components release `on` of each flag; `plan` and the rest from `body`. */
export async function createRelease(
  testApp: TestApp,
  env: string,
  flags: readonly string[],
  body: Record<string, unknown>,
): Promise<string> {
  const key = uniqueKey('rel');
  const response = await testApp.request({
    method: 'POST',
    url: `/api/v1/environments/${env}/releases`,
    body: {
      key,
      name: `Release ${key}`,
      components: flags.map((flag) => ({ flag, variant: 'on' })),
      ...body,
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return key;
}

export function releaseAction(
  testApp: TestApp,
  env: string,
  key: string,
  action: string,
  body: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<JsonResponse> {
  return testApp.request({
    method: 'POST',
    url: `/api/v1/environments/${env}/releases/${key}/${action}`,
    body,
    ...(headers === undefined ? {} : { headers }),
  });
}

export async function getRelease(testApp: TestApp, env: string, key: string) {
  const response = await testApp.request({
    method: 'GET',
    url: `/api/v1/environments/${env}/releases/${key}`,
  });
  expect(response.status).toBe(200);
  return response.body;
}

export async function configOf(
  testApp: TestApp,
  env: string,
  flag: string,
): Promise<StoredFlagConfig & { version: number }> {
  const response = await testApp.request({ method: 'GET', url: `/api/v1/environments/${env}/flags/${flag}` });
  expect(response.status).toBe(200);
  const { flag: _flag, environment: _environment, updatedAt: _updatedAt, ...config } = response.body;
  return config;
}

/** The release's rule in a configuration, if any. */
export function releaseRule(config: StoredFlagConfig, release: string) {
  return config.rules.find((rule) => rule.id === `release.${release}`);
}

/** The percent a configuration's release rule exposes (undefined without the rule). */
export function exposedPercent(config: StoredFlagConfig, release: string): number | undefined {
  const weight = releaseRule(config, release)?.serve.rollout?.variants[0]?.weight;
  return weight === undefined ? undefined : weight / 1000;
}
