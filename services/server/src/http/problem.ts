import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { type ErrorCode, UnveilError } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Fastify's own client errors, by their code, mapped to ours; other 4xx keep their status. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'UNVEIL_ERR_HTTP_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'UNVEIL_ERR_HTTP_BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'UNVEIL_ERR_HTTP_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNVEIL_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'UNVEIL_ERR_HTTP_BAD_REQUEST',
};

/**
 * The one error handler: every error leaves as RFC 9457 problem+json. Client errors say what is wrong;
 * server errors say nothing beyond their status (the details go to the log).
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | UnveilError, request, reply) => {
    const problem = toUnveilError(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new UnveilError('UNVEIL_ERR_HTTP_NOT_FOUND', { detail: `${request.method} ${request.url}` }),
    ),
  );
}

function toUnveilError(error: FastifyError | UnveilError): UnveilError {
  if (error instanceof UnveilError) return error;
  if (isDatabaseUnavailable(error)) {
    return new UnveilError('UNVEIL_ERR_DATABASE_UNAVAILABLE', {
      detail: 'the database cannot be reached; nothing was changed — retry shortly',
      cause: error,
    });
  }
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return new UnveilError('UNVEIL_ERR_SERVER_INTERNAL', { cause: error });
  const code = FASTIFY_CODES[error.code] ?? 'UNVEIL_ERR_HTTP_BAD_REQUEST';
  return new UnveilError(code, { detail: error.message, cause: error });
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: UnveilError): FastifyReply {
  if (error.status === 503) reply.header('retry-after', '2');
  return reply
    .status(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: `urn:unveil:problem:${error.code}`,
      title: error.title,
      status: error.status,
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      instance: request.url,
      code: error.code,
      errors: error.errors,
      ...error.extensions,
    });
}
