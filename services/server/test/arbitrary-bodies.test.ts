import { OPERATORS, validateSnapshot } from '@unveil/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment, createFlag } from './support/fixtures.js';
import { uniqueKey, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

/** Field names the write routes know, so generated objects reach past "unknown field" into deeper checks. */
const knownFields = [
  'key',
  'name',
  'description',
  'type',
  'variants',
  'value',
  'tags',
  'owner',
  'temporary',
  'clientSide',
  'protected',
  'enabled',
  'offVariant',
  'targets',
  'rules',
  'fallthrough',
  'prerequisites',
  'rollout',
  'variant',
  'weight',
  'conditions',
  'attribute',
  'operator',
  'values',
  'included',
  'excluded',
  'expectedVersion',
  'reason',
] as const;

const plausibleObject = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      'on',
      'off',
      'boolean',
      'string',
      'inSegment',
      'matches',
      'semverLt',
      100_000,
      0,
      -1,
      true,
    ),
    fc.array(tie('object'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.constantFrom(...knownFields), tie('value'), { maxKeys: 6 }),
}));

const body = fc.oneof(
  fc.jsonValue(),
  plausibleObject.object,
  fc.string().map((text) => ({ raw: text })),
);

describe('arbitrary bodies on every write route', () => {
  let environment = '';
  let flag = '';
  let otherFlag = '';
  let segment = '';
  let routes: { method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string }[] = [];

  beforeAll(async () => {
    const t = testApp();
    environment = await createEnvironment(t);
    flag = await createFlag(t);
    otherFlag = await createFlag(t);
    segment = uniqueKey('seg');
    await t.request({
      method: 'POST',
      url: `/api/v1/environments/${environment}/segments`,
      body: { key: segment, name: 'S' },
    });
    routes = [
      { method: 'POST', url: '/api/v1/environments' },
      { method: 'PATCH', url: `/api/v1/environments/${environment}` },
      { method: 'POST', url: '/api/v1/flags' },
      { method: 'PATCH', url: `/api/v1/flags/${flag}` },
      { method: 'POST', url: `/api/v1/flags/${flag}/versions/1/restore` },
      { method: 'PUT', url: `/api/v1/environments/${environment}/flags/${flag}` },
      { method: 'POST', url: `/api/v1/environments/${environment}/flags/${flag}/versions/1/restore` },
      { method: 'POST', url: `/api/v1/environments/${environment}/segments` },
      { method: 'PATCH', url: `/api/v1/environments/${environment}/segments/${segment}` },
    ];
  });

  it('never answers 5xx, and every error is problem+json', async () => {
    const { app, adminKey } = testApp();
    await fc.assert(
      fc.asyncProperty(fc.nat(), body, async (routeIndex, generated) => {
        const route = routes[routeIndex % routes.length]!;
        const payload =
          typeof generated === 'object' &&
          generated !== null &&
          'raw' in generated &&
          typeof generated.raw === 'string'
            ? generated.raw
            : JSON.stringify(generated);
        const response = await app.inject({
          method: route.method,
          url: route.url,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          payload,
        });
        expect(response.statusCode, `${route.method} ${route.url} ${payload}`).toBeLessThan(500);
        if (response.statusCode >= 400)
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: 400 },
    );
  });

  it('answers near-valid configurations with 200 or 422, and stores only what SDKs can compile', async () => {
    const { app, request } = testApp();
    const variant = fc.constantFrom('on', 'off', 'gone');
    const serve = fc.oneof(
      variant.map((key) => ({ variant: key })),
      fc
        .array(fc.record({ variant, weight: fc.integer({ min: 0, max: 100_000 }) }), {
          minLength: 1,
          maxLength: 3,
        })
        .map((variants) => ({ rollout: { variants } })),
    );
    const condition = fc.record({
      attribute: fc.constantFrom('key', 'email', 'version', '/address/city'),
      operator: fc.constantFrom(...OPERATORS),
      values: fc.array(
        fc.oneof(
          fc.constantFrom(segment, 'nope', '1.2.3', '2026-01-01T00:00:00Z', '(a+)+$'),
          fc.integer(),
          fc.boolean(),
        ),
        {
          maxLength: 3,
        },
      ),
    });
    const config = fc.record({
      enabled: fc.boolean(),
      offVariant: variant,
      targets: fc.array(
        fc.record({ variant, keys: fc.array(fc.constantFrom('u1', 'u2'), { maxLength: 2 }) }),
        { maxLength: 2 },
      ),
      rules: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom('r1', 'r2', 'r3'),
          conditions: fc.array(condition, { maxLength: 3 }),
          serve,
        }),
        { maxLength: 3, selector: (rule) => rule.id },
      ),
      fallthrough: serve,
      prerequisites: fc.array(
        fc.record({
          flag: fc.constantFrom(flag, otherFlag, 'nope'),
          variants: fc.array(variant, { minLength: 1, maxLength: 2 }),
        }),
        {
          maxLength: 2,
        },
      ),
    });
    await fc.assert(
      fc.asyncProperty(config, async (body) => {
        const response = await request({
          method: 'PUT',
          url: `/api/v1/environments/${environment}/flags/${flag}`,
          body,
        });
        expect([200, 422], JSON.stringify({ body, response: response.body })).toContain(response.status);
        if (response.status === 200) {
          expect(validateSnapshot(await app.services.snapshots.getSnapshot(environment))).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
