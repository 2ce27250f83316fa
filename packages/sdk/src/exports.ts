/** What both builds export besides `createClient` (kept in one place so that they cannot drift apart). */
export type {
  ErrorCode as EvaluationErrorCode,
  EvaluationContext,
  EvaluationResult,
  JsonValue,
  Reason,
  Snapshot,
  SnapshotMessage,
} from '@unveil/core';
export { localStorageCache, type StorageLike } from './cache/local-storage.js';
export type { SnapshotCache } from './cache/snapshot-cache.js';
export {
  type AppInfo,
  type ClientEvents,
  type ClientOptions,
  type ClientState,
  type Runtime,
  UnveilClient,
  type ValueOf,
} from './client.js';
export type { Clock } from './clock.js';
export { ERROR_CODES, UnveilError, type UnveilErrorCode } from './errors.js';
export type { FetchInit, FetchLike, ResponseLike } from './transport/http.js';
export type { WebSocketConstructor, WebSocketLike } from './transport/socket.js';
export { SDK_NAME, SDK_VERSION } from './version.js';
