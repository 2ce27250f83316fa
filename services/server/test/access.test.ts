import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminRole } from '../src/features/keys/roles.js';
import { useTestApp } from './support/test-app.js';

const testApp = useTestApp();

const EVERYONE: AdminRole[] = ['admin', 'release-manager', 'product-owner', 'developer', 'viewer'];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const CONFIG_WRITERS: AdminRole[] = ['admin', 'release-manager', 'product-owner', 'developer'];
const RELEASE_MANAGERS: AdminRole[] = ['admin', 'release-manager'];
const AUDIENCE_OWNERS: AdminRole[] = ['admin', 'release-manager', 'product-owner'];
const everywhere = (roles: AdminRole[]) => ({ open: roles, locked: roles });
/** Release authoring and operation: developers too, outside protected environments. */
const releaseRoles = { open: [...RELEASE_MANAGERS, 'developer'] as AdminRole[], locked: RELEASE_MANAGERS };

/**
 * The policy, route by route: which roles may call it. Environment routes list the roles allowed in an
 * ordinary environment and in a protected one. Writes send a body the schema rejects, so an allowed call
 * answers 400 without changing anything and a refused one answers 403.
 */
const GLOBAL_ROUTES: [Method, string, AdminRole[]][] = [
  ['GET', '/api/v1/environments', EVERYONE],
  ['POST', '/api/v1/environments', ['admin']],
  ['GET', '/api/v1/flags', EVERYONE],
  ['POST', '/api/v1/flags', ['admin', 'release-manager', 'developer']],
  ['GET', '/api/v1/flags/{flag}', EVERYONE],
  ['PATCH', '/api/v1/flags/{flag}', ['admin', 'release-manager', 'developer']],
  ['POST', '/api/v1/flags/{flag}/archive', ['admin', 'release-manager']],
  ['POST', '/api/v1/flags/{flag}/unarchive', ['admin', 'release-manager']],
  ['GET', '/api/v1/flags/{flag}/versions', EVERYONE],
  ['POST', '/api/v1/flags/{flag}/versions/{version}/restore', ['admin', 'release-manager', 'developer']],
  ['GET', '/api/v1/audit', EVERYONE],
  ['GET', '/api/v1/keys', ['admin']],
  ['POST', '/api/v1/keys', ['admin']],
  ['POST', '/api/v1/keys/{id}/revoke', ['admin']],
];

const ENVIRONMENT_ROUTES: [Method, string, { open: AdminRole[]; locked: AdminRole[] }][] = [
  ['GET', '/api/v1/environments/{env}', { open: EVERYONE, locked: EVERYONE }],
  ['PATCH', '/api/v1/environments/{env}', { open: ['admin'], locked: ['admin'] }],
  ['GET', '/api/v1/environments/{env}/flags/{flag}', { open: EVERYONE, locked: EVERYONE }],
  ['GET', '/api/v1/environments/{env}/delivery', { open: EVERYONE, locked: EVERYONE }],
  ['GET', '/api/v1/environments/{env}/flags/{flag}/usage', { open: EVERYONE, locked: EVERYONE }],
  [
    'PUT',
    '/api/v1/environments/{env}/flags/{flag}',
    // In a protected environment the change becomes a change request, so the same roles may send it.
    { open: CONFIG_WRITERS, locked: CONFIG_WRITERS },
  ],
  ['GET', '/api/v1/environments/{env}/flags/{flag}/versions', { open: EVERYONE, locked: EVERYONE }],
  [
    'POST',
    '/api/v1/environments/{env}/flags/{flag}/versions/{version}/restore',
    // In a protected environment the change becomes a change request, so the same roles may send it.
    { open: CONFIG_WRITERS, locked: CONFIG_WRITERS },
  ],
  ['GET', '/api/v1/environments/{env}/segments', { open: EVERYONE, locked: EVERYONE }],
  [
    'POST',
    '/api/v1/environments/{env}/segments',
    {
      open: ['admin', 'release-manager', 'product-owner', 'developer'],
      locked: ['admin', 'release-manager', 'product-owner'],
    },
  ],
  ['GET', '/api/v1/environments/{env}/segments/{segment}', { open: EVERYONE, locked: EVERYONE }],
  [
    'PATCH',
    '/api/v1/environments/{env}/segments/{segment}',
    {
      open: ['admin', 'release-manager', 'product-owner', 'developer'],
      locked: ['admin', 'release-manager', 'product-owner'],
    },
  ],
  [
    'DELETE',
    '/api/v1/environments/{env}/segments/{segment}',
    {
      open: ['admin', 'release-manager', 'product-owner', 'developer'],
      locked: ['admin', 'release-manager', 'product-owner'],
    },
  ],
  ['PUT', '/api/v1/environments/{env}/flags/{flag}/audiences/{segment}', everywhere(AUDIENCE_OWNERS)],
  ['DELETE', '/api/v1/environments/{env}/flags/{flag}/audiences/{segment}', everywhere(AUDIENCE_OWNERS)],
  ['GET', '/api/v1/environments/{env}/releases', everywhere(EVERYONE)],
  ['POST', '/api/v1/environments/{env}/releases', releaseRoles],
  ['GET', '/api/v1/environments/{env}/releases/{release}', everywhere(EVERYONE)],
  ['PUT', '/api/v1/environments/{env}/releases/{release}', releaseRoles],
  ['POST', '/api/v1/environments/{env}/releases/{release}/schedule', releaseRoles],
  ['POST', '/api/v1/environments/{env}/releases/{release}/pause', releaseRoles],
  ['POST', '/api/v1/environments/{env}/releases/{release}/resume', releaseRoles],
  ['POST', '/api/v1/environments/{env}/releases/{release}/cancel', releaseRoles],
  ['POST', '/api/v1/environments/{env}/releases/{release}/rollback', releaseRoles],
  ['POST', '/api/v1/environments/{env}/releases/{release}/advance', releaseRoles],
  ['PUT', '/api/v1/environments/{env}/releases/{release}/audiences/{segment}', everywhere(AUDIENCE_OWNERS)],
  [
    'DELETE',
    '/api/v1/environments/{env}/releases/{release}/audiences/{segment}',
    everywhere(AUDIENCE_OWNERS),
  ],
  ['GET', '/api/v1/environments/{env}/releases/{release}/preview', everywhere(EVERYONE)],
  ['GET', '/api/v1/environments/{env}/releases/{release}/record', everywhere(EVERYONE)],
  ['GET', '/api/v1/environments/{env}/calendar', everywhere(EVERYONE)],
  ['GET', '/api/v1/environments/{env}/calendar.ics', everywhere(EVERYONE)],
  ['GET', '/api/v1/environments/{env}/freezes', everywhere(EVERYONE)],
  ['POST', '/api/v1/environments/{env}/freezes', everywhere(RELEASE_MANAGERS)],
  ['DELETE', '/api/v1/environments/{env}/freezes/{freeze}', everywhere(RELEASE_MANAGERS)],
  ['GET', '/api/v1/environments/{env}/change-requests', everywhere(EVERYONE)],
  ['GET', '/api/v1/environments/{env}/change-requests/{id}', everywhere(EVERYONE)],
  ['POST', '/api/v1/environments/{env}/change-requests/{id}/approve', everywhere(RELEASE_MANAGERS)],
  ['POST', '/api/v1/environments/{env}/change-requests/{id}/reject', everywhere(RELEASE_MANAGERS)],
];

const OPEN = 'open';
const LOCKED = 'locked';

function concrete(template: string, environment = OPEN): string {
  return template
    .replace('{env}', environment)
    .replace('{flag}', 'checkout')
    .replace('{segment}', 'beta')
    .replace('{release}', 'launch')
    .replace('{freeze}', 'holidays')
    .replace('{version}', '1')
    .replace('{id}', '0123456789abcdef');
}

describe('access control, every route against every role', () => {
  const keys = new Map<string, string>();

  beforeAll(async () => {
    const t = testApp();
    for (const [key, isProtected] of [
      [OPEN, false],
      [LOCKED, true],
    ] as const) {
      await t.request({
        method: 'POST',
        url: '/api/v1/environments',
        body: { key, name: key, protected: isProtected },
      });
      await t.request({
        method: 'POST',
        url: `/api/v1/environments/${key}/segments`,
        body: { key: 'beta', name: 'Beta' },
      });
    }
    await t.request({
      method: 'POST',
      url: '/api/v1/flags',
      body: { key: 'checkout', name: 'Checkout', type: 'boolean' },
    });
    for (const role of EVERYONE) {
      keys.set(role, await t.createKey({ kind: 'admin', name: role, role, environments: null }));
    }
    keys.set(
      'developer@open',
      await t.createKey({ kind: 'admin', name: 'developer-open', role: 'developer', environments: [OPEN] }),
    );
    keys.set('server', await t.createKey({ kind: 'server', name: 'sdk-server', environment: OPEN }));
    keys.set('client', await t.createKey({ kind: 'client', name: 'sdk-client', environment: OPEN }));
  });

  async function call(method: Method, url: string, key: string | undefined) {
    const response = await testApp().app.inject({
      method,
      url,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      },
      ...(method === 'GET' ? {} : { payload: JSON.stringify({ notAField: true }) }),
    });
    // Successful reads may answer other types (the iCalendar feed); refusals are always problem+json.
    const json = response.headers['content-type']?.toString().includes('json') === true;
    return {
      status: response.statusCode,
      code: json ? (response.json().code as string | undefined) : undefined,
    };
  }

  function expectAllowed(
    response: { status: number; code?: string | undefined },
    allowed: boolean,
    what: string,
  ) {
    if (allowed) expect([401, 403], what).not.toContain(response.status);
    else expect(response, what).toMatchObject({ status: 403, code: 'UNVEIL_ERR_AUTH_FORBIDDEN' });
  }

  it('lists every admin route in the policy table', async () => {
    const { body } = await testApp().request({ method: 'GET', url: '/api/v1/openapi.json' });
    const registered = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const inTable = [...GLOBAL_ROUTES, ...ENVIRONMENT_ROUTES].map(([method, path]) => `${method} ${path}`);
    const admin = registered.filter(
      (route) => route.startsWith('GET /api/v1/openapi') === false && route.includes('/api/v1/'),
    );
    expect(inTable.sort()).toEqual(admin.sort());
  });

  it.each(GLOBAL_ROUTES)('%s %s', async (method, template, allowed) => {
    const url = concrete(template);
    for (const role of EVERYONE) {
      expectAllowed(
        await call(method, url, keys.get(role)),
        allowed.includes(role),
        `${role} ${method} ${url}`,
      );
    }
    const limitedMayCall = method === 'GET' && allowed.includes('developer');
    expectAllowed(
      await call(method, url, keys.get('developer@open')),
      limitedMayCall,
      `developer@open ${method} ${url}`,
    );
  });

  it.each(ENVIRONMENT_ROUTES)('%s %s', async (method, template, allowed) => {
    for (const environment of [OPEN, LOCKED] as const) {
      const url = concrete(template, environment);
      const roles = environment === OPEN ? allowed.open : allowed.locked;
      for (const role of EVERYONE) {
        expectAllowed(
          await call(method, url, keys.get(role)),
          roles.includes(role),
          `${role} ${method} ${url}`,
        );
      }
      const limitedMayCall = environment === OPEN && allowed.open.includes('developer');
      expectAllowed(
        await call(method, url, keys.get('developer@open')),
        limitedMayCall,
        `developer@open ${method} ${url}`,
      );
    }
  });

  it('refuses SDK keys, missing keys and unknown keys on every admin route', async () => {
    for (const [method, template] of [...GLOBAL_ROUTES, ...ENVIRONMENT_ROUTES]) {
      const url = concrete(template);
      for (const kind of ['server', 'client']) {
        expect(await call(method, url, keys.get(kind)), `${kind} ${method} ${url}`).toMatchObject({
          status: 403,
          code: 'UNVEIL_ERR_AUTH_FORBIDDEN',
        });
      }
      expect(await call(method, url, undefined)).toMatchObject({
        status: 401,
        code: 'UNVEIL_ERR_AUTH_MISSING',
      });
      expect(await call(method, url, 'unv_adm_not-a-real-key')).toMatchObject({
        status: 401,
        code: 'UNVEIL_ERR_AUTH_INVALID',
      });
    }
  });

  it('keeps health and the OpenAPI document public', async () => {
    for (const url of ['/healthz', '/readyz', '/api/v1/openapi.json']) {
      expect((await call('GET', url, undefined)).status, url).toBe(200);
    }
  });

  it('serves a browsable API reference that reads the OpenAPI document', async () => {
    const response = await testApp().app.inject({ method: 'GET', url: '/api/v1/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain("fetch('openapi.json')");
  });
});
