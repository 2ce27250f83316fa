import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { environmentParams } from '../../http/common-schemas.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import type { DeliveryService } from './delivery-service.js';

const milliseconds = z.number().nullable();

export const deliveryResponse = z.object({
  environment: z.string(),
  /** The version this instance serves now. */
  version: z.int(),
  /** Recent versions, newest first: how many of the SDKs connected when each was sent have applied it. */
  versions: z.array(
    z.object({
      version: z.int(),
      sentAt: z.string(),
      audience: z.int(),
      applied: z.int(),
      p50Ms: milliseconds,
      p99Ms: milliseconds,
      maxMs: milliseconds,
      summary: z.string(),
    }),
  ),
  sdks: z.object({
    connected: z.int(),
    byAppVersion: z.array(z.object({ appVersion: z.string().nullable(), count: z.int() })),
    bySdk: z.array(z.object({ sdk: z.string(), version: z.string(), count: z.int() })),
  }),
});

/**
 * `GET /api/v1/environments/:env/delivery`: delivery proof for release managers — not only that a change
 * was sent, but how much of the connected fleet has applied it, and how fast. Counts are this instance's.
 */
export function deliveryRoutes(delivery: DeliveryService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/environments/:env/delivery',
      {
        config: { access: 'read' },
        schema: { tags: ['delivery'], params: environmentParams, response: { 200: deliveryResponse } },
      },
      async (request) => {
        const environment = request.params.env;
        const feed = await delivery.feed(environment);
        return {
          environment,
          version: feed.version,
          versions: delivery.proof.report(environment).map((entry) => ({
            ...entry,
            sentAt: new Date(entry.sentAt).toISOString(),
            summary:
              `version ${entry.version}: applied by ${entry.applied} of ${entry.audience} connected SDKs` +
              (entry.p50Ms === null ? '' : `, p50 ${entry.p50Ms} ms, p99 ${entry.p99Ms} ms`),
          })),
          sdks: delivery.sdks.report(environment),
        };
      },
    );
  };
}
