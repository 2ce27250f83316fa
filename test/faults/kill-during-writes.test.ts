/**
 * `kill -9` in the middle of a burst of concurrent admin writes: what the server answered 2xx must be in
 * the database (a configuration version and an audit entry each) and must reach an SDK once the server is
 * back; what it could not do must never surface as a 500.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../../services/server/test/support/services.js';
import { type Seeded, seed } from '../support/admin-api.js';
import { closeAll, startClient } from '../support/sdk.js';
import { sleep, startServer, type UnveilServer } from '../support/unveil-server.js';

/** One writer per flag, all at once: each writes its flag again as soon as the last write is answered. */
const FLAGS = Array.from({ length: 8 }, (_, i) => `burst-${i}`);
/** Answered writes before the kill: enough that several are in flight when it comes. */
const WRITES_BEFORE_KILL = 40;

/** One write: its flag, the marker it carries (a target key), and what became of it. */
interface Write {
  flag: string;
  marker: string;
  /** HTTP status, or undefined when the connection failed (no answer at all). */
  status: number | undefined;
  /** Sent while the first process was alive: unanswered, it was in flight when the process died. */
  sentBeforeKill: boolean;
  /** The configuration version the server answered with. */
  version?: number;
}

describeWithServices('kill -9 during a burst of admin writes', ['DATABASE_URL'], () => {
  let server: UnveilServer;
  let seeded: Seeded;

  beforeAll(async () => {
    server = await startServer();
    seeded = await seed(server.admin, Object.fromEntries(FLAGS.map((flag) => [flag, {}])), 'kill-burst');
  }, 90_000);

  afterAll(async () => {
    await closeAll();
    await server?.dispose();
  }, 60_000);

  /** Serves `on` to the marker alone: each write's configuration is unique, and says which write it is. */
  const write = async (flag: string, sequence: number, sentBeforeKill: boolean): Promise<Write> => {
    const marker = `${flag}#${sequence}`;
    try {
      const response = await server.admin.request(
        'PUT',
        `/api/v1/environments/${seeded.environment}/flags/${flag}`,
        {
          enabled: true,
          offVariant: 'off',
          fallthrough: { variant: 'off' },
          targets: [{ variant: 'on', keys: [marker] }],
        },
      );
      return { flag, marker, sentBeforeKill, status: response.status, version: response.body?.version };
    } catch {
      return { flag, marker, sentBeforeKill, status: undefined };
    }
  };

  it('keeps every answered write, and the SDK gets the last of each after the restart', async () => {
    const { client } = startClient({ url: server.url, sdkKey: seeded.serverKey, random: () => 0.25 });
    expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');

    const writes: Write[] = [];
    let killed = false;
    let stopping = false;
    const writers = FLAGS.map(async (flag) => {
      for (let sequence = 0; !stopping; sequence++) {
        const result = await write(flag, sequence, !killed);
        writes.push(result);
        // While the server is down every attempt fails at once: do not spin.
        if (result.status === undefined) await sleep(100);
      }
    });
    const answered = () => writes.filter((w) => w.status !== undefined).length;
    await expect.poll(answered, { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(WRITES_BEFORE_KILL);
    killed = true;
    await server.kill();
    await sleep(200);
    await server.start();
    // The burst goes on against the restarted server for a little while, then stops.
    const afterRestart = writes.length;
    await expect
      .poll(() => writes.slice(afterRestart).filter((w) => w.status === 200).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(FLAGS.length);
    stopping = true;
    await Promise.all(writers);

    // The kill cut writes off mid-flight (no answer at all); every answer was a success, or at worst a
    // "try again" (503): never a 500, never a 4xx for a valid write.
    const cutOff = writes.filter((w) => w.sentBeforeKill && w.status === undefined);
    expect(cutOff.length).toBeGreaterThan(0);
    expect(writes.filter((w) => w.status !== undefined && w.status !== 200 && w.status !== 503)).toEqual([]);
    console.info(
      `${writes.length} writes: ${writes.filter((w) => w.status === 200).length} answered 200, ` +
        `${cutOff.length} in flight at the kill, ` +
        `${writes.filter((w) => !w.sentBeforeKill && w.status === undefined).length} refused while the server was down`,
    );

    // Every answered write is in the database: its configuration version, and its audit entry.
    const acknowledged = writes.filter((w) => w.status === 200);
    for (const flag of FLAGS) {
      const { body } = await server.admin.expect(
        200,
        'GET',
        `/api/v1/environments/${seeded.environment}/flags/${flag}/versions`,
      );
      const stored = new Map<number, string>(
        (body.items as { version: number; config: { targets: { keys: string[] }[] } }[]).map((item) => [
          item.version,
          item.config.targets[0]?.keys[0] ?? '',
        ]),
      );
      for (const w of acknowledged.filter((w) => w.flag === flag))
        expect(stored.get(w.version!), w.marker).toBe(w.marker);
    }
    const audited = await auditedMarkers(server, seeded.environment);
    expect(acknowledged.filter((w) => !audited.has(w.marker)).map((w) => w.marker)).toEqual([]);

    // The SDK, connected before the kill and still running, converges on what the database holds: for
    // every flag the last committed write, which is the last answered one or a later unanswered one.
    const latest = await server.admin.snapshotVersion(seeded.environment);
    await expect.poll(() => client.version, { timeout: 20_000 }).toBe(latest);
    for (const flag of FLAGS) {
      const { body } = await server.admin.expect(
        200,
        'GET',
        `/api/v1/environments/${seeded.environment}/flags/${flag}`,
      );
      const committed = body.targets[0].keys[0] as string;
      const lastAnswered = acknowledged.filter((w) => w.flag === flag).at(-1)!;
      expect(sequenceOf(committed)).toBeGreaterThanOrEqual(sequenceOf(lastAnswered.marker));
      expect(client.getDetail(flag, false, { key: committed })).toMatchObject({
        value: true,
        reason: 'TARGET_MATCH',
      });
    }
  }, 90_000);
});

const sequenceOf = (marker: string) => Number(marker.split('#')[1]);

/** The markers of every flag-configuration write the audit log records for the environment. */
async function auditedMarkers(server: UnveilServer, environment: string): Promise<Set<string>> {
  const markers = new Set<string>();
  let before: number | null = null;
  do {
    const query: string = `environment=${environment}&limit=500${before === null ? '' : `&before=${before}`}`;
    const { body } = await server.admin.expect(200, 'GET', `/api/v1/audit?${query}`);
    for (const entry of body.items as { after: { config?: { targets?: { keys: string[] }[] } } | null }[]) {
      const marker = entry.after?.config?.targets?.[0]?.keys[0];
      if (marker !== undefined) markers.add(marker);
    }
    before = body.nextCursor;
  } while (before !== null);
  return markers;
}
