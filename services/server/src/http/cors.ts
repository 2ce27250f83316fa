import type { FastifyInstance } from 'fastify';

export interface CorsOptions {
  /** Route pattern the preflights arrive at, e.g. `/sdk/v1/*`. */
  paths: string;
  methods: readonly string[];
  allowedHeaders: readonly string[];
  exposedHeaders: readonly string[];
  maxAgeSeconds: number;
}

/**
 * CORS for every origin, paid for only by requests that carry an `Origin` header: the SDK routes answer
 * servers (no Origin) far more often than browsers, and a general-purpose CORS plugin cost those routes
 * about 2 µs per request in the delivery benchmark.
 */
export function allowAnyOrigin(app: FastifyInstance, options: CorsOptions): void {
  const methods = options.methods.join(', ');
  const allowedHeaders = options.allowedHeaders.join(', ');
  const exposedHeaders = options.exposedHeaders.join(', ');
  const maxAge = String(options.maxAgeSeconds);

  // Callback style: an async hook would cost every request a promise, Origin or not.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      reply
        .header('access-control-allow-methods', methods)
        .header('access-control-allow-headers', allowedHeaders)
        .header('access-control-max-age', maxAge)
        .status(204)
        .send();
      return;
    }
    reply.header('access-control-expose-headers', exposedHeaders);
    done();
  });
  // Preflights must reach the hook above: without a route, OPTIONS would end in the 404 handler first.
  app.options(options.paths, { config: { access: 'public' } }, async (_request, reply) =>
    reply.status(204).send(),
  );
}
