import type { SnapshotMessage } from '@unveil/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { BOOTSTRAP_KEY_NAME } from '../src/features/keys/keys-service.js';
import { ManualClock } from './support/manual-clock.js';
import { connectSdk, isSnapshot, type SdkSocket } from './support/sdk-socket.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** The database goes away under a running app: SDKs keep being served, writes answer 503. */
describe('database outage', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let baseUrl = '';
  let adminKey = '';
  let serverKey = '';
  let sdk: SdkSocket;
  const clock = new ManualClock();

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildApp({
      db: database.db,
      clock: new ManualClock(),
      logger: false,
      config: { bodyLimit: 65_536 },
    });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    adminKey = (await app.services.keys.ensureBootstrapKey(undefined))!;
    const admin = { actor: BOOTSTRAP_KEY_NAME };
    await app.services.environments.create({ key: 'prod', name: 'prod', protected: false }, admin);
    serverKey = (await app.services.keys.create({ kind: 'server', name: 'sdk', environment: 'prod' }, admin))
      .key;
    sdk = await connectSdk(baseUrl, serverKey);
    await sdk.next(isSnapshot);
    await database.db.close(); // the outage
  });

  afterAll(async () => {
    sdk.close();
    await app.close();
    await database.dispose().catch(() => {}); // its connection is already closed
  });

  it('answers admin writes with 503 problem+json and a retry hint, not 500', async () => {
    const response = await fetch(`${baseUrl}/api/v1/environments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'staging', name: 'staging' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as { code: string }).code).toBe('UNVEIL_ERR_DATABASE_UNAVAILABLE');
  });

  it('reports not ready, while SDKs keep being served from memory', async () => {
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);
    clock.advance(5_000); // past the key cache's TTL: the key check cannot reach the database either
    const config = await fetch(`${baseUrl}/sdk/v1/config`, {
      headers: { authorization: `Bearer ${serverKey}` },
    });
    expect(config.status).toBe(200);
    expect(((await config.json()) as SnapshotMessage).environment).toBe('prod');
    expect(sdk.socket.readyState).toBe(sdk.socket.OPEN);
  });
});
