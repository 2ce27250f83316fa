import type { FastifyPluginAsync } from 'fastify';
import { environmentParams } from '../../http/common-schemas.js';
import { writeContext } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  createFreezeBody,
  deleteFreezeBody,
  freezeListResponse,
  freezeParams,
  freezeResponse,
  toFreezeResponse,
} from './freezes-schemas.js';
import type { FreezesService } from './freezes-service.js';

export function freezesRoutes(service: FreezesService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['freezes'];
    const path = '/environments/:env/freezes';

    app.get(
      path,
      {
        config: { access: 'read' },
        schema: { tags, params: environmentParams, response: { 200: freezeListResponse } },
      },
      async (request) => ({ items: (await service.list(request.params.env)).map(toFreezeResponse) }),
    );

    app.post(
      path,
      {
        config: { access: 'freezes.write' },
        schema: {
          tags,
          params: environmentParams,
          body: createFreezeBody,
          response: { 201: freezeResponse },
        },
      },
      async (request, reply) => {
        const { key, name, reason, startsAt, endsAt, recurrence } = request.body;
        const input = {
          name,
          reason,
          startsAt: startsAt === undefined ? null : new Date(startsAt),
          endsAt: endsAt === undefined ? null : new Date(endsAt),
          recurrence: recurrence ?? null,
        };
        const context = writeContext(request, reason === '' ? {} : { reason });
        const created = await service.create(request.params.env, key, input, context);
        return reply.code(201).send(toFreezeResponse(created));
      },
    );

    app.delete(
      `${path}/:freeze`,
      { config: { access: 'freezes.write' }, schema: { tags, params: freezeParams, body: deleteFreezeBody } },
      async (request, reply) => {
        await service.remove(request.params.env, request.params.freeze, writeContext(request, request.body));
        return reply.code(204).send();
      },
    );
  };
}
