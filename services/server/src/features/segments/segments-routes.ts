import type { FastifyPluginAsync } from 'fastify';
import { writeContext } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  createSegmentBody,
  deleteSegmentBody,
  segmentListResponse,
  segmentParams,
  segmentResponse,
  segmentsParams,
  updateSegmentBody,
} from './segments-schemas.js';
import type { SegmentsService } from './segments-service.js';
import type { SegmentRecord } from './segments-store.js';

export function segmentsRoutes(service: SegmentsService): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['segments'];

    app.post(
      '/environments/:env/segments',
      {
        config: { access: 'segments.write' },
        schema: { tags, params: segmentsParams, body: createSegmentBody, response: { 201: segmentResponse } },
      },
      async (request, reply) => {
        const { key, reason: _reason, emergency: _emergency, ...content } = request.body;
        const created = await service.create(
          request.params.env,
          key,
          content,
          writeContext(request, request.body),
        );
        return reply.status(201).header('etag', `"${created.version}"`).send(toResponse(created));
      },
    );

    app.get(
      '/environments/:env/segments',
      {
        config: { access: 'read' },
        schema: { tags, params: segmentsParams, response: { 200: segmentListResponse } },
      },
      async (request) => ({ items: (await service.list(request.params.env)).map(toResponse) }),
    );

    app.get(
      '/environments/:env/segments/:segment',
      {
        config: { access: 'read' },
        schema: { tags, params: segmentParams, response: { 200: segmentResponse } },
      },
      async (request, reply) => {
        const segment = await service.get(request.params.env, request.params.segment);
        return reply.header('etag', `"${segment.version}"`).send(toResponse(segment));
      },
    );

    app.patch(
      '/environments/:env/segments/:segment',
      {
        config: { access: 'segments.write' },
        schema: { tags, params: segmentParams, body: updateSegmentBody, response: { 200: segmentResponse } },
      },
      async (request, reply) => {
        const { env, segment } = request.params;
        const {
          expectedVersion: _expected,
          reason: _reason,
          emergency: _emergency,
          ...changes
        } = request.body;
        const updated = await service.update(env, segment, changes, writeContext(request, request.body));
        return reply.header('etag', `"${updated.version}"`).send(toResponse(updated));
      },
    );

    app.delete(
      '/environments/:env/segments/:segment',
      {
        config: { access: 'segments.write' },
        schema: { tags, params: segmentParams, body: deleteSegmentBody },
      },
      async (request, reply) => {
        await service.delete(request.params.env, request.params.segment, writeContext(request, request.body));
        return reply.status(204).send();
      },
    );
  };
}

function toResponse({ environmentKey, ...segment }: SegmentRecord) {
  return { environment: environmentKey, ...segment };
}
