import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryService, FanoutObserver } from '../features/delivery/delivery-service.js';
import type { StreamObserver } from '../features/delivery/stream-session.js';

/**
 * Prometheus metrics of one app instance, in a registry of its own (several apps may share a process in
 * tests). Served at `GET /metrics`.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #fanout = new Histogram({
    name: 'unveil_patch_fanout_seconds',
    help: 'Time to write one patch to every connected SDK of an environment on this instance',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly #acknowledged = new Histogram({
    name: 'unveil_delivery_ack_seconds',
    help: 'From sending a version to an SDK acknowledging it has applied it',
    labelNames: ['environment'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly #dropped = new Counter({
    name: 'unveil_stream_dropped_total',
    help: 'SDK connections closed by the server: slow (did not read), bad-frame, dead (no pong)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly #reloadFailures = new Counter({
    name: 'unveil_feed_reload_failures_total',
    help: 'Reloads of an environment from the database that failed (and were retried)',
    registers: [this.registry],
  });
  readonly #http = new Histogram({
    name: 'unveil_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(connections: DeliveryService['connections']) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'unveil_sdk_connections',
      help: 'SDKs connected to this instance, per environment and view (server or client keys)',
      labelNames: ['environment', 'view'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { environment, view, count } of connections()) this.set({ environment, view }, count);
      },
    });
  }

  readonly fanout: FanoutObserver = {
    fannedOut: (_environment, _subscribers, seconds) => this.#fanout.observe(seconds),
    reloadFailed: () => this.#reloadFailures.inc(),
  };

  readonly stream: StreamObserver = {
    dropped: (reason) => this.#dropped.inc({ reason }),
    acknowledged: (environment, latencyMs) => this.#acknowledged.observe({ environment }, latencyMs / 1000),
  };

  /** Times every request and serves the registry. */
  register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.#http.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', { config: { access: 'public' } }, async (_request, reply) =>
      reply.type(this.registry.contentType).send(await this.registry.metrics()),
    );
  }
}
