/**
 * `@unveil/sdk` for Node ≥ 20: the stream authenticates with an Authorization header; Node's own
 * WebSocket where there is one (Node ≥ 22), else the `ws` package, loaded only when first needed; the
 * snapshot cache is a file, when `cache` is a path.
 */
import { fileCache } from './cache/file.js';
import { type ClientOptions, type Runtime, UnveilClient } from './client.js';
import { openWith, type WebSocketConstructor } from './transport/socket.js';

export { fileCache } from './cache/file.js';
export * from './exports.js';

const node: Runtime = {
  keyInQuery: false,
  socket: () => async (url, headers) => {
    const native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (native !== undefined) return openWith(native)(url, headers);
    const { WebSocket } = await import('ws');
    return openWith(WebSocket as unknown as WebSocketConstructor)(url, headers);
  },
  cache: (path) => (path === undefined ? undefined : fileCache(path)),
};

/**
 * Creates a client and starts it: loads the cache or `bootstrap`, opens the stream (or polls), and begins
 * flushing events. `await client.ready()` before serving traffic.
 */
export function createClient(options: ClientOptions): UnveilClient {
  return new UnveilClient(options, node);
}
