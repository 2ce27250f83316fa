import { describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag, snapshotVersion } from './support/fixtures.js';
import { type TestApp, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

async function setUp(t: TestApp) {
  const environment = await createEnvironment(t);
  const flag = await createFlag(t);
  const url = `/api/v1/environments/${environment}/flags/${flag}`;
  return { environment, flag, url };
}

/** A configuration that differs per writer, so every successful write is a real change. */
function configOf(writer: number) {
  return booleanConfig({ targets: [{ variant: 'on', keys: [`writer-${writer}`] }] });
}

async function historyOf(t: TestApp, url: string): Promise<number[]> {
  const history = await t.request({ method: 'GET', url: `${url}/versions` });
  return history.body.items.map((entry: { version: number }) => entry.version);
}

async function auditCount(t: TestApp, flag: string, environment: string): Promise<number> {
  const audit = await t.request({
    method: 'GET',
    url: `/api/v1/audit?flag=${flag}&environment=${environment}&limit=500`,
  });
  return audit.body.items.length;
}

describe('optimistic concurrency', () => {
  it('lets exactly one of two writers holding the same version win', async () => {
    const t = testApp();
    const { environment, flag, url } = await setUp(t);
    const before = await snapshotVersion(t, environment);
    const responses = await Promise.all(
      [1, 2].map((writer) =>
        t.request({ method: 'PUT', url, headers: { 'if-match': '"1"' }, body: configOf(writer) }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const loser = responses.find((response) => response.status === 409)!;
    expect(loser.body).toMatchObject({ code: 'UNVEIL_ERR_VERSION_CONFLICT', currentVersion: 2 });
    const winner = responses.find((response) => response.status === 200)!;
    const stored = await t.request({ method: 'GET', url });
    expect(stored.body).toEqual(winner.body);
    expect(await historyOf(t, url)).toEqual([1, 2]);
    expect(await auditCount(t, flag, environment)).toBe(1);
    expect(await snapshotVersion(t, environment)).toBe(before + 1);
  });

  it('keeps 50 racing read-modify-write writers consistent: N versions, 50 − N conflicts, no gaps', async () => {
    const t = testApp();
    const { environment, flag, url } = await setUp(t);
    const before = await snapshotVersion(t, environment);
    const writers = Array.from({ length: 50 }, (_, writer) => writer);
    const statuses = await Promise.all(
      writers.map(async (writer) => {
        const read = await t.request({ method: 'GET', url });
        const write = await t.request({
          method: 'PUT',
          url,
          headers: { 'if-match': read.headers.etag as string },
          body: configOf(writer),
        });
        return write.status;
      }),
    );
    const wins = statuses.filter((status) => status === 200).length;
    expect(wins).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(50 - wins);
    expect(await historyOf(t, url)).toEqual(Array.from({ length: wins + 1 }, (_, index) => index + 1));
    expect(await auditCount(t, flag, environment)).toBe(wins);
    expect(await snapshotVersion(t, environment)).toBe(before + wins);
  });

  it('serializes 50 unconditional writers without losing one', async () => {
    const t = testApp();
    const { environment, flag, url } = await setUp(t);
    const before = await snapshotVersion(t, environment);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, writer) => t.request({ method: 'PUT', url, body: configOf(writer) })),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses.map((response) => response.body.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, index) => index + 2),
    );
    expect(await historyOf(t, url)).toHaveLength(51);
    expect(await auditCount(t, flag, environment)).toBe(50);
    expect(await snapshotVersion(t, environment)).toBe(before + 50);
  });

  it('serializes definition and configuration writes across flags without deadlocks', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const flags = await Promise.all(Array.from({ length: 5 }, () => createFlag(t)));
    const responses = await Promise.all(
      flags.flatMap((flag, index) => [
        t.request({ method: 'PATCH', url: `/api/v1/flags/${flag}`, body: { clientSide: true } }),
        t.request({
          method: 'PUT',
          url: `/api/v1/environments/${environment}/flags/${flag}`,
          body: configOf(index),
        }),
        t.request({ method: 'POST', url: '/api/v1/environments', body: { key: `race-${index}`, name: 'R' } }),
      ]),
    );
    expect(responses.map((response) => response.status).filter((status) => status >= 300)).toEqual([]);
    for (const index of flags.keys()) {
      const snapshot = await t.app.services.snapshots.getSnapshot(`race-${index}`);
      expect(snapshot.flags.map((flag) => flag.key)).toEqual(expect.arrayContaining(flags));
    }
  });
});
