import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

interface RouteSchema {
  tags?: readonly string[];
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  response?: Record<number, z.ZodType>;
}

type JsonSchema = Record<string, unknown>;

const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'errors'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'Stable error code; see docs/errors.md' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string', description: 'JSON pointer' }, message: { type: 'string' } },
      },
    },
  },
};

/**
 * The OpenAPI document is derived from the same zod schemas that validate requests, so it cannot drift
 * from what the server accepts. Call before routes are registered: it records them as they are added.
 */
export function recordOpenApi(
  app: FastifyInstance,
  info: { title: string; version: string },
): () => JsonSchema {
  const routes: { method: string; url: string; schema: RouteSchema }[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.schema === undefined || route.url.endsWith('/openapi.json')) return;
    for (const method of methods) {
      if (method !== 'HEAD')
        routes.push({ method: method.toLowerCase(), url: route.url, schema: route.schema as RouteSchema });
    }
  });

  let document: JsonSchema | undefined;
  return () => {
    document ??= buildDocument(routes, info);
    return document;
  };
}

function buildDocument(
  routes: { method: string; url: string; schema: RouteSchema }[],
  info: JsonSchema,
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { method, url, schema } of routes) {
    const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][method] = {
      ...(schema.tags === undefined ? {} : { tags: schema.tags }),
      parameters: [...parameters(schema.params, 'path'), ...parameters(schema.querystring, 'query')],
      ...(schema.body === undefined
        ? {}
        : {
            requestBody: { content: { 'application/json': { schema: toJsonSchema(schema.body, 'input') } } },
          }),
      responses: {
        ...Object.fromEntries(
          Object.entries(schema.response ?? {}).map(([status, response]) => [
            status,
            {
              description: status,
              content: { 'application/json': { schema: toJsonSchema(response, 'output') } },
            },
          ]),
        ),
        default: { description: 'Problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } },
      },
    };
  }
  return { openapi: '3.1.0', info, paths };
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const { properties = {}, required = [] } = toJsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.includes(name),
    schema: property,
  }));
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}
