import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';
import { type FieldError, fieldError, UnveilError } from '../errors.js';

/** Lets route handlers see the parsed output of the zod schemas they declare. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/**
 * zod is the only validator: a route's schema parses its part of the request, and the handler receives
 * the parsed value (with defaults applied and unknown fields rejected by strict objects).
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  return (data) => {
    // Fastify hands a missing body over as null; schemas say what an absent body means (`.default`).
    const result = schema.safeParse(part === 'body' && data === null ? undefined : data);
    if (result.success) return { value: result.data };
    return {
      error: new UnveilError('UNVEIL_ERR_VALIDATION_FAILED', { errors: toFieldErrors(result.error, [part]) }),
    };
  };
};

/** `prefix` names the request part, e.g. `['body']` or `['headers', 'if-match']`. */
export function toFieldErrors(error: z.ZodError, prefix: readonly string[]): FieldError[] {
  return error.issues.map((issue) => fieldError([...prefix, ...issue.path.map(String)], issue.message));
}
