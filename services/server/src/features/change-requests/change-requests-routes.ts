import type { FastifyPluginAsync } from 'fastify';
import { environmentParams } from '../../http/common-schemas.js';
import { writeContext } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  changeRequestPageResponse,
  changeRequestParams,
  changeRequestQuery,
  changeRequestResponse,
  decisionBody,
  toChangeRequestResponse,
} from './change-requests-schemas.js';
import type { ChangeRequestsService } from './change-requests-service.js';

export function changeRequestsRoutes(service: ChangeRequestsService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['change requests'];
    const path = '/environments/:env/change-requests';

    app.get(
      path,
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: environmentParams,
          querystring: changeRequestQuery,
          response: { 200: changeRequestPageResponse },
        },
      },
      async (request) => {
        const { state, kind, resource, before, limit } = request.query;
        const page = await service.list(request.params.env, {
          limit,
          ...(state === undefined ? {} : { state }),
          ...(kind === undefined ? {} : { kind }),
          ...(resource === undefined ? {} : { resourceKey: resource }),
          ...(before === undefined ? {} : { before }),
        });
        return { items: page.items.map(toChangeRequestResponse), nextCursor: page.nextCursor };
      },
    );

    app.get(
      `${path}/:id`,
      {
        config: { access: 'read' },
        schema: { tags, params: changeRequestParams, response: { 200: changeRequestResponse } },
      },
      async (request) => toChangeRequestResponse(await service.get(request.params.env, request.params.id)),
    );

    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `${path}/:id/${decision}`,
        {
          config: { access: 'changes.approve' },
          schema: {
            tags,
            summary: decision === 'approve' ? 'Approve (and apply when due)' : 'Reject',
            params: changeRequestParams,
            body: decisionBody,
            response: { 200: changeRequestResponse },
          },
        },
        async (request) => {
          const { env, id } = request.params;
          const context = writeContext(request, request.body);
          const decided =
            decision === 'approve'
              ? await service.approve(env, id, context)
              : await service.reject(env, id, context);
          return toChangeRequestResponse(decided);
        },
      );
    }
  };
}
