/**
 * Three server instances of one deployment: one Postgres database, and a Redis bus of the test's own (so
 * that stopping it takes no other test's bus away). One cluster serves the whole file, since starting
 * server processes is most of its cost; the tests run in order and each leaves it serving, except the
 * last, which shuts an instance down:
 *
 * 1. a change written on B reaches a thousand clients spread over A, B and C (latency printed);
 * 2. Redis stopped and restarted: every instance keeps serving, then reconverges within 2 s;
 * 3. graceful shutdown of C behind a load balancer: its clients move to A and B, missing no version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seed } from '../support/admin-api.js';
import { type Cluster, startCluster } from '../support/cluster.js';
import { describeLatency, summarize } from '../support/latency.js';
import { describeWithRedisServer, type RedisProcess, startRedis } from '../support/redis-process.js';
import { closeAll, type Recorded, startClient, type UnveilClient } from '../support/sdk.js';
import { connectFleet } from '../support/stream-clients.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import type { UnveilServer } from '../support/unveil-server.js';

const FLAGS = ['rollout', 'checkout', 'search', 'banner'] as const;
const NAMES = ['A', 'B', 'C'] as const;

describeWithRedisServer('three instances on one database and one Redis', ['DATABASE_URL'], () => {
  let redis: RedisProcess;
  let cluster: Cluster;
  let seeded: Seeded;
  let instances: readonly [UnveilServer, UnveilServer, UnveilServer];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster(3, { REDIS_URL: redis.url });
    instances = cluster.instances as typeof instances;
    seeded = await seed(instances[0].admin, Object.fromEntries(FLAGS.map((flag) => [flag, {}])), 'cluster');
  }, 120_000);

  afterAll(async () => {
    await closeAll();
    await cluster?.dispose();
    await redis?.stop();
  }, 60_000);

  const latest = () => instances[0].admin.snapshotVersion(seeded.environment);
  const set = (instance: UnveilServer, flag: string, on: boolean) =>
    instance.admin.serve(seeded.environment, flag, on ? 'on' : 'off', 'off');
  const allAt = async (group: readonly UnveilClient[], version: number, timeout = 10_000) =>
    expect
      .poll(() => group.filter((client) => client.version === version).length, { timeout, interval: 20 })
      .toBe(group.length);
  const servedVersions = async () =>
    (await Promise.all(instances.map((instance) => instance.admin.delivery(seeded.environment)))).map(
      (report) => report.version,
    );

  describe('a change written on one instance', () => {
    const CLIENTS = 1_000;
    const CHANGES = 5;

    // The 100 ms p99 target is for `pnpm bench:scale` to judge, not for a test on a shared machine: this
    // asserts that every client gets every version, in order, and prints the latency. Here one process
    // reads all thousand sockets and acks each patch, which alone spread one change's arrivals over
    // 40–120 ms when measured; the benchmark's clients live in processes of their own.
    it('reaches all of a thousand clients spread over A, B and C, in order', async () => {
      const fleet = await connectFleet(
        instances.map((instance) => instance.url),
        seeded.serverKey,
        CLIENTS,
      );
      try {
        const connected = await Promise.all(
          instances.map(
            async (instance) => (await instance.admin.delivery(seeded.environment)).sdks.connected,
          ),
        );
        expect(connected).toEqual([334, 333, 333]);

        const latencies: number[][] = [[], [], []];
        for (let change = 0; change < CHANGES; change++) {
          const sent = performance.now();
          await set(instances[1], 'rollout', change % 2 === 0);
          const version = await latest();
          await fleet.reach(version, 10_000);
          fleet.clients.forEach((client, i) => {
            latencies[i % 3]!.push(client.reachedAt(version)! - sent);
          });
        }
        expect(fleet.anomalies()).toEqual({ gaps: 0, reordered: 0 });
        expect(fleet.clients.filter((client) => client.closed !== undefined)).toEqual([]);
        const final = await latest();
        expect(await servedVersions()).toEqual([final, final, final]);
        console.info(
          [
            `${CLIENTS} clients over 3 instances, ${CHANGES} changes written on B; ms from the PUT sent:`,
            ...latencies.map(
              (values, i) => `  clients on ${NAMES[i]}: ${describeLatency(summarize(values))}`,
            ),
            `  all: ${describeLatency(summarize(latencies.flat()))}`,
          ].join('\n'),
        );
      } finally {
        await fleet.close();
      }
    }, 60_000);
  });

  describe('Redis stopped and restarted', () => {
    const CLIENTS_PER_INSTANCE = 4;
    /** The promise to operators: every instance serves the latest version this soon after Redis is back. */
    const RECONVERGE_MS = 2_000;

    it('keeps serving SDKs while Redis is down; on its return every instance reconverges within 2 s', async () => {
      const [a, b, c] = instances;
      const clients = instances.map((instance) =>
        Array.from(
          { length: CLIENTS_PER_INSTANCE },
          () => startClient({ url: instance.url, sdkKey: seeded.serverKey }).client,
        ),
      );
      const everyone = clients.flat();
      await Promise.all(everyone.map((client) => client.ready({ timeoutMs: 10_000 })));
      // The bus works: a change on A reaches the clients of all three.
      await set(a, 'checkout', true);
      await allAt(everyone, await latest());

      await redis.stop();
      // Writes still commit, on any instance, and the writing instance's own clients see them at once.
      await set(a, 'search', true);
      await allAt(clients[0]!, await latest());
      await set(b, 'banner', true);
      const final = await latest();
      await allAt(clients[1]!, final);
      // C heard of neither, yet serves what it has: its clients stay ready (not stale), a newcomer is served.
      const newcomer = startClient({ url: c.url, sdkKey: seeded.serverKey }).client;
      expect(await newcomer.ready({ timeoutMs: 10_000 })).toBe('ready');
      everyone.push(newcomer);
      for (const client of everyone) {
        expect(client.state).toBe('ready');
        expect(client.isEnabled('checkout')).toBe(true);
      }

      await redis.start();
      const back = performance.now();
      // Every instance serves the latest version again, without any further write to nudge it.
      await expect
        .poll(servedVersions, { timeout: RECONVERGE_MS, interval: 50 })
        .toEqual([final, final, final]);
      const reconvergedMs = performance.now() - back;
      // And every client follows (C's clients and the newcomer included): nobody is left behind.
      await allAt(everyone, final, RECONVERGE_MS);
      for (const client of everyone) {
        expect(['checkout', 'search', 'banner'].map((flag) => client.isEnabled(flag))).toEqual([
          true,
          true,
          true,
        ]);
      }
      console.info(`instances reconverged ${reconvergedMs.toFixed(0)} ms after Redis answered again`);

      // The bus carries new changes again: one written on C reaches everybody.
      await set(c, 'search', false);
      await allAt(everyone, await latest());
      expect(everyone.every((client) => !client.isEnabled('search'))).toBe(true);
      await closeAll();
    }, 60_000);
  });

  describe('graceful shutdown (SIGTERM) of one instance behind a load balancer', () => {
    const CLIENTS = 30;
    let balancer: TcpProxy;

    // The balancer: round robin over the three, skipping one that refuses, as a health-checking load
    // balancer would. The SDK takes one URL, so this is how its clients can reach the survivors.
    beforeAll(async () => {
      balancer = await startTcpProxy(
        instances.map((instance) => ({ host: '127.0.0.1', port: instance.port })),
      );
    });

    afterAll(async () => {
      await closeAll();
      await balancer?.close();
    });

    it('moves its clients to the others with goaway; every client gets every version', async () => {
      const [a, b, c] = instances;
      const url = `http://${balancer.address}`;
      const fleet: { client: UnveilClient; events: Recorded }[] = [];
      for (let i = 0; i < CLIENTS; i++) fleet.push(startClient({ url, sdkKey: seeded.serverKey }));
      await Promise.all(fleet.map(({ client }) => client.ready({ timeoutMs: 10_000 })));
      const start = await latest();
      await allAt(
        fleet.map(({ client }) => client),
        start,
      );
      // Round robin: a third of the streams (each SDK holds one) went to C.
      const onC = (await c.admin.delivery(seeded.environment)).sdks.connected;
      expect(onC).toBeGreaterThanOrEqual(CLIENTS / 3 - 1);

      const stopping = c.stop();
      // A write while C's clients are moving (they wait out the goaway hint, 1 s, plus jitter).
      await set(a, 'checkout', false);
      await stopping;
      // One more once they have had time to land elsewhere.
      await set(b, 'search', true);
      const final = await latest();
      expect(final).toBe(start + 2);

      await allAt(
        fleet.map(({ client }) => client),
        final,
        20_000,
      );
      // Every stream is open again, on A or B.
      await expect
        .poll(
          async () =>
            (await a.admin.delivery(seeded.environment)).sdks.connected +
            (await b.admin.delivery(seeded.environment)).sdks.connected,
          { timeout: 20_000 },
        )
        .toBe(CLIENTS);
      const moved = fleet.filter(({ events }) => events.errors.some((error) => /goaway/.test(error.message)));
      expect(moved.length).toBe(onC);
      for (const { client, events } of fleet) {
        expect(client.isEnabled('checkout')).toBe(false);
        expect(client.isEnabled('search')).toBe(true);
        // Versions only ever move forward, and end at the last one.
        const versions = events.changes.map((change) => change.version!);
        expect(versions).toEqual([...versions].sort((x, y) => x - y));
        expect(versions.at(-1)).toBe(final);
      }
      for (const { client, events } of moved) {
        expect(events.reconnected).toHaveLength(1);
        expect(client.state).toBe('ready');
      }
    }, 60_000);
  });
});
