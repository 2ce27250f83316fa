/**
 * Every error the SDK reports, by stable code. The SDK never throws them at the caller (evaluation never
 * throws); it hands them to `onError` and to `on('error')`. Leaf module: imports nothing of ours.
 */
export const ERROR_CODES = {
  /** A server key would have gone into a URL (browser streaming): refused, the SDK polls instead. */
  UNVEIL_ERR_SDK_KEY_IN_URL: 'server keys are never sent in a URL; browsers stream with client keys only',
  /** The server refused the key (close 4401/4403, HTTP 401/403): the SDK stops its network activity. */
  UNVEIL_ERR_SDK_AUTH: 'the server refused the SDK key',
  /** The stream could not be opened or was lost; the SDK reconnects with backoff. */
  UNVEIL_ERR_SDK_STREAM: 'stream connection failed or was lost',
  /** The server sent an `error` frame. */
  UNVEIL_ERR_SDK_SERVER: 'the server reported an error',
  /** A frame or body that is not a protocol message (ignored). */
  UNVEIL_ERR_SDK_BAD_MESSAGE: 'malformed message from the server',
  /** `GET /sdk/v1/config` failed. */
  UNVEIL_ERR_SDK_POLL: 'fetching the configuration failed',
  /** `POST /sdk/v1/events` failed; the batch is kept (bounded) and retried. */
  UNVEIL_ERR_SDK_EVENTS: 'sending events failed',
  /** Reading or writing the persistent cache failed. */
  UNVEIL_ERR_SDK_CACHE: 'the snapshot cache failed',
  /** An event listener threw; the SDK went on. */
  UNVEIL_ERR_SDK_LISTENER: 'an event listener threw',
  /**
   * An operator family (regex, semver or date operators, loaded when a snapshot first uses them) could
   * not be loaded: the flags that need it serve the caller's default (MALFORMED_FLAG) until a later
   * configuration loads it.
   */
  UNVEIL_ERR_SDK_LOAD: 'loading an operator family failed',
  /** An argument was refused (for instance `track` without an event name). */
  UNVEIL_ERR_SDK_ARGUMENT: 'invalid argument',
} as const;

/** One of {@link ERROR_CODES}' keys. */
export type UnveilErrorCode = keyof typeof ERROR_CODES;

/** An error the SDK reports: `code` is stable, `message` is for people, `cause` is the original if any. */
export class UnveilError extends Error {
  override readonly name = 'UnveilError';
  constructor(
    readonly code: UnveilErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail === undefined ? ERROR_CODES[code] : `${ERROR_CODES[code]}: ${detail}`, options);
  }
}
