import type { FastifyPluginAsync } from 'fastify';
import { writeContext, writeMetadataBody } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  createdKeyResponse,
  createKeyBody,
  keyListResponse,
  keyParams,
  keyResponse,
} from './keys-schemas.js';
import type { KeysService } from './keys-service.js';

export function keysRoutes(service: KeysService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['keys'];
    const config = { access: 'keys.manage' } as const;

    app.post(
      '/keys',
      { config, schema: { tags, body: createKeyBody, response: { 201: createdKeyResponse } } },
      async (request, reply) => {
        const { reason: _reason, ...input } = request.body;
        const { key, record } = await service.create(input, writeContext(request, request.body));
        return reply.status(201).send({ ...record, key });
      },
    );

    app.get('/keys', { config, schema: { tags, response: { 200: keyListResponse } } }, async () => ({
      items: await service.list(),
    }));

    app.post(
      '/keys/:id/revoke',
      {
        config,
        schema: { tags, params: keyParams, body: writeMetadataBody, response: { 200: keyResponse } },
      },
      async (request) => service.revoke(request.params.id, writeContext(request, request.body)),
    );
  };
}
