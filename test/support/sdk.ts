/**
 * The SDK under test: its Node entry, from source (as vitest resolves `@unveil/core`), so these tests never
 * run a stale build.
 */
import {
  type ClientOptions,
  createClient,
  type UnveilClient,
  type UnveilError,
} from '../../packages/sdk/src/node.js';

export * from '../../packages/sdk/src/node.js';

/** What a client said, in order, with when (epoch ms). */
export interface Recorded {
  changes: { at: number; keys: string[]; version: number | undefined }[];
  stale: number[];
  reconnected: number[];
  errors: UnveilError[];
}

/** Records a client's events from now on. */
export function record(client: UnveilClient): Recorded {
  const recorded: Recorded = { changes: [], stale: [], reconnected: [], errors: [] };
  client.on('change', (keys) => recorded.changes.push({ at: Date.now(), keys, version: client.version }));
  client.on('stale', () => recorded.stale.push(Date.now()));
  client.on('reconnected', () => recorded.reconnected.push(Date.now()));
  client.on('error', (error) => recorded.errors.push(error));
  return recorded;
}

/** Clients created by `startClient`, closed by `closeAll` (afterEach/afterAll). */
const clients = new Set<UnveilClient>();

/**
 * `createClient`, with a recorder attached at once (its error listener keeps the SDK from writing warnings
 * to the console), remembered for `closeAll`.
 */
export function startClient(options: ClientOptions): { client: UnveilClient; events: Recorded } {
  const client = createClient(options);
  clients.add(client);
  return { client, events: record(client) };
}

export async function closeAll(): Promise<void> {
  const closing = [...clients].map((client) => client.close());
  clients.clear();
  await Promise.all(closing);
}
