import type { FastifyPluginAsync } from 'fastify';
import { writeContext, writeMetadataBody } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  flagConfigParams,
  flagConfigResponse,
  flagConfigVersionParams,
  flagConfigVersionsResponse,
  putFlagConfigBody,
} from './flag-configs-schemas.js';
import type { FlagConfigsService } from './flag-configs-service.js';
import type { FlagConfigRecord } from './flag-configs-store.js';

export function flagConfigsRoutes(service: FlagConfigsService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['flag configurations'];
    const path = '/environments/:env/flags/:flag';

    app.get(
      path,
      {
        config: { access: 'read' },
        schema: { tags, params: flagConfigParams, response: { 200: flagConfigResponse } },
      },
      async (request, reply) => {
        const config = await service.get(request.params.env, request.params.flag);
        return reply.header('etag', `"${config.version}"`).send(toResponse(config));
      },
    );

    app.put(
      path,
      {
        config: { access: 'configs.write' },
        schema: {
          tags,
          params: flagConfigParams,
          body: putFlagConfigBody,
          response: { 200: flagConfigResponse },
        },
      },
      async (request, reply) => {
        const { env, flag } = request.params;
        const { expectedVersion: _expected, reason: _reason, ...config } = request.body;
        const updated = await service.put(env, flag, config, writeContext(request, request.body));
        return reply.header('etag', `"${updated.version}"`).send(toResponse(updated));
      },
    );

    app.get(
      `${path}/versions`,
      {
        config: { access: 'read' },
        schema: { tags, params: flagConfigParams, response: { 200: flagConfigVersionsResponse } },
      },
      async (request) => ({ items: await service.versions(request.params.env, request.params.flag) }),
    );

    app.post(
      `${path}/versions/:version/restore`,
      {
        config: { access: 'configs.write' },
        schema: {
          tags,
          params: flagConfigVersionParams,
          body: writeMetadataBody,
          response: { 200: flagConfigResponse },
        },
      },
      async (request, reply) => {
        const { env, flag, version } = request.params;
        const updated = await service.restoreVersion(env, flag, version, writeContext(request, request.body));
        return reply.header('etag', `"${updated.version}"`).send(toResponse(updated));
      },
    );
  };
}

function toResponse({ flagKey, environmentKey, config, version, updatedAt }: FlagConfigRecord) {
  return { flag: flagKey, environment: environmentKey, ...config, version, updatedAt };
}
