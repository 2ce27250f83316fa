import type { FastifyPluginAsync } from 'fastify';
import { writeContext } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  createEnvironmentBody,
  environmentListResponse,
  environmentParams,
  environmentResponse,
  updateEnvironmentBody,
} from './environments-schemas.js';
import type { EnvironmentsService } from './environments-service.js';

export function environmentsRoutes(service: EnvironmentsService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['environments'];

    app.post(
      '/environments',
      {
        config: { access: 'environments.write' },
        schema: { tags, body: createEnvironmentBody, response: { 201: environmentResponse } },
      },
      async (request, reply) => {
        const { reason: _reason, ...input } = request.body;
        const created = await service.create(input, writeContext(request, request.body));
        return reply.status(201).header('etag', `"${created.version}"`).send(created);
      },
    );

    app.get(
      '/environments',
      { config: { access: 'read' }, schema: { tags, response: { 200: environmentListResponse } } },
      async () => ({
        items: await service.list(),
      }),
    );

    app.get(
      '/environments/:env',
      {
        config: { access: 'read' },
        schema: { tags, params: environmentParams, response: { 200: environmentResponse } },
      },
      async (request, reply) => {
        const environment = await service.get(request.params.env);
        return reply.header('etag', `"${environment.version}"`).send(environment);
      },
    );

    app.patch(
      '/environments/:env',
      {
        config: { access: 'environments.write' },
        schema: {
          tags,
          params: environmentParams,
          body: updateEnvironmentBody,
          response: { 200: environmentResponse },
        },
      },
      async (request, reply) => {
        const { expectedVersion: _expected, reason: _reason, ...changes } = request.body;
        const updated = await service.update(
          request.params.env,
          changes,
          writeContext(request, request.body),
        );
        return reply.header('etag', `"${updated.version}"`).send(updated);
      },
    );
  };
}
