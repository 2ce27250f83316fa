import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { environmentParams } from '../../http/common-schemas.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import type { UsageService } from './usage-service.js';

const usageParams = environmentParams.extend({ flag: z.string().min(1).max(128) });
const usageQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
});

const usageResponse = z.object({
  environment: z.string(),
  flag: z.string(),
  lastEvaluatedHour: z.string().nullable(),
  total: z.number(),
  byVariant: z.array(z.object({ variant: z.string(), count: z.number() })),
  hourly: z.array(z.object({ hour: z.string(), variant: z.string(), count: z.number() })),
});

/** `GET /api/v1/environments/:env/flags/:flag/usage`: exposures per variant and hour, and when last seen. */
export function usageRoutes(usage: UsageService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/environments/:env/flags/:flag/usage',
      {
        config: { access: 'read' },
        schema: {
          tags: ['usage'],
          params: usageParams,
          querystring: usageQuery,
          response: { 200: usageResponse },
        },
      },
      async (request) => usage.flagUsage(request.params.env, request.params.flag, request.query.hours),
    );
  };
}
