/**
 * End to end (issue #6): a connected SDK sees a scheduled stage within one second of its due time. A real
 * server process, its scheduler at the default tick, the Node SDK on the stream with a server key, and a
 * release of a dark flag to half of the contexts planned a few seconds ahead: the SDK's `change` event for
 * the flag comes after the due instant and at most 1,000 ms later, and from then on the SDK serves the
 * released variant to the contexts in the cohort — the ones design.md §4's bucketing puts there — and only
 * to them.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { bucket } from '../packages/core/src/index.js';
import { type Seeded, seed } from './support/admin-api.js';
import { createRelease, scheduleRelease } from './support/releases.js';
import { closeAll, startClient } from './support/sdk.js';
import { startServer, type UnveilServer } from './support/unveil-server.js';

const FLAG = 'checkout-v3';
const RELEASE = 'checkout-v3-launch';
const PERCENT = 50;
/** From scheduling to the due instant: time enough for the admin calls on a busy machine. */
const LEAD_MS = 3_000;
/** The bound from the due instant to the SDK's `change` event. */
const VISIBLE_WITHIN_MS = 1_000;

let server: UnveilServer;
let seeded: Seeded;

beforeAll(async () => {
  server = await startServer();
  seeded = await seed(server.admin, { [FLAG]: {} }, 'release-sdk');
}, 90_000);

afterEach(closeAll);
afterAll(async () => {
  await closeAll();
  await server?.dispose();
}, 30_000);

it('a connected SDK sees a scheduled stage within one second of its due time, for the cohort only', async () => {
  const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey });
  expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');
  const contexts = Array.from({ length: 200 }, (_, i) => ({ key: `user-${i}` }));
  // The released variant owns the buckets below the stage's weight, salted with the release key.
  const inCohort = (context: { key: string }) => bucket(RELEASE, context.key) < PERCENT * 1_000;
  expect(contexts.filter((context) => client.isEnabled(FLAG, context))).toEqual([]);
  const changesBefore = events.changes.length;

  const due = new Date(Date.now() + LEAD_MS);
  await createRelease(server.admin, seeded.environment, {
    key: RELEASE,
    flag: FLAG,
    startAt: due,
    percent: PERCENT,
  });
  await scheduleRelease(server.admin, seeded.environment, RELEASE);
  expect(Date.now(), 'scheduling took longer than the lead').toBeLessThan(due.getTime());

  const flagChanges = () =>
    events.changes.slice(changesBefore).filter((change) => change.keys.includes(FLAG));
  await expect.poll(() => flagChanges().length, { timeout: LEAD_MS + 10_000, interval: 20 }).toBe(1);
  const delayMs = flagChanges()[0]!.at - due.getTime();
  const record = await server.admin.expect(
    200,
    'GET',
    `/api/v1/environments/${seeded.environment}/releases/${RELEASE}/record`,
  );
  const appliedAt = Date.parse(record.body.steps[0].appliedAt as string);
  console.info(
    `stage due at ${due.toISOString()}: recorded applied at +${appliedAt - due.getTime()} ms, ` +
      `SDK change event at +${delayMs} ms`,
  );
  expect(delayMs).toBeGreaterThanOrEqual(0);
  expect(delayMs).toBeLessThanOrEqual(VISIBLE_WITHIN_MS);

  // One version for the stage, and the SDK has it.
  expect(client.version).toBe(await server.admin.snapshotVersion(seeded.environment));
  const cohort = contexts.filter(inCohort);
  const others = contexts.filter((context) => !inCohort(context));
  // Both groups exist, so the checks below can tell a cohort from everyone or no one.
  expect(cohort.length).toBeGreaterThan(0);
  expect(others.length).toBeGreaterThan(0);
  for (const context of cohort)
    expect(client.getDetail(FLAG, false, context)).toMatchObject({
      value: true,
      variant: 'on',
      ruleId: `release.${RELEASE}`,
    });
  for (const context of others)
    expect(client.getDetail(FLAG, false, context)).toMatchObject({ value: false });
  expect(events.errors).toEqual([]);
}, 30_000);
