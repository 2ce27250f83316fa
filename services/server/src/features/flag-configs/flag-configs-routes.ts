import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { emergencyFields, writeContext } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  changeRequestResponse,
  toChangeRequestResponse,
} from '../change-requests/change-requests-schemas.js';
import {
  audienceBody,
  audienceParams,
  flagConfigParams,
  flagConfigResponse,
  flagConfigVersionParams,
  flagConfigVersionsResponse,
  putFlagConfigBody,
} from './flag-configs-schemas.js';
import type { ConfigWriteOutcome, FlagConfigsService } from './flag-configs-service.js';
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
          response: written,
        },
      },
      async (request, reply) => {
        const { env, flag } = request.params;
        const {
          expectedVersion: _expected,
          reason: _reason,
          emergency: _emergency,
          ...config
        } = request.body;
        return send(reply, await service.put(env, flag, config, writeContext(request, request.body)));
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
          body: emergencyBody,
          response: written,
        },
      },
      async (request, reply) => {
        const { env, flag, version } = request.params;
        const context = writeContext(request, request.body);
        return send(reply, await service.restoreVersion(env, flag, version, context));
      },
    );

    for (const present of [true, false]) {
      app.route({
        method: present ? 'PUT' : 'DELETE',
        url: `${path}/audiences/:segment`,
        config: { access: 'audiences.write' },
        schema: {
          tags,
          summary: present
            ? 'Serve a variant to an audience (a segment) on this flag'
            : 'Stop serving the audience its variant on this flag',
          params: audienceParams,
          body: present ? audienceBody : emergencyBody,
          response: written,
        },
        handler: async (request, reply) => {
          const { env, flag, segment } = request.params;
          const context = writeContext(request, request.body);
          const { body } = request;
          return send(
            reply,
            'variant' in body
              ? await service.addAudience(env, flag, segment, body.variant, context)
              : await service.removeAudience(env, flag, segment, context),
          );
        },
      });
    }
  };
}

const emergencyBody = z.strictObject(emergencyFields).default({});

/** 200 with the configuration, or 202 with the change request that now waits for approval. */
const written = { 200: flagConfigResponse, 202: changeRequestResponse };

function send(reply: FastifyReply, outcome: ConfigWriteOutcome) {
  if (outcome.proposed !== undefined) {
    return reply.code(202).send(toChangeRequestResponse(outcome.proposed));
  }
  return reply.header('etag', `"${outcome.applied.version}"`).send(toResponse(outcome.applied));
}

function toResponse({ flagKey, environmentKey, config, version, updatedAt }: FlagConfigRecord) {
  return { flag: flagKey, environment: environmentKey, ...config, version, updatedAt };
}
