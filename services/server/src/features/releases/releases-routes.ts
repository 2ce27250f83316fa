import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { environmentParams, timestamp } from '../../http/common-schemas.js';
import { writeContext } from '../../http/request-context.js';
import type { ZodTypeProvider } from '../../http/zod-type-provider.js';
import {
  changeRequestResponse,
  toChangeRequestResponse,
} from '../change-requests/change-requests-schemas.js';
import type { ReleaseViews } from './release-views.js';
import {
  createReleaseBody,
  releaseAudienceBody,
  releaseAudienceParams,
  releaseListQuery,
  releaseListResponse,
  releaseParams,
  releaseResponse,
  toReleaseResponse,
  transitionBody,
  updateReleaseBody,
} from './releases-schemas.js';
import type { ReleaseOutcome, ReleasesService } from './releases-service.js';

const calendarRange = {
  from: z.iso.datetime({ offset: true }).exactOptional(),
  to: z.iso.datetime({ offset: true }).exactOptional(),
};
const inOrder = (query: { from?: string; to?: string }) =>
  query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to);
const inOrderError = { message: '"from" must be before "to"', path: ['from'] };
const calendarQuery = z.strictObject(calendarRange).refine(inOrder, inOrderError);
const icalendarQuery = z
  .strictObject({ ...calendarRange, key: z.string().min(1).max(512).exactOptional() })
  .refine(inOrder, inOrderError);

const calendarResponse = z.object({
  items: z.array(
    z.object({
      type: z.enum(['stage', 'withdraw', 'freeze']),
      environment: z.string(),
      release: z.string().nullable(),
      freeze: z.string().nullable(),
      stage: z.int().nullable(),
      percent: z.number().nullable(),
      start: timestamp,
      end: timestamp.nullable(),
      status: z.enum(['applied', 'skipped', 'due', 'expected', 'active']).nullable(),
      title: z.string(),
    }),
  ),
});

const previewResponse = z.object({
  items: z.array(
    z.object({
      stage: z.int(),
      percent: z.number(),
      audiences: z.array(z.string()),
      approval: z.boolean(),
      at: timestamp,
      status: z.enum(['applied', 'skipped', 'due', 'expected']),
      estimatedNewlyExposed: z.int(),
    }),
  ),
});

/** The release record is long and nested; its parts are documented in docs/releases.md. */
const recordResponse = z.object({
  release: z.unknown(),
  steps: z.array(z.unknown()),
  changeRequests: z.array(z.unknown()),
  history: z.array(z.unknown()),
  guard: z.unknown(),
});

/** 200 with the release, or 202 with the change request that now waits for approval. */
const decided = { 200: releaseResponse, 202: changeRequestResponse };

function send(reply: FastifyReply, outcome: ReleaseOutcome) {
  if (outcome.proposed !== undefined) return reply.code(202).send(toChangeRequestResponse(outcome.proposed));
  return reply.header('etag', `"${outcome.applied.version}"`).send(toReleaseResponse(outcome.applied));
}

export function releasesRoutes(service: ReleasesService, views: ReleaseViews): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const tags = ['releases'];
    const path = '/environments/:env/releases';
    const one = `${path}/:release`;

    app.get(
      path,
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: environmentParams,
          querystring: releaseListQuery,
          response: { 200: releaseListResponse },
        },
      },
      async (request) => {
        const { state } = request.query;
        const items = await service.list(request.params.env, state === undefined ? undefined : [state]);
        return { items: items.map(toReleaseResponse) };
      },
    );

    app.post(
      path,
      {
        config: { access: 'releases.write' },
        schema: {
          tags,
          params: environmentParams,
          body: createReleaseBody,
          response: { 201: releaseResponse },
        },
      },
      async (request, reply) => {
        const { key, expectedVersion: _expected, reason: _reason, ...input } = request.body;
        const created = await service.create(
          request.params.env,
          key,
          input,
          writeContext(request, request.body),
        );
        return reply.code(201).header('etag', `"${created.version}"`).send(toReleaseResponse(created));
      },
    );

    app.get(
      one,
      {
        config: { access: 'read' },
        schema: { tags, params: releaseParams, response: { 200: releaseResponse } },
      },
      async (request, reply) => {
        const release = await service.get(request.params.env, request.params.release);
        return reply.header('etag', `"${release.version}"`).send(toReleaseResponse(release));
      },
    );

    app.put(
      one,
      {
        config: { access: 'releases.write' },
        schema: {
          tags,
          summary: 'Edit a draft',
          params: releaseParams,
          body: updateReleaseBody,
          response: { 200: releaseResponse },
        },
      },
      async (request, reply) => {
        const { env, release } = request.params;
        const { expectedVersion: _expected, reason: _reason, ...input } = request.body;
        const updated = await service.update(env, release, input, writeContext(request, request.body));
        return reply.header('etag', `"${updated.version}"`).send(toReleaseResponse(updated));
      },
    );

    app.post(
      `${one}/schedule`,
      {
        config: { access: 'releases.operate' },
        schema: { tags, params: releaseParams, body: transitionBody, response: decided },
      },
      async (request, reply) => {
        const { env, release } = request.params;
        return send(reply, await service.schedule(env, release, writeContext(request, request.body)));
      },
    );

    for (const action of ['pause', 'resume', 'cancel', 'rollback', 'advance'] as const) {
      app.post(
        `${one}/${action}`,
        {
          config: { access: 'releases.operate' },
          schema: { tags, params: releaseParams, body: transitionBody, response: { 200: releaseResponse } },
        },
        async (request, reply) => {
          const { env, release } = request.params;
          const updated = await service[action](env, release, writeContext(request, request.body));
          return reply.header('etag', `"${updated.version}"`).send(toReleaseResponse(updated));
        },
      );
    }

    for (const present of [true, false]) {
      app.route({
        method: present ? 'PUT' : 'DELETE',
        url: `${one}/audiences/:segment`,
        config: { access: 'audiences.write' },
        schema: {
          tags,
          summary: present ? 'Add an audience to the release' : 'Remove an audience from the release',
          params: releaseAudienceParams,
          body: releaseAudienceBody,
          response: decided,
        },
        handler: async (request, reply) => {
          const { env, release, segment } = request.params;
          const context = writeContext(request, request.body);
          return send(reply, await service.setAudience(env, release, segment, present, context));
        },
      });
    }

    app.get(
      `${one}/preview`,
      {
        config: { access: 'read' },
        schema: { tags, params: releaseParams, response: { 200: previewResponse } },
      },
      async (request) => ({ items: await views.preview(request.params.env, request.params.release) }),
    );

    app.get(
      `${one}/record`,
      {
        config: { access: 'read' },
        schema: { tags, params: releaseParams, response: { 200: recordResponse } },
      },
      async (request) => views.record(request.params.env, request.params.release),
    );

    const range = (query: { from?: string; to?: string }) => ({
      ...(query.from === undefined ? {} : { from: new Date(query.from) }),
      ...(query.to === undefined ? {} : { to: new Date(query.to) }),
    });

    app.get(
      '/environments/:env/calendar',
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: environmentParams,
          querystring: calendarQuery,
          response: { 200: calendarResponse },
        },
      },
      async (request) => {
        return { items: await views.calendar(request.params.env, range(request.query)) };
      },
    );

    app.get(
      '/environments/:env/calendar.ics',
      {
        // Calendar applications subscribe by URL and cannot send headers: this one route takes the key
        // from `?key=` as well. Use a viewer key limited to the environment.
        config: { access: 'read', keyInQuery: true },
        schema: {
          tags,
          summary: 'The calendar as an iCalendar feed (RFC 5545)',
          params: environmentParams,
          querystring: icalendarQuery,
        },
      },
      async (request, reply) => {
        const ics = await views.icalendar(request.params.env, range(request.query));
        return reply.type('text/calendar; charset=utf-8').send(ics);
      },
    );
  };
}
