/**
 * `@unveil/sdk` for browsers (and the `default` condition: workers, Deno, React Native): the standard
 * WebSocket, which cannot send headers, so the stream authenticates with `?key=<client key>` (a server
 * key is never put in a URL: the client polls with an Authorization header instead); snapshot cache in
 * localStorage.
 */
import { localStorageCache } from './cache/local-storage.js';
import { type ClientOptions, type Runtime, UnveilClient } from './client.js';
import { openWith, type WebSocketConstructor } from './transport/socket.js';

export * from './exports.js';

const browser: Runtime = {
  keyInQuery: true,
  socket: () => {
    const WebSocket = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    return WebSocket === undefined ? undefined : openWith(WebSocket);
  },
  cache: (option, key) => localStorageCache(option ?? key),
};

/**
 * Creates a client and starts it: loads the cache or `bootstrap`, opens the stream (or polls), and begins
 * flushing events. `await client.ready()` before the first evaluations that matter.
 */
export function createClient(options: ClientOptions): UnveilClient {
  return new UnveilClient(options, browser);
}
