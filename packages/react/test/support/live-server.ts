/**
 * A real Unveil server in the test's process (services/server's `useTestApp`: the real app on a real
 * database, listening on a free port) and SDK clients connected to it over real sockets. Each test takes
 * an environment of its own; the flags are created once per file.
 */
import { type ClientOptions, createClient, type SnapshotMessage, type UnveilClient } from '@unveil/sdk';
import { afterEach, beforeAll, expect, vi } from 'vitest';
import { type TestApp, uniqueKey, useTestApp } from '../../../../services/server/test/support/test-app.js';

// Copying the migrated database template and opening it takes seconds on a busy machine.
vi.setConfig({ hookTimeout: 60_000 });

/** A flag as `POST /api/v1/flags` takes it: boolean (variants `on`, `off`) unless told otherwise. */
export interface FlagDefinition {
  type?: 'boolean' | 'string' | 'number' | 'json';
  variants?: { key: string; value: unknown }[];
  clientSide?: boolean;
}

/** One environment of the server, with a client key, and what tests do to it. */
export interface LiveEnvironment {
  key: string;
  clientKey: string;
  /** `PUT /api/v1/environments/:env/flags/:flag`, as an admin. */
  configure(flag: string, config: Record<string, unknown>): Promise<void>;
  /** Serves one variant to everyone. */
  serve(flag: string, variant: string, offVariant?: string): Promise<void>;
  /** The environment's configuration version now: what connected clients converge to. */
  version(): Promise<number>;
  /** `GET /sdk/v1/config` with the client key: what a server renders a page from (a bootstrap). */
  config(): Promise<SnapshotMessage>;
  /** A client streaming this environment with the client key; closed after the test. */
  connect(options?: Partial<ClientOptions>): UnveilClient;
}

export interface LiveServer {
  url: string;
  environment(): Promise<LiveEnvironment>;
}

const clients = new Set<UnveilClient>();
afterEach(async () => {
  await Promise.all([...clients].map((client) => client.close()));
  clients.clear();
});

/** Starts the server for this test file (in `beforeAll`) and creates `flags` on it. */
export function startLiveServer(flags: Record<string, FlagDefinition>): () => LiveServer {
  // biome-ignore lint/correctness/useHookAtTopLevel: useTestApp registers vitest hooks; it is no React hook.
  const testApp = useTestApp();
  let url: string | undefined;
  beforeAll(async () => {
    const t = testApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    for (const [key, definition] of Object.entries(flags)) {
      await admin(t, 201, 'POST', '/api/v1/flags', { key, name: key, type: 'boolean', ...definition });
    }
  });
  return () => {
    if (url === undefined) throw new Error('startLiveServer: the server starts in beforeAll');
    const base = url;
    return { url: base, environment: () => createEnvironment(testApp(), base) };
  };
}

async function createEnvironment(t: TestApp, url: string): Promise<LiveEnvironment> {
  const key = uniqueKey('react');
  await admin(t, 201, 'POST', '/api/v1/environments', { key, name: key });
  const clientKey = await t.createKey({ kind: 'client', name: `${key}-client`, environment: key });
  const configure = async (flag: string, config: Record<string, unknown>) => {
    await admin(t, 200, 'PUT', `/api/v1/environments/${key}/flags/${flag}`, config);
  };
  return {
    key,
    clientKey,
    configure,
    serve: (flag, variant, offVariant = variant) =>
      configure(flag, { enabled: true, offVariant, fallthrough: { variant } }),
    version: async () => (await t.app.services.snapshots.getSnapshot(key)).version,
    async config() {
      const response = await fetch(`${url}/sdk/v1/config`, {
        headers: { authorization: `Bearer ${clientKey}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as SnapshotMessage;
    },
    connect(options = {}) {
      const client = createClient({ url, sdkKey: clientKey, cache: false, ...options });
      clients.add(client);
      return client;
    },
  };
}

async function admin(t: TestApp, expected: number, method: 'POST' | 'PUT', url: string, body: unknown) {
  const response = await t.request({ method, url, body });
  expect(response.status, `${method} ${url}: ${JSON.stringify(response.body)}`).toBe(expected);
}
