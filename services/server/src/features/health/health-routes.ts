import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';

const healthResponse = z.object({ status: z.enum(['ok', 'unavailable']) });

/** Liveness says the process answers; readiness says it can serve (database up, schema current). */
export function healthRoutes(db: Database): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const schema = { tags: ['health'], response: { 200: healthResponse, 503: healthResponse } };
    app.get('/healthz', { schema }, async () => ({ status: 'ok' as const }));
    app.get('/readyz', { schema }, async (_request, reply) =>
      (await db.isReady())
        ? { status: 'ok' as const }
        : reply.status(503).send({ status: 'unavailable' as const }),
    );
  };
}
