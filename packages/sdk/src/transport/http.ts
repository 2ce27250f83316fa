import type { EventsBatch, SnapshotMessage } from '@unveil/core';
import { parseSnapshot } from '../cache/snapshot-cache.js';
import { UnveilError } from '../errors.js';

/** The part of a `fetch` response the SDK reads. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** What the SDK passes to `fetch`. */
export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** A `fetch` function: the global one, or one injected for tests, proxies or custom agents. */
export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

/** Result of a configuration poll. */
export type ConfigResponse = { snapshot: SnapshotMessage; etag: string | undefined } | 'not-modified';

/** `http(s)://host/base` → `ws(s)://host/base/sdk/v1/stream`, with `?key=` when given. */
export function streamUrl(base: string, queryKey?: string): string {
  const url = `${base.replace(/^http/, 'ws')}/sdk/v1/stream`;
  return queryKey === undefined ? url : `${url}?key=${encodeURIComponent(queryKey)}`;
}

/** `GET /sdk/v1/config`, conditional on `etag`. Throws {@link UnveilError} (`…_AUTH` for 401/403). */
export async function fetchConfig(
  fetch: FetchLike,
  base: string,
  headers: Record<string, string>,
  etag: string | undefined,
): Promise<ConfigResponse> {
  const response = await fetch(`${base}/sdk/v1/config`, {
    method: 'GET',
    headers: etag === undefined ? headers : { ...headers, 'if-none-match': etag },
  });
  if (response.status === 304) return 'not-modified';
  check(response, 'UNVEIL_ERR_SDK_POLL');
  const snapshot = parseSnapshot(await response.text());
  if (snapshot === undefined) throw new UnveilError('UNVEIL_ERR_SDK_BAD_MESSAGE', 'GET /sdk/v1/config');
  return { snapshot, etag: response.headers.get('etag') ?? undefined };
}

/** `POST /sdk/v1/events`. Throws {@link UnveilError} unless the server accepted the batch. */
export async function postEvents(
  fetch: FetchLike,
  base: string,
  headers: Record<string, string>,
  batch: EventsBatch,
): Promise<void> {
  const response = await fetch(`${base}/sdk/v1/events`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  check(response, 'UNVEIL_ERR_SDK_EVENTS');
}

function check(response: ResponseLike, code: 'UNVEIL_ERR_SDK_POLL' | 'UNVEIL_ERR_SDK_EVENTS'): void {
  const { status } = response;
  if (status === 401 || status === 403) throw new UnveilError('UNVEIL_ERR_SDK_AUTH', `HTTP ${status}`);
  if (status < 200 || status > 299) throw new UnveilError(code, `HTTP ${status}`);
}
