import { compileSnapshot } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import { createRelease, HOUR, releaseAction, releaseFixture } from './support/releases.js';
import { useTestApp } from './support/test-app.js';

const testApp = useTestApp();
const CONTEXTS = 10_000;
const PLAN = [1, 10, 25, 50, 75, 100].map((percent, i) => (i === 0 ? { percent } : { percent, delay: '1h' }));

/** For every context, which of the flags serve it `true`, read through the SDKs' own evaluator. */
async function exposure(env: string, flags: readonly string[]): Promise<boolean[][]> {
  const evaluator = compileSnapshot(await testApp().app.services.snapshots.getSnapshot(env));
  return Array.from({ length: CONTEXTS }, (_, i) =>
    flags.map((flag) => evaluator.getBoolean(flag, false, { key: `user-${i}` })),
  );
}

describe('cohort coherence', () => {
  it('at every stage each context sees all components or none, the share matches, and nobody leaves', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 3);
    const key = await createRelease(t, env, flags, { plan: PLAN });
    await releaseAction(t, env, key, 'schedule');

    let previous = new Set<number>();
    for (const { percent } of PLAN) {
      await t.app.services.scheduler.tick();
      const served = await exposure(env, flags);
      const exposed = new Set<number>();
      served.forEach((components, i) => {
        // All or none: the components share the release's cohort salt.
        expect(new Set(components).size, `context user-${i} at ${percent} %`).toBe(1);
        if (components[0]) exposed.add(i);
      });
      expect(
        Math.abs((100 * exposed.size) / CONTEXTS - percent),
        `share at ${percent} %`,
      ).toBeLessThanOrEqual(1);
      for (const i of previous)
        expect(exposed.has(i), `user-${i} left the cohort at ${percent} %`).toBe(true);
      previous = exposed;
      t.clock.advance(HOUR);
    }
    expect(previous.size).toBe(CONTEXTS);
  });

  it('limits every stage to the release audiences, with the same cohort across components', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 2);
    const members = Array.from({ length: 2_000 }, (_, i) => `user-${i * 5}`);
    const segment = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/segments`,
      body: { key: 'beta', name: 'Beta', included: members },
    });
    expect(segment.status).toBe(201);
    const key = await createRelease(t, env, flags, { plan: [{ percent: 50 }], audiences: ['beta'] });
    await releaseAction(t, env, key, 'schedule');
    await t.app.services.scheduler.tick();
    const served = await exposure(env, flags);
    let exposed = 0;
    served.forEach((components, i) => {
      expect(new Set(components).size).toBe(1);
      if (!components[0]) return;
      exposed++;
      expect(i % 5, `user-${i} is not in the audience`).toBe(0);
    });
    expect(Math.abs((100 * exposed) / members.length - 50)).toBeLessThanOrEqual(2.5);
  });
});
