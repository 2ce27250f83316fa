import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { UnveilError } from '../../errors.js';
import type { EnvironmentsService } from '../environments/environments-service.js';
import type { KeysService } from './keys-service.js';
import { isAllowed, type Permission } from './roles.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires; every route under the admin API must say, or the app refuses to start. */
    access?: Permission | 'public';
    /**
     * Also accept the key as `?key=`: only for read-only feeds whose clients cannot send headers (calendar
     * subscriptions). Such URLs end up in logs and settings, so use keys that can only read.
     */
    keyInQuery?: boolean;
  }
}

/**
 * Authenticates admin-API requests by `Authorization: Bearer <admin key>`, sets `request.principal`, and
 * checks the route's permission against the key's role and environments. Runs in `onRequest`, before the
 * body is read or validated, so an unauthenticated caller learns nothing about the route's schema.
 */
export const accessControl = fp(
  async (app: FastifyInstance, options: { keys: KeysService; environments: EnvironmentsService }) => {
    app.addHook('onRoute', (route) => {
      if (route.config?.access === undefined) {
        throw new Error(`${String(route.method)} ${route.url} declares no access (config.access)`);
      }
    });

    app.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config.access;
      if (access === 'public' || access === undefined) return;
      const key = await options.keys.authenticate(presentedKey(request));
      if (key === undefined) throw new UnveilError('UNVEIL_ERR_AUTH_INVALID');
      if (key.kind !== 'admin' || key.role === null) {
        throw new UnveilError('UNVEIL_ERR_AUTH_FORBIDDEN', { detail: 'SDK keys cannot use the admin API' });
      }
      const grant = { role: key.role, environments: key.environments };
      request.principal = { actor: key.name, grant };
      const environmentKey = (request.params as { env?: unknown }).env;
      // An unknown environment is left to the route, which answers 404.
      const scope =
        typeof environmentKey === 'string'
          ? ((await options.environments.scope(environmentKey)) ?? { key: environmentKey, protected: false })
          : undefined;
      if (!isAllowed(grant, access, scope)) {
        const where = scope === undefined ? '' : ` in ${scope.key}${scope.protected ? ' (protected)' : ''}`;
        throw new UnveilError('UNVEIL_ERR_AUTH_FORBIDDEN', {
          detail: `role ${key.role} may not ${access}${where}`,
        });
      }
    });
  },
  { name: 'access-control' },
);

function presentedKey(request: FastifyRequest): string {
  const fromQuery = (request.query as { key?: unknown }).key;
  if (request.routeOptions.config.keyInQuery === true && request.headers.authorization === undefined) {
    if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  }
  return bearerToken(request);
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined)
    throw new UnveilError('UNVEIL_ERR_AUTH_MISSING', { detail: 'send Authorization: Bearer <key>' });
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (match === null) {
    throw new UnveilError('UNVEIL_ERR_AUTH_INVALID', {
      errors: [{ path: '/headers/authorization', message: 'expected "Bearer <key>"' }],
    });
  }
  return match[1]!;
}
