import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from './clock.js';
import type { Database } from './db/database.js';
import { auditRoutes } from './features/audit/audit-routes.js';
import { AuditService } from './features/audit/audit-service.js';
import { environmentsRoutes } from './features/environments/environments-routes.js';
import { EnvironmentsService } from './features/environments/environments-service.js';
import { flagConfigsRoutes } from './features/flag-configs/flag-configs-routes.js';
import { FlagConfigsService } from './features/flag-configs/flag-configs-service.js';
import { flagsRoutes } from './features/flags/flags-routes.js';
import { FlagsService } from './features/flags/flags-service.js';
import { healthRoutes } from './features/health/health-routes.js';
import { accessControl } from './features/keys/access-control.js';
import { keysRoutes } from './features/keys/keys-routes.js';
import { KeysService } from './features/keys/keys-service.js';
import { segmentsRoutes } from './features/segments/segments-routes.js';
import { SegmentsService } from './features/segments/segments-service.js';
import { SnapshotService } from './features/snapshots/snapshot-service.js';
import { recordOpenApi } from './http/openapi.js';
import { registerProblemHandlers } from './http/problem.js';
import { principalPlugin } from './http/request-context.js';
import { zodValidatorCompiler } from './http/zod-type-provider.js';

export interface AppConfig {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
}

export interface AppDependencies {
  db: Database;
  clock: Clock;
  /** A pino logger, or false for none (tests). */
  logger?: FastifyBaseLogger | false;
  config: AppConfig;
}

/** Every service of the app, for callers that live in-process (the delivery layer, the scheduler). */
export interface Services {
  environments: EnvironmentsService;
  flags: FlagsService;
  flagConfigs: FlagConfigsService;
  segments: SegmentsService;
  audit: AuditService;
  snapshots: SnapshotService;
  keys: KeysService;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** The composition root: stores are plain functions, services get the database and clock, routes get services. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.config.bodyLimit,
    // Keys only ever appear in paths, never as ids; treating `/flags/x/` like `/flags/x` spares clients 404s.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  // Response schemas document the API; handlers already return exactly those shapes.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerProblemHandlers(app);
  await app.register(principalPlugin);

  const services: Services = {
    environments: new EnvironmentsService(deps.db, deps.clock),
    flags: new FlagsService(deps.db, deps.clock),
    flagConfigs: new FlagConfigsService(deps.db, deps.clock),
    segments: new SegmentsService(deps.db, deps.clock),
    audit: new AuditService(deps.db),
    snapshots: new SnapshotService(deps.db),
    keys: new KeysService(deps.db, deps.clock),
  };
  app.decorate('services', services);
  const openApiDocument = recordOpenApi(app, { title: 'Unveil admin API', version: '1' });

  await app.register(healthRoutes(deps.db));
  await app.register(
    async (api) => {
      await api.register(accessControl, { keys: services.keys, environments: services.environments });
      await api.register(environmentsRoutes(services.environments));
      await api.register(flagsRoutes(services.flags));
      await api.register(flagConfigsRoutes(services.flagConfigs));
      await api.register(segmentsRoutes(services.segments));
      await api.register(auditRoutes(services.audit));
      await api.register(keysRoutes(services.keys));
      api.get('/openapi.json', { config: { access: 'public' } }, async () => openApiDocument());
    },
    { prefix: '/api/v1' },
  );
  return app;
}
