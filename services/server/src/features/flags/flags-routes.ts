import type { FastifyPluginAsync } from 'fastify';
import { writeContext, writeMetadataBody } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import { DEFAULT_BOOLEAN_VARIANTS } from './flag.js';
import {
  createFlagBody,
  flagPageResponse,
  flagParams,
  flagResponse,
  flagVersionsResponse,
  listFlagsQuery,
  updateFlagBody,
  versionParams,
} from './flags-schemas.js';
import type { FlagsService } from './flags-service.js';

export function flagsRoutes(service: FlagsService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['flags'];

    app.post(
      '/flags',
      {
        config: { access: 'flags.write' },
        schema: { tags, body: createFlagBody, response: { 201: flagResponse } },
      },
      async (request, reply) => {
        const { reason: _reason, variants, ...input } = request.body;
        const created = await service.create(
          { ...input, variants: variants ?? DEFAULT_BOOLEAN_VARIANTS },
          writeContext(request, request.body),
        );
        return reply.status(201).header('etag', `"${created.version}"`).send(created);
      },
    );

    app.get(
      '/flags',
      {
        config: { access: 'read' },
        schema: { tags, querystring: listFlagsQuery, response: { 200: flagPageResponse } },
      },
      async (request) => {
        const { tag, q, archived, limit, cursor } = request.query;
        return service.list({
          archived: archived === 'all' ? 'all' : archived === 'true',
          limit,
          ...(tag === undefined ? {} : { tag }),
          ...(q === undefined ? {} : { text: q }),
          ...(cursor === undefined ? {} : { afterKey: cursor }),
        });
      },
    );

    app.get(
      '/flags/:flag',
      { config: { access: 'read' }, schema: { tags, params: flagParams, response: { 200: flagResponse } } },
      async (request, reply) => {
        const flag = await service.get(request.params.flag);
        return reply.header('etag', `"${flag.version}"`).send(flag);
      },
    );

    app.patch(
      '/flags/:flag',
      {
        config: { access: 'flags.write' },
        schema: { tags, params: flagParams, body: updateFlagBody, response: { 200: flagResponse } },
      },
      async (request, reply) => {
        const { expectedVersion: _expected, reason: _reason, ...changes } = request.body;
        const updated = await service.update(
          request.params.flag,
          changes,
          writeContext(request, request.body),
        );
        return reply.header('etag', `"${updated.version}"`).send(updated);
      },
    );

    for (const action of ['archive', 'unarchive'] as const) {
      app.post(
        `/flags/:flag/${action}`,
        {
          config: { access: 'flags.archive' },
          schema: { tags, params: flagParams, body: writeMetadataBody, response: { 200: flagResponse } },
        },
        async (request, reply) => {
          const updated = await service[action](request.params.flag, writeContext(request, request.body));
          return reply.header('etag', `"${updated.version}"`).send(updated);
        },
      );
    }

    app.get(
      '/flags/:flag/versions',
      {
        config: { access: 'read' },
        schema: { tags, params: flagParams, response: { 200: flagVersionsResponse } },
      },
      async (request) => ({ items: await service.versions(request.params.flag) }),
    );

    app.post(
      '/flags/:flag/versions/:version/restore',
      {
        config: { access: 'flags.write' },
        schema: { tags, params: versionParams, body: writeMetadataBody, response: { 200: flagResponse } },
      },
      async (request, reply) => {
        const { flag, version } = request.params;
        const updated = await service.restoreVersion(flag, version, writeContext(request, request.body));
        return reply.header('etag', `"${updated.version}"`).send(updated);
      },
    );
  };
}
