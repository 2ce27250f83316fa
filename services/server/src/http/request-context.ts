import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { UnveilError } from '../errors.js';
import type { AdminGrant } from '../features/keys/roles.js';
import type { WriteContext } from '../write-context.js';
import { toFieldErrors } from './zod-type-provider.js';

/**
 * Who is making the request, set by the access-control hook from the API key. `actor` is what the audit
 * log records; `grant` is null only on public routes, which never write.
 */
export interface Principal {
  actor: string;
  grant: AdminGrant | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

const ANONYMOUS: Principal = { actor: 'anonymous', grant: null };

const reasonHeader = z.string().trim().min(1).max(2000);
/** A strong ETag holding a version: `"3"`; the bare number is accepted too. */
const ifMatchHeader = z
  .string()
  .regex(/^(?:"\d{1,9}"|\d{1,9})$/, 'expected a version in quotes, e.g. "3"')
  .transform((value) => Number(value.replaceAll('"', '')));

/** Fields every write body may carry; the header forms win only if the body leaves them out. */
export const writeMetadataFields = {
  expectedVersion: z.int().min(1).max(999_999_999).exactOptional(),
  reason: z.string().trim().min(1).max(2000).exactOptional(),
};

/**
 * For writes a freeze or an approval can hold back: `emergency: true` (admins and release managers, with a
 * reason) breaks the glass, and the audit log records it as an emergency change.
 */
export const emergencyFields = {
  ...writeMetadataFields,
  emergency: z.boolean().exactOptional(),
};

/** The body of a write that sends nothing else (archive, restore); may be left out entirely. */
export const writeMetadataBody = z.strictObject(writeMetadataFields).default({});

/** Gives every request a principal, anonymous until access control sets one. */
export const principalPlugin = fp(
  async (app: FastifyInstance) => {
    const principals = new WeakMap<FastifyRequest, Principal>();
    app.decorateRequest('principal', {
      getter(this: FastifyRequest) {
        return principals.get(this) ?? ANONYMOUS;
      },
      setter(this: FastifyRequest, principal: Principal) {
        principals.set(this, principal);
      },
    });
  },
  { name: 'principal' },
);

export function writeContext(
  request: FastifyRequest,
  body: { expectedVersion?: number; reason?: string; emergency?: boolean } = {},
): WriteContext {
  const headerVersion = optionalHeader(request, 'if-match', ifMatchHeader);
  const headerReason = optionalHeader(request, 'x-unveil-reason', reasonHeader);
  if (
    headerVersion !== undefined &&
    body.expectedVersion !== undefined &&
    headerVersion !== body.expectedVersion
  ) {
    throw new UnveilError('UNVEIL_ERR_HTTP_BAD_HEADER', {
      detail: 'If-Match and expectedVersion disagree',
      errors: [
        { path: '/headers/if-match', message: `differs from expectedVersion ${body.expectedVersion}` },
      ],
    });
  }
  const expectedVersion = body.expectedVersion ?? headerVersion;
  const reason = body.reason ?? headerReason;
  const role = request.principal.grant?.role;
  return {
    actor: request.principal.actor,
    ...(role === undefined ? {} : { role }),
    ...(body.emergency === true ? { emergency: true } : {}),
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
    ...(reason === undefined ? {} : { reason }),
  };
}

function optionalHeader<T>(request: FastifyRequest, name: string, schema: z.ZodType<T>): T | undefined {
  const value = request.headers[name];
  return value === undefined ? undefined : parseHeader(schema, name, value);
}

function parseHeader<T>(schema: z.ZodType<T>, name: string, value: string | string[]): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UnveilError('UNVEIL_ERR_HTTP_BAD_HEADER', {
    errors: toFieldErrors(result.error, ['headers', name]),
  });
}
