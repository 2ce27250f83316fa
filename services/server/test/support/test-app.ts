import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type AppConfig, buildApp } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import { BOOTSTRAP_KEY_NAME, type NewKeyInput } from '../../src/features/keys/keys-service.js';
import { ManualClock } from './manual-clock.js';
import { openTestDatabase } from './test-database.js';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  /** The database's URL when it is a Postgres one (for processes started against it). */
  databaseUrl?: string;
  clock: ManualClock;
  /** The bootstrap admin key, which `request` sends unless told otherwise. */
  adminKey: string;
  /** `app.inject` with JSON in and out, authenticated. */
  request(options: JsonRequest): Promise<JsonResponse>;
  /** Creates a key (as the bootstrap admin) and returns the key itself. */
  createKey(input: NewKeyInput): Promise<string>;
}

export interface JsonRequest {
  method: NonNullable<InjectOptions['method']>;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send as this actor: an admin key of that name is created on first use. Default: the bootstrap admin. */
  as?: string;
}

export interface JsonResponse {
  status: number;
  headers: LightMyRequestResponse['headers'];
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely and assert on them.
  body: any;
}

export const TEST_BODY_LIMIT = 64 * 1024;

/**
 * One app and one database per test file, started before its tests and torn down after. Tests inside
 * a file share it, so each creates the resources it needs under keys of its own (see `uniqueKey`).
 */
export function useTestApp(config: Partial<AppConfig> = {}): () => TestApp {
  let testApp: TestApp | undefined;
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await openTestDatabase();
    const clock = new ManualClock();
    const app = await buildApp({
      db: database.db,
      clock,
      logger: false,
      // Tests send thousands of admin requests from one address; rate-limit.test.ts sets its own limit.
      // The release scheduler ticks when a test says so (`services.scheduler.tick()`), after moving the clock.
      config: {
        bodyLimit: TEST_BODY_LIMIT,
        adminRateLimit: 1_000_000,
        scheduler: { autoStart: false },
        ...config,
      },
    });
    const adminKey = (await app.services.keys.ensureBootstrapKey(undefined))!;
    const createKey = async (input: NewKeyInput) =>
      (await app.services.keys.create(input, { actor: BOOTSTRAP_KEY_NAME })).key;
    const actorKeys = new Map<string, Promise<string>>();
    const keyOf = (actor: string | undefined): Promise<string> => {
      if (actor === undefined) return Promise.resolve(adminKey);
      let key = actorKeys.get(actor);
      if (key === undefined) {
        key = createKey({ kind: 'admin', name: actor, role: 'admin', environments: null });
        actorKeys.set(actor, key);
      }
      return key;
    };
    testApp = {
      app,
      db: database.db,
      ...(database.url === undefined ? {} : { databaseUrl: database.url }),
      clock,
      adminKey,
      createKey,
      request: async (options) => injectJson(app, options, await keyOf(options.as)),
    };
    dispose = async () => {
      await app.close();
      await database.dispose();
    };
  });
  afterAll(async () => {
    await dispose?.();
  });
  return () => {
    if (testApp === undefined) throw new Error('useTestApp: the app starts in beforeAll');
    return testApp;
  };
}

async function injectJson(app: FastifyInstance, options: JsonRequest, key: string): Promise<JsonResponse> {
  const response = await app.inject({
    method: options.method,
    url: options.url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  const text = response.body;
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

let counter = 0;
/** A key no other test in the file uses. */
export function uniqueKey(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
