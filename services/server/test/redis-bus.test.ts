import { randomUUID } from 'node:crypto';
import type { PatchMessage } from '@unveil/core';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { EnvironmentChanged } from '../src/bus/bus.js';
import { RedisBus } from '../src/bus/redis-bus.js';
import { openDatabase } from '../src/db/database.js';
import { BOOTSTRAP_KEY_NAME } from '../src/features/keys/keys-service.js';
import { ManualClock } from './support/manual-clock.js';
import { connectSdk, isPatch, isSnapshot } from './support/sdk-socket.js';
import { describeWithServices } from './support/services.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

describeWithServices('Redis bus', ['REDIS_URL'], () => {
  const redisUrl = process.env.REDIS_URL!;

  it("delivers a change to every instance's listeners, the publisher's own at once", async () => {
    const channel = `unveil:test:${randomUUID()}`;
    const [a, b] = await Promise.all([
      RedisBus.connect(redisUrl, { channel }),
      RedisBus.connect(redisUrl, { channel }),
    ]);
    const seenByA: EnvironmentChanged[] = [];
    const seenByB: EnvironmentChanged[] = [];
    a.subscribe((change) => seenByA.push(change));
    b.subscribe((change) => seenByB.push(change));
    await a.publish({ environment: 'production', version: 7 });
    expect(seenByA[0]).toEqual({ environment: 'production', version: 7 });
    await expect.poll(() => seenByB).toEqual([{ environment: 'production', version: 7 }]);
    await Promise.all([a.close(), b.close()]);
  });

  it('ignores messages on the channel that are not changes, and says so', async () => {
    const channel = `unveil:test:${randomUUID()}`;
    const problems: string[] = [];
    const bus = await RedisBus.connect(redisUrl, { channel, onProblem: (problem) => problems.push(problem) });
    const seen: EnvironmentChanged[] = [];
    bus.subscribe((change) => seen.push(change));
    // Another program publishing on the same channel: raw text through a plain connection.
    const raw = new Redis(redisUrl);
    await raw.publish(channel, '{"environment":42}');
    await raw.publish(channel, 'not json');
    await expect.poll(() => problems.filter((problem) => problem.startsWith('ignored')).length).toBe(2);
    expect(seen).toEqual([]);
    raw.disconnect();
    await bus.close();
  });
});

describeWithServices('several instances behind one Postgres and Redis', ['REDIS_URL', 'DATABASE_URL'], () => {
  const channel = `unveil:test:${randomUUID()}`;
  let database: TestDatabase;
  const apps: FastifyInstance[] = [];
  const buses: RedisBus[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    for (let i = 0; i < 2; i++) {
      // Each instance has its own connection pool and bus, as separate processes would.
      const db = i === 0 ? database.db : await openDatabase({ databaseUrl: database.url! });
      const bus = await RedisBus.connect(process.env.REDIS_URL!, { channel });
      const app = await buildApp({
        db,
        clock: new ManualClock(),
        logger: false,
        config: { bodyLimit: 65_536 },
        bus,
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      apps.push(app);
      buses.push(bus);
      if (i > 0) closers.push(() => db.close());
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const bus of buses) await bus.close();
    for (const close of closers) await close();
    await database.dispose();
  });

  it('sends a change written on instance A to an SDK connected to instance B', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const adminKey = (await a.services.keys.ensureBootstrapKey(undefined))!;
    const admin = { actor: BOOTSTRAP_KEY_NAME };
    await a.services.environments.create({ key: 'prod', name: 'prod', protected: false }, admin);
    await a.services.flags.create(
      {
        key: 'shared',
        name: 'shared',
        description: '',
        type: 'boolean',
        variants: [
          { key: 'on', value: true },
          { key: 'off', value: false },
        ],
        tags: [],
        owner: null,
        temporary: false,
        clientSide: false,
      },
      admin,
    );
    const { key: serverKey } = await a.services.keys.create(
      { kind: 'server', name: 'sdk', environment: 'prod' },
      admin,
    );

    const onB = await connectSdk(
      `http://127.0.0.1:${(b.server.address() as { port: number }).port}`,
      serverKey,
    );
    const start = ((await onB.next(isSnapshot)) as { version: number }).version;
    const response = await a.inject({
      method: 'PUT',
      url: '/api/v1/environments/prod/flags/shared',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } }),
    });
    expect(response.statusCode).toBe(200);
    const patch = (await onB.next(isPatch(start + 1))) as PatchMessage;
    expect(patch.flags).toEqual([expect.objectContaining({ key: 'shared', enabled: true })]);
    onB.close();
  });
});
