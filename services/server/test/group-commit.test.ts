import { describe, expect, it } from 'vitest';
import { verifyAuditChains } from '../src/features/audit/audit-verify.js';
import type { StoredFlagConfig } from '../src/features/flag-configs/flag-config.js';
import { booleanConfig, createEnvironment, createFlag, snapshotVersion } from './support/fixtures.js';
import { type TestApp, useTestApp } from './support/test-app.js';

const testApp = useTestApp();

const config: StoredFlagConfig = {
  enabled: true,
  offVariant: 'off',
  fallthrough: { variant: 'on' },
  targets: [],
  rules: [],
  prerequisites: [],
};

/** Flags of their own, each at version 1 in a new environment. */
async function setUp(t: TestApp, flags: number) {
  const environment = await createEnvironment(t);
  const keys = await Promise.all(Array.from({ length: flags }, () => createFlag(t)));
  const url = (flag: string) => `/api/v1/environments/${environment}/flags/${flag}`;
  return { environment, keys, url };
}

/** Counts the commits that moved `environment`'s snapshot version while `work` runs. */
async function commitsDuring(t: TestApp, environment: string, work: () => Promise<unknown>) {
  const commits: number[][] = [];
  const stop = t.db.onCommitted((changes) => {
    const versions = changes.filter((change) => change.environment === environment);
    if (versions.length > 0) commits.push(versions.map((change) => change.version));
  });
  try {
    await work();
  } finally {
    stop();
  }
  return commits;
}

async function auditedVersions(t: TestApp, environment: string): Promise<number> {
  const audit = await t.request({ method: 'GET', url: `/api/v1/audit?environment=${environment}&limit=500` });
  return audit.body.items.filter((entry: { action: string }) => entry.action === 'flag-config.update').length;
}

describe('group commit of configuration writes', () => {
  it('commits concurrent writes to one environment together, each still its own version and bump', async () => {
    const t = testApp();
    const { environment, keys } = await setUp(t, 20);
    const before = await snapshotVersion(t, environment);
    // Submitted in one go, as concurrent requests are (over HTTP their arrival depends on timing).
    const commits = await commitsDuring(t, environment, () =>
      Promise.all(
        keys.map(async (flag) => {
          const outcome = await t.app.services.flagConfigs.put(environment, flag, config, {
            actor: 'tester',
          });
          expect(outcome.applied?.version).toBe(2);
        }),
      ),
    );
    // Fewer commits than writes, and together they bumped the environment once per write, no gap.
    expect(commits.length).toBeLessThan(keys.length);
    expect(commits.flat().sort((a, b) => a - b)).toEqual(keys.map((_, i) => before + i + 1));
    expect(await snapshotVersion(t, environment)).toBe(before + keys.length);
    expect(await auditedVersions(t, environment)).toBe(keys.length);
    // Entries appended side by side in one transaction still form one unbroken chain.
    const report = await t.db.transaction(verifyAuditChains, { readOnlySnapshot: true });
    expect(report.problems.filter((problem) => problem.chain === environment)).toEqual([]);
  });

  it('gives a failing write of a batch its own error and applies every other one exactly once', async () => {
    const t = testApp();
    const { environment, keys } = await setUp(t, 10);
    const before = await snapshotVersion(t, environment);
    const outcomes = await Promise.allSettled(
      keys.map((flag, i) =>
        t.app.services.flagConfigs.put(environment, flag, config, {
          actor: 'tester',
          // The fourth writer expects a version that is not there: the batch it joins is rolled back.
          expectedVersion: i === 3 ? 7 : 1,
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(
      keys.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled')),
    );
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({
      code: 'UNVEIL_ERR_VERSION_CONFLICT',
      extensions: { currentVersion: 1 },
    });
    expect(await snapshotVersion(t, environment)).toBe(before + keys.length - 1);
    expect(await auditedVersions(t, environment)).toBe(keys.length - 1);
  });

  it('runs two writes to one flag one after the other, never in the same batch', async () => {
    const t = testApp();
    const { environment, keys, url } = await setUp(t, 1);
    const flag = keys[0]!;
    const bodies = ['alice', 'bob'].map((key) =>
      booleanConfig({ targets: [{ variant: 'on', keys: [key] }] }),
    );
    const responses = await Promise.all(
      bodies.map((body) => t.request({ method: 'PUT', url: url(flag), body })),
    );
    expect(responses.map((response) => response.body.version).sort()).toEqual([2, 3]);
    const history = await t.request({ method: 'GET', url: `${url(flag)}/versions` });
    expect(history.body.items.map((entry: { version: number }) => entry.version)).toEqual([1, 2, 3]);
    expect(await auditedVersions(t, environment)).toBe(2);
  });
});
