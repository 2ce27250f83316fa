/**
 * Handler property types are declared through a method so that TypeScript compares their parameters
 * bivariantly: this is what lets the DOM `WebSocket`, Node's and the `ws` package's all satisfy
 * {@link WebSocketLike}, each with its own event classes.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of a WebSocket the SDK uses (DOM, Node ≥ 22, `ws` and test doubles all have it). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

/**
 * A WebSocket class. It is called as `new WebSocket(url)` where headers cannot be sent (browsers), and as
 * `new WebSocket(url, { headers })` where they can: the `ws` package and Node's own WebSocket accept that
 * form.
 */
export type WebSocketConstructor = new (url: string, init?: never) => WebSocketLike;

/** Opens a socket; `headers` is undefined where the runtime cannot send them. */
export type SocketOpener = (
  url: string,
  headers: Record<string, string> | undefined,
) => WebSocketLike | Promise<WebSocketLike>;

/** `WebSocket.OPEN`. */
export const OPEN = 1;

/** Opens with a given WebSocket class, with headers when there are any. */
export function openWith(WebSocket: WebSocketConstructor): SocketOpener {
  const Open = WebSocket as unknown as new (url: string, init?: object) => WebSocketLike;
  return (url, headers) => (headers === undefined ? new Open(url) : new Open(url, { headers }));
}
