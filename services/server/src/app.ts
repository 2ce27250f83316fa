import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Bus } from './bus/bus.js';
import { InProcessBus } from './bus/in-process-bus.js';
import type { Clock } from './clock.js';
import type { Database } from './db/database.js';
import { withRequestDeadline } from './db/request-deadline.js';
import { UnveilError } from './errors.js';
import { auditRoutes } from './features/audit/audit-routes.js';
import { AuditService } from './features/audit/audit-service.js';
import { changeRequestsRoutes } from './features/change-requests/change-requests-routes.js';
import { ChangeRequestsService } from './features/change-requests/change-requests-service.js';
import { deliveryRoutes } from './features/delivery/delivery-routes.js';
import { type DeliveryOptions, DeliveryService } from './features/delivery/delivery-service.js';
import { SdkKeyAuthenticator } from './features/delivery/sdk-key-auth.js';
import { sdkRoutes } from './features/delivery/sdk-routes.js';
import { type StreamOptions, streamRoutes } from './features/delivery/stream-routes.js';
import { environmentsRoutes } from './features/environments/environments-routes.js';
import { EnvironmentsService } from './features/environments/environments-service.js';
import { flagConfigsRoutes } from './features/flag-configs/flag-configs-routes.js';
import { FlagConfigsService } from './features/flag-configs/flag-configs-service.js';
import { flagsRoutes } from './features/flags/flags-routes.js';
import { FlagsService } from './features/flags/flags-service.js';
import { FleetReporter } from './features/fleet/fleet.js';
import { freezesRoutes } from './features/freezes/freezes-routes.js';
import { FreezesService } from './features/freezes/freezes-service.js';
import { healthRoutes } from './features/health/health-routes.js';
import { accessControl } from './features/keys/access-control.js';
import { keysRoutes } from './features/keys/keys-routes.js';
import { KeysService } from './features/keys/keys-service.js';
import { GuardCounter } from './features/releases/release-guard.js';
import {
  DEFAULT_SCHEDULER,
  ReleaseScheduler,
  type SchedulerOptions,
} from './features/releases/release-scheduler.js';
import { ReleaseViews } from './features/releases/release-views.js';
import { releasesRoutes } from './features/releases/releases-routes.js';
import { ReleasesService } from './features/releases/releases-service.js';
import { segmentsRoutes } from './features/segments/segments-routes.js';
import { SegmentsService } from './features/segments/segments-service.js';
import { SnapshotService } from './features/snapshots/snapshot-service.js';
import { usageRoutes } from './features/usage/usage-routes.js';
import { UsageService } from './features/usage/usage-service.js';
import { API_REFERENCE_HTML } from './http/api-reference.js';
import { Metrics } from './http/metrics.js';
import { recordOpenApi } from './http/openapi.js';
import { registerProblemHandlers } from './http/problem.js';
import { principalPlugin } from './http/request-context.js';
import { zodValidatorCompiler } from './http/zod-type-provider.js';

export interface AppConfig {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Admin-API requests per minute from one address (default 1,200); more get 429. */
  adminRateLimit?: number;
  /** How long an admin request waits on the database, all its transactions together, before a 503 (default 5 s). */
  databaseTimeoutMs?: number;
  /** SDK delivery tuning; every field has a default (DEFAULT_DELIVERY). */
  delivery?: Partial<DeliveryConfig>;
  /**
   * Release scheduler tuning (DEFAULT_SCHEDULER). `autoStart: false` leaves ticking to the caller
   * (tests with a manual clock call `services.scheduler.tick()`).
   */
  scheduler?: Partial<SchedulerOptions> & { autoStart?: boolean };
}

export interface DeliveryConfig extends StreamOptions, DeliveryOptions {
  /** How long a key check is remembered; also how long a key revoked on another instance may keep working. */
  sdkKeyCacheMs: number;
}

export const DEFAULT_DELIVERY: DeliveryConfig = {
  historySize: 256,
  heartbeatMs: 15_000,
  helloTimeoutMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxFrameBytes: 64 * 1024,
  goawayRetryMs: 1_000,
  sdkKeyCacheMs: 1_000,
  keyRecheckMs: 1_000,
};

export interface AppDependencies {
  db: Database;
  clock: Clock;
  /** A pino logger, or false for none (tests). */
  logger?: FastifyBaseLogger | false;
  config: AppConfig;
  /** How instances tell each other about changes; the in-process bus when there is one instance. */
  bus?: Bus;
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
  delivery: DeliveryService;
  usage: UsageService;
  releases: ReleasesService;
  releaseViews: ReleaseViews;
  fleet: FleetReporter;
  freezes: FreezesService;
  changeRequests: ChangeRequestsService;
  scheduler: ReleaseScheduler;
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

  const delivery = { ...DEFAULT_DELIVERY, ...deps.config.delivery };
  const bus = deps.bus ?? new InProcessBus();
  const snapshots = new SnapshotService(deps.db);
  const keys = new KeysService(deps.db, deps.clock, delivery.sdkKeyCacheMs);
  let deliveryService: DeliveryService | undefined;
  const metrics = new Metrics(() => deliveryService?.connections() ?? []);
  deliveryService = new DeliveryService(snapshots, bus, deps.clock, delivery, metrics.fanout);
  const flagConfigs = new FlagConfigsService(deps.db, deps.clock);
  const releases = new ReleasesService(deps.db, deps.clock);
  const changeRequests = new ChangeRequestsService(deps.db, deps.clock);
  changeRequests.setHandlers({
    apply: {
      'flag-config': (tx, request, context) => flagConfigs.applyApproved(tx, request, context),
      'release-schedule': (tx, request, context) => releases.applyApproved(tx, request, context),
      'release-audiences': (tx, request, context) => releases.applyApproved(tx, request, context),
      'release-stage': (tx, request, context) => releases.approveStage(tx, request, context),
    },
    dropped: async (tx, request, why) => {
      if (request.kind === 'release-stage') await releases.stageApprovalDropped(tx, request, why);
    },
  });
  const guards = new GuardCounter(deps.db, deps.clock);
  const { autoStart = true, ...schedulerOptions } = deps.config.scheduler ?? {};
  const scheduler = new ReleaseScheduler(
    deps.db,
    deps.clock,
    { releases, changeRequests, guards },
    { ...DEFAULT_SCHEDULER, ...schedulerOptions },
    (error) => app.log.error({ err: error }, 'release scheduler tick failed; retrying'),
  );
  const services: Services = {
    environments: new EnvironmentsService(deps.db, deps.clock),
    flags: new FlagsService(deps.db, deps.clock),
    flagConfigs,
    segments: new SegmentsService(deps.db, deps.clock),
    audit: new AuditService(deps.db),
    snapshots,
    keys,
    delivery: deliveryService,
    usage: new UsageService(deps.db, deps.clock, (error) =>
      app.log.warn({ err: error }, 'usage flush failed; kept for the next one'),
    ),
    releases,
    releaseViews: new ReleaseViews(deps.db, deps.clock),
    freezes: new FreezesService(deps.db, deps.clock),
    changeRequests,
    scheduler,
    fleet: new FleetReporter(
      deps.db,
      deps.clock,
      randomUUID(),
      () =>
        [...new Set(deliveryService.connections().map((connection) => connection.environment))].flatMap(
          (environment) =>
            deliveryService.sdks
              .report(environment)
              .byAppVersion.map(({ appVersion, count }) => ({ environment, appVersion, count })),
        ),
      (error) => app.log.warn({ err: error }, 'fleet report failed; retrying'),
    ),
  };
  services.usage.onTracked((environment, tracked) =>
    guards
      .record(environment, tracked)
      .catch((error: unknown) => app.log.warn({ err: error }, 'guard counting failed')),
  );
  app.decorate('services', services);
  const openApiDocument = recordOpenApi(app, { title: 'Unveil admin API', version: '1' });

  metrics.register(app);
  await app.register(healthRoutes(deps.db));
  const sdkAuth = new SdkKeyAuthenticator(keys);
  await app.register(sdkRoutes({ delivery: deliveryService, auth: sdkAuth, usage: services.usage }));
  await app.register(
    streamRoutes({
      delivery: deliveryService,
      auth: sdkAuth,
      clock: deps.clock,
      options: delivery,
      observer: metrics.stream,
    }),
  );
  // Committed changes go out on the bus; every instance (this one too) reloads and fans them out.
  const stopPublishing = deps.db.onCommitted((changes) => {
    for (const change of changes)
      void bus.publish(change).catch((error: unknown) => app.log.error({ err: error }, 'bus publish failed'));
  });
  deliveryService.start();
  services.usage.start();
  if (autoStart) {
    scheduler.start();
    services.fleet.start();
  }
  app.addHook('onClose', async () => {
    await scheduler.stop();
    await services.fleet
      .stop()
      .catch((error: unknown) => app.log.warn({ err: error }, 'fleet rows not removed'));
    stopPublishing();
    deliveryService.stop();
    await services.usage.stop();
  });
  await app.register(
    async (api) => {
      // An instance-level hook added before access control: route-level hooks (the plugin's default) would
      // run after it, and requests with guessed keys would never be counted.
      await api.register(rateLimit, { global: false });
      api.addHook(
        'onRequest',
        api.rateLimit({
          max: deps.config.adminRateLimit ?? 1_200,
          timeWindow: 60_000,
          keyGenerator: (request) => request.ip,
          errorResponseBuilder: (_request, context) =>
            new UnveilError('UNVEIL_ERR_HTTP_RATE_LIMITED', {
              detail: `at most ${context.max} requests per minute from one address; retry in ${context.after}`,
            }),
        }),
      );
      // Admin requests only: SDK streams live for hours and their key rechecks have their own answer to a
      // silent database (the last check stands).
      const databaseTimeoutMs = deps.config.databaseTimeoutMs ?? 5_000;
      api.addHook('onRequest', (_request, _reply, done) => withRequestDeadline(databaseTimeoutMs, done));
      await api.register(accessControl, { keys: services.keys, environments: services.environments });
      await api.register(environmentsRoutes(services.environments));
      await api.register(flagsRoutes(services.flags));
      await api.register(flagConfigsRoutes(services.flagConfigs));
      await api.register(segmentsRoutes(services.segments));
      await api.register(auditRoutes(services.audit));
      await api.register(releasesRoutes(services.releases, services.releaseViews));
      await api.register(freezesRoutes(services.freezes));
      await api.register(changeRequestsRoutes(services.changeRequests));
      await api.register(keysRoutes(services.keys));
      await api.register(deliveryRoutes(deliveryService));
      await api.register(usageRoutes(services.usage));
      api.get('/openapi.json', { config: { access: 'public' } }, async () => openApiDocument());
      api.get('/docs', { config: { access: 'public' } }, async (_request, reply) =>
        reply.type('text/html; charset=utf-8').send(API_REFERENCE_HTML),
      );
    },
    { prefix: '/api/v1' },
  );
  return app;
}
