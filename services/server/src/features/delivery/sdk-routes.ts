import { compileSnapshot, type EvaluationContext, type Evaluator, type EventsBatch } from '@unveil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UnveilError } from '../../errors.js';
import { allowAnyOrigin } from '../../http/cors.js';
import { toFieldErrors } from '../../http/zod-type-provider.js';
import type { UsageService } from '../usage/usage-service.js';
import type { DeliveryService } from './delivery-service.js';
import type { PublishedView } from './environment-feed.js';
import { presentedKey, type SdkKeyAuthenticator, type SdkPrincipal } from './sdk-key-auth.js';
import { eventsBatch } from './sdk-schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    sdk: SdkPrincipal;
  }
}

const evaluateBody = z.object({ context: z.record(z.string(), z.unknown()) });

const flagKeys = new WeakMap<PublishedView, ReadonlySet<string>>();

/** The flags this view shows, so that counts for flags a key cannot see are not stored. */
function flagKeysOf(view: PublishedView): ReadonlySet<string> {
  const keys = flagKeys.get(view) ?? new Set(view.snapshot.flags.map((flag) => flag.key));
  flagKeys.set(view, keys);
  return keys;
}

/**
 * The SDK's HTTP side: `GET /sdk/v1/config` (polling and bootstrap, with ETag), `POST /sdk/v1/evaluate`
 * (values for one context, for thin clients), both answered from the in-memory feed, and
 * `POST /sdk/v1/events` (exposure counts and tracked events, summed in memory and written in batches).
 */
export function sdkRoutes(deps: {
  delivery: DeliveryService;
  auth: SdkKeyAuthenticator;
  usage: UsageService;
}) {
  const { delivery, auth, usage } = deps;
  const evaluators = new WeakMap<PublishedView, Evaluator>();

  return async (app: FastifyInstance) => {
    // Browser SDKs call these from any origin; client keys are public by design and server keys are
    // refused in URLs, so allowing every origin exposes nothing a page could not already read.
    allowAnyOrigin(app, {
      paths: '/sdk/v1/*',
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'if-none-match'],
      exposedHeaders: ['etag'],
      maxAgeSeconds: 600,
    });
    app.decorateRequest('sdk', undefined as unknown as SdkPrincipal);
    app.addHook('onRequest', async (request: FastifyRequest) => {
      if (request.method === 'OPTIONS') return; // a preflight the CORS hook did not answer: no key needed
      const query = request.query as { key?: unknown };
      const result = await auth.authenticate(presentedKey(request.headers.authorization, query.key));
      if (!result.ok) {
        if (result.failure === 'missing') throw new UnveilError('UNVEIL_ERR_AUTH_MISSING');
        if (result.failure === 'invalid') throw new UnveilError('UNVEIL_ERR_AUTH_INVALID');
        throw new UnveilError('UNVEIL_ERR_AUTH_FORBIDDEN', {
          detail:
            result.failure === 'server-key-in-url'
              ? 'server keys must be sent in the Authorization header, never in the URL'
              : 'only SDK keys may use the SDK API',
        });
      }
      request.sdk = result.principal;
    });

    const viewOf = async (request: FastifyRequest): Promise<PublishedView> =>
      (await delivery.feed(request.sdk.environment)).view(request.sdk.view);

    app.get('/sdk/v1/config', { config: { access: 'public' } }, async (request, reply) => {
      const view = await viewOf(request);
      reply.header('etag', view.etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === view.etag) return reply.status(304).send();
      return reply.type('application/json').send(view.snapshotFrame);
    });

    app.post('/sdk/v1/evaluate', { config: { access: 'public' } }, async (request) => {
      const parsed = evaluateBody.safeParse(request.body);
      if (!parsed.success) {
        throw new UnveilError('UNVEIL_ERR_VALIDATION_FAILED', {
          detail: 'expected { "context": { "key": "…", … } }',
        });
      }
      const view = await viewOf(request);
      const evaluator = evaluators.get(view) ?? compileSnapshot(view.snapshot);
      evaluators.set(view, evaluator);
      const context = parsed.data.context as EvaluationContext;
      const flags: Record<string, unknown> = {};
      for (const key of evaluator.keys()) {
        const { value, variant, reason, ruleId, errorCode } = evaluator.evaluate(key, context);
        flags[key] = { value, variant, reason, ruleId, errorCode };
      }
      return { version: view.snapshot.version, flags };
    });

    app.post('/sdk/v1/events', { config: { access: 'public' } }, async (request, reply) => {
      const parsed = eventsBatch.safeParse(request.body);
      if (!parsed.success) {
        throw new UnveilError('UNVEIL_ERR_VALIDATION_FAILED', {
          errors: toFieldErrors(parsed.error, ['body']),
        });
      }
      const view = await viewOf(request);
      usage.record(request.sdk.environment, parsed.data as EventsBatch, flagKeysOf(view));
      return reply.status(202).send();
    });
  };
}
