import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import { auditPageResponse, auditQuery } from './audit-schemas.js';
import type { AuditService } from './audit-service.js';

export function auditRoutes(service: AuditService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/audit',
      {
        config: { access: 'read' },
        schema: { tags: ['audit'], querystring: auditQuery, response: { 200: auditPageResponse } },
      },
      async (request) => {
        const { flag, segment, release, emergency, environment, actor, from, to, before, limit } =
          request.query;
        const visible = request.principal.grant?.environments;
        return service.query({
          limit,
          ...(visible === undefined || visible === null ? {} : { visibleEnvironments: visible }),
          ...(flag === undefined ? {} : { flagKey: flag }),
          ...(segment === undefined ? {} : { segmentKey: segment }),
          ...(release === undefined ? {} : { releaseKey: release }),
          ...(emergency === undefined ? {} : { emergency }),
          ...(environment === undefined ? {} : { environmentKey: environment }),
          ...(actor === undefined ? {} : { actor }),
          ...(from === undefined ? {} : { from: new Date(from) }),
          ...(to === undefined ? {} : { to: new Date(to) }),
          ...(before === undefined ? {} : { before }),
        });
      },
    );
  };
}
