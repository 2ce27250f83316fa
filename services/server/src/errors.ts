/**
 * The error registry: every error a client can see, with its stable code, HTTP status and title.
 * A leaf module (imports nothing of ours) so that any layer can throw these; docs/errors.md documents
 * each code and a test keeps the two in step.
 */
export const ERRORS = {
  UNVEIL_ERR_HTTP_NOT_FOUND: { status: 404, title: 'No such route' },
  UNVEIL_ERR_HTTP_BAD_JSON: { status: 400, title: 'Malformed JSON body' },
  UNVEIL_ERR_HTTP_BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNVEIL_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  UNVEIL_ERR_HTTP_BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNVEIL_ERR_HTTP_BAD_HEADER: { status: 400, title: 'Invalid request header' },
  UNVEIL_ERR_HTTP_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  UNVEIL_ERR_AUTH_MISSING: { status: 401, title: 'API key required' },
  UNVEIL_ERR_AUTH_INVALID: { status: 401, title: 'API key invalid or revoked' },
  UNVEIL_ERR_AUTH_FORBIDDEN: { status: 403, title: 'Not allowed for this key' },
  UNVEIL_ERR_VALIDATION_FAILED: { status: 400, title: 'Request does not match the schema' },
  UNVEIL_ERR_VERSION_CONFLICT: { status: 409, title: 'Version conflict' },
  UNVEIL_ERR_ENV_NOT_FOUND: { status: 404, title: 'Environment not found' },
  UNVEIL_ERR_ENV_EXISTS: { status: 409, title: 'Environment already exists' },
  UNVEIL_ERR_FLAG_NOT_FOUND: { status: 404, title: 'Flag not found' },
  UNVEIL_ERR_FLAG_EXISTS: { status: 409, title: 'Flag already exists' },
  UNVEIL_ERR_FLAG_ARCHIVED: { status: 409, title: 'Flag is archived' },
  UNVEIL_ERR_FLAG_INVALID: { status: 422, title: 'Flag definition is inconsistent' },
  UNVEIL_ERR_FLAG_CONFIG_INVALID: { status: 422, title: 'Flag configuration is inconsistent' },
  UNVEIL_ERR_FLAG_IN_USE: { status: 409, title: 'Flag is a prerequisite of other flags' },
  UNVEIL_ERR_SEGMENT_NOT_FOUND: { status: 404, title: 'Segment not found' },
  UNVEIL_ERR_SEGMENT_EXISTS: { status: 409, title: 'Segment already exists' },
  UNVEIL_ERR_SEGMENT_INVALID: { status: 422, title: 'Segment is inconsistent' },
  UNVEIL_ERR_SEGMENT_IN_USE: { status: 409, title: 'Segment is used by flags' },
  UNVEIL_ERR_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  UNVEIL_ERR_KEY_EXISTS: { status: 409, title: 'API key name taken' },
  UNVEIL_ERR_VERSION_NOT_FOUND: { status: 404, title: 'Version not found' },
  UNVEIL_ERR_ENV_FROZEN: { status: 423, title: 'Environment is frozen' },
  UNVEIL_ERR_EMERGENCY_FORBIDDEN: { status: 403, title: 'Emergency override not allowed' },
  UNVEIL_ERR_RELEASE_NOT_FOUND: { status: 404, title: 'Release not found' },
  UNVEIL_ERR_RELEASE_EXISTS: { status: 409, title: 'Release already exists' },
  UNVEIL_ERR_RELEASE_INVALID: { status: 422, title: 'Release is inconsistent' },
  UNVEIL_ERR_RELEASE_CONFLICT: { status: 409, title: 'Flag held by another release' },
  UNVEIL_ERR_RELEASE_STATE: { status: 409, title: "Not possible in the release's state" },
  UNVEIL_ERR_FREEZE_NOT_FOUND: { status: 404, title: 'Freeze not found' },
  UNVEIL_ERR_FREEZE_EXISTS: { status: 409, title: 'Freeze already exists' },
  UNVEIL_ERR_CHANGE_NOT_FOUND: { status: 404, title: 'Change request not found' },
  UNVEIL_ERR_CHANGE_DECIDED: { status: 409, title: 'Change request already decided' },
  UNVEIL_ERR_CHANGE_SELF_APPROVAL: { status: 403, title: 'Authors cannot approve their own change' },
  UNVEIL_ERR_SERVER_INTERNAL: { status: 500, title: 'Internal server error' },
  UNVEIL_ERR_DATABASE_UNAVAILABLE: { status: 503, title: 'Database unavailable' },
  UNVEIL_ERR_DATABASE_TIMEOUT: { status: 503, title: 'Database did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** One failing field: `path` is a JSON pointer into the request (`/body/rules/0/serve/variant`). */
export interface FieldError {
  path: string;
  message: string;
}

/** Builds a field error from path segments, as an RFC 6901 JSON pointer (keys may contain `/`). */
export function fieldError(path: readonly (string | number)[], message: string): FieldError {
  const pointer = path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`);
  return { path: pointer.join(''), message };
}

/** Re-roots field errors, e.g. paths relative to a resource under the `/body` that carried it. */
export function prefixPaths(prefix: string, errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => ({ ...error, path: `${prefix}${error.path}` }));
}

export interface UnveilErrorOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extra members of the problem document, e.g. `currentVersion` on a conflict. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** The only error type services throw on purpose; the error handler turns it into problem+json. */
export class UnveilError extends Error {
  override readonly name = 'UnveilError';
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  readonly extensions: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    options: UnveilErrorOptions = {},
  ) {
    super(options.detail ?? ERRORS[code].title, { cause: options.cause });
    this.status = ERRORS[code].status;
    this.title = ERRORS[code].title;
    this.detail = options.detail;
    this.errors = options.errors ?? [];
    this.extensions = options.extensions ?? {};
  }
}
