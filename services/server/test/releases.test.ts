import { afterEach, describe, expect, it } from 'vitest';
import { lockEnvironments } from '../src/features/environments/environments-store.js';
import { booleanConfig, snapshotVersion } from './support/fixtures.js';
import {
  configOf,
  createRelease as createReleaseFor,
  DAY,
  exposedPercent,
  getRelease,
  HOUR,
  MINUTE,
  releaseAction,
  releaseFixture,
  releaseRule,
} from './support/releases.js';
import { describeWithServices } from './support/services.js';
import { useTestApp } from './support/test-app.js';

const testApp = useTestApp();
const tick = () => testApp().app.services.scheduler.tick();

/**
 * The clock is shared by the file's tests, so a release a test leaves active would take part in the next
 * test's ticks: every test's releases end with it.
 */
const created: { env: string; key: string }[] = [];
async function createRelease(...args: Parameters<typeof createReleaseFor>): Promise<string> {
  const key = await createReleaseFor(...args);
  created.push({ env: args[1], key });
  return key;
}
afterEach(async () => {
  for (const { env, key } of created.splice(0)) {
    const { state } = await getRelease(testApp(), env, key);
    if (state === 'draft') await releaseAction(testApp(), env, key, 'cancel');
    else if (['scheduled', 'running', 'paused'].includes(state))
      await releaseAction(testApp(), env, key, 'rollback');
  }
});

const THREE_STAGES = [{ percent: 10 }, { percent: 50, delay: '1h' }, { percent: 100, delay: '1d' }];

async function record(env: string, key: string) {
  const response = await testApp().request({
    method: 'GET',
    url: `/api/v1/environments/${env}/releases/${key}/record`,
  });
  expect(response.status).toBe(200);
  return response.body;
}

describe('a staged release', () => {
  it('advances a three-stage plan at the planned times, all components in one environment version each', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t);
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES });
    const scheduled = await releaseAction(t, env, key, 'schedule', { reason: 'ship checkout v2' });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.state).toBe('scheduled');
    const start = t.clock.now().getTime();

    const before = await snapshotVersion(t, env);
    expect((await tick()).applied).toBe(1);
    expect(await snapshotVersion(t, env)).toBe(before + 1);
    for (const flag of flags) expect(exposedPercent(await configOf(t, env, flag), key)).toBe(10);
    expect((await getRelease(t, env, key)).state).toBe('running');

    t.clock.advance(59 * MINUTE);
    expect((await tick()).applied).toBe(0);
    for (const flag of flags) expect(exposedPercent(await configOf(t, env, flag), key)).toBe(10);

    t.clock.advance(MINUTE);
    expect((await tick()).applied).toBe(1);
    expect(await snapshotVersion(t, env)).toBe(before + 2);
    for (const flag of flags) expect(exposedPercent(await configOf(t, env, flag), key)).toBe(50);

    t.clock.advance(DAY - MINUTE);
    expect((await tick()).applied).toBe(0);
    t.clock.advance(MINUTE);
    expect((await tick()).applied).toBe(1);
    for (const flag of flags) expect(exposedPercent(await configOf(t, env, flag), key)).toBe(100);
    expect((await getRelease(t, env, key)).state).toBe('completed');

    const { steps, history } = await record(env, key);
    expect(
      steps.map((step: { stage: number; plannedAt: string; appliedAt: string; deviationMs: number }) => [
        step.stage,
        Date.parse(step.plannedAt) - start,
        Date.parse(step.appliedAt) - start,
        step.deviationMs,
      ]),
    ).toEqual([
      [0, 0, 0, 0],
      [1, HOUR, HOUR, 0],
      [2, HOUR + DAY, HOUR + DAY, 0],
    ]);
    expect(history.map((entry: { action: string }) => entry.action).reverse()).toEqual([
      'release.create',
      'release.schedule',
      'release.stage',
      'release.stage',
      'release.stage',
    ]);
  });

  it('turns a dark flag on for the cohort only: everyone else keeps the off variant', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: [{ percent: 25 }] });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    const config = await configOf(t, env, flags[0]!);
    expect(config).toMatchObject({
      enabled: true,
      offVariant: 'off',
      fallthrough: { variant: 'off' },
      targets: [],
    });
    expect(config.rules).toEqual([releaseRule(config, key)]);
  });

  it('rolls back every component to exactly its pre-release configuration, in one version', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 3);
    // One dark, one live with targeting of its own, one live with a rule.
    await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${env}/flags/${flags[1]}`,
      body: booleanConfig({ targets: [{ variant: 'off', keys: ['ops'] }], fallthrough: { variant: 'off' } }),
    });
    await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${env}/flags/${flags[2]}`,
      body: booleanConfig({
        rules: [
          {
            id: 'staff',
            conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@acme.test'] }],
            serve: { variant: 'on' },
          },
        ],
        fallthrough: { variant: 'off' },
      }),
    });
    const before = await Promise.all(
      flags.map(async (flag) => {
        const { version: _version, ...config } = await configOf(t, env, flag);
        return config;
      }),
    );
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    t.clock.advance(HOUR);
    await tick();
    for (const flag of flags) expect(exposedPercent(await configOf(t, env, flag), key)).toBe(50);

    const version = await snapshotVersion(t, env);
    const rolledBack = await releaseAction(t, env, key, 'rollback', { reason: 'error rate up' });
    expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(200);
    expect(rolledBack.body).toMatchObject({ state: 'rolled-back', stateReason: 'error rate up' });
    expect(await snapshotVersion(t, env)).toBe(version + 1);
    const after = await Promise.all(
      flags.map(async (flag) => {
        const { version: _version, ...config } = await configOf(t, env, flag);
        return config;
      }),
    );
    expect(after).toEqual(before);

    // Nothing more happens: the pending stage was cancelled.
    t.clock.advance(2 * DAY);
    expect((await tick()).applied).toBe(0);
  });

  it('pause holds the current stage; resume applies what fell due meanwhile', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    expect((await releaseAction(t, env, key, 'pause', { reason: 'support load' })).body.state).toBe('paused');
    t.clock.advance(2 * HOUR);
    expect((await tick()).applied).toBe(0);
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(10);
    expect((await releaseAction(t, env, key, 'resume')).body.state).toBe('running');
    expect((await tick()).applied).toBe(1);
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(50);
  });

  it('pauses a release whose step cannot apply, and still applies the others due with it', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 2);
    const segments = `/api/v1/environments/${env}/segments`;
    await t.request({ method: 'POST', url: segments, body: { key: 'pilot', name: 'Pilot' } });
    const healthy = await createRelease(t, env, [flags[0]!], { plan: [{ percent: 10 }] });
    const broken = await createRelease(t, env, [flags[1]!], {
      plan: [{ percent: 10 }],
      audiences: ['pilot'],
    });
    await releaseAction(t, env, healthy, 'schedule');
    await releaseAction(t, env, broken, 'schedule');
    // No flag uses the segment yet, so it may go; the release's stage then refers to nothing.
    expect((await t.request({ method: 'DELETE', url: `${segments}/pilot`, body: {} })).status).toBe(204);
    expect(await tick()).toMatchObject({ applied: 1, failed: 1 });
    expect(exposedPercent(await configOf(t, env, flags[0]!), healthy)).toBe(10);
    expect(await getRelease(t, env, broken)).toMatchObject({
      state: 'paused',
      stateReason: expect.stringContaining('pilot'),
    });
  });

  it('refuses a second active release on a flag, naming the one that holds it', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 2);
    const first = await createRelease(t, env, flags, { plan: [{ percent: 5 }] });
    const second = await createRelease(t, env, [flags[1]!], { plan: [{ percent: 5 }] });
    expect((await releaseAction(t, env, first, 'schedule')).status).toBe(200);
    const refused = await releaseAction(t, env, second, 'schedule');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'UNVEIL_ERR_RELEASE_CONFLICT',
      release: first,
      flag: flags[1],
    });
    // Once the first has ended, the flag is free.
    await releaseAction(t, env, first, 'cancel');
    expect((await releaseAction(t, env, second, 'schedule')).status).toBe(200);
  });

  it('answers 422 naming each broken reference and an impossible plan', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const response = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/releases`,
      body: {
        key: 'broken',
        name: 'Broken',
        components: [
          { flag: flags[0], variant: 'maybe' },
          { flag: 'nope', variant: 'on' },
        ],
        audiences: ['ghosts'],
        plan: [{ percent: 50 }, { percent: 20 }],
      },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('UNVEIL_ERR_RELEASE_INVALID');
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      '/body/audiences/0',
      '/body/components/0/variant',
      '/body/components/1/flag',
      '/body/plan/1/percent',
    ]);
  });

  it('edits drafts only, and transitions only from the states that allow them', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: [{ percent: 5 }] });
    const url = `/api/v1/environments/${env}/releases/${key}`;
    const body = {
      name: 'Renamed',
      components: [{ flag: flags[0], variant: 'on' }],
      plan: [{ percent: 20 }],
    };
    expect((await t.request({ method: 'PUT', url, body: { ...body, expectedVersion: 7 } })).status).toBe(409);
    expect((await t.request({ method: 'PUT', url, body })).body).toMatchObject({
      name: 'Renamed',
      version: 2,
    });
    expect((await releaseAction(t, env, key, 'resume')).body).toMatchObject({
      status: 409,
      code: 'UNVEIL_ERR_RELEASE_STATE',
      state: 'draft',
    });
    await releaseAction(t, env, key, 'schedule');
    expect((await t.request({ method: 'PUT', url, body })).status).toBe(409);
    await tick();
    expect((await releaseAction(t, env, key, 'cancel')).body.code).toBe('UNVEIL_ERR_RELEASE_STATE');
  });
});

describeWithServices('the scheduler with a busy environment', ['DATABASE_URL'], () => {
  it('serves other environments first while one is locked, then that one too', async () => {
    const t = testApp();
    // Named so that the busy one comes first in the scheduler's (sorted) order.
    const busy = await releaseFixture(t, 1, { key: 'a-busy' });
    const free = await releaseFixture(t, 1, { key: 'z-free' });
    const held = await createRelease(t, busy.env, busy.flags, { plan: [{ percent: 10 }] });
    const other = await createRelease(t, free.env, free.flags, { plan: [{ percent: 10 }] });
    await releaseAction(t, busy.env, held, 'schedule');
    await releaseAction(t, free.env, other, 'schedule');
    let release: () => void = () => {};
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another writer holds the busy environment (as a long batch on another instance would).
    const holder = t.db.transaction(async (tx) => {
      await lockEnvironments(tx, [busy.env]);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const ticking = tick();
    await expect
      .poll(async () => exposedPercent(await configOf(t, free.env, free.flags[0]!), other))
      .toBe(10);
    expect(exposedPercent(await configOf(t, busy.env, busy.flags[0]!), held)).toBeUndefined();
    release();
    await holder;
    expect((await ticking).applied).toBe(2);
    expect(exposedPercent(await configOf(t, busy.env, busy.flags[0]!), held)).toBe(10);
  });
});

describe('time policy', () => {
  it('waits outside the allowed windows and goes out at the next opening', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    // Monday 10:00 in Berlin (UTC+1 in winter); stage 2 falls due on Thursday 20:00, outside the windows.
    const monday = t.clock.advanceUntil(
      (at) => at.getUTCDay() === 1 && at.getUTCHours() === 9 && at.getUTCMonth() < 2,
    );
    const nextMonday = new Date(monday.getTime() + 7 * DAY + -HOUR);
    const key = await createRelease(t, env, flags, {
      plan: [{ percent: 10 }, { percent: 60, delay: '82h' }],
      windows: [
        { timeZone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu'], from: '09:00', to: '16:00' },
      ],
    });
    await releaseAction(t, env, key, 'schedule');
    expect((await tick()).applied).toBe(1);
    t.clock.advance(82 * HOUR);
    expect(await tick()).toMatchObject({ applied: 0, waiting: 1 });
    const waiting = (await record(env, key)).steps[1];
    expect(waiting.dueAt).toBe(nextMonday.toISOString()); // next Monday 09:00 Berlin
    t.clock.advance(3 * DAY + 12 * HOUR); // Monday 08:00 Berlin
    expect((await tick()).applied).toBe(0);
    t.clock.advance(HOUR);
    expect((await tick()).applied).toBe(1);
    const applied = (await record(env, key)).steps[1];
    expect(applied.deviationMs).toBe(nextMonday.getTime() - (monday.getTime() + 82 * HOUR));
  });

  it('advances nothing during a freeze, then catches up when it ends', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const now = t.clock.now().getTime();
    const freeze = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/freezes`,
      body: {
        key: 'launch-week',
        name: 'Launch week',
        reason: 'marketing launch',
        startsAt: new Date(now + 30 * MINUTE).toISOString(),
        endsAt: new Date(now + 5 * HOUR).toISOString(),
      },
    });
    expect(freeze.status, JSON.stringify(freeze.body)).toBe(201);
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    t.clock.advance(HOUR);
    expect(await tick()).toMatchObject({ applied: 0, waiting: 1 });
    t.clock.advance(3 * HOUR);
    expect((await tick()).applied).toBe(0);
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(10);
    t.clock.advance(HOUR);
    expect((await tick()).applied).toBe(1);
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(50);
    const calendar = await t.request({ method: 'GET', url: `/api/v1/environments/${env}/calendar` });
    expect(calendar.body.items.map((item: { type: string }) => item.type)).toContain('freeze');
  });

  it('after downtime, "replay" applies the missed stage late and keeps the soak time', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES, catchUp: 'replay' });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    t.clock.advance(2 * DAY); // every instance was down
    expect(await tick()).toMatchObject({ applied: 1, skipped: 0 });
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(50);
    const { steps } = await record(env, key);
    expect(steps[1].deviationMs).toBe(2 * DAY - HOUR);
    expect(Date.parse(steps[2].dueAt)).toBe(t.clock.now().getTime() + DAY);
  });

  it('after downtime, "latest" skips the stages the schedule has passed and applies the latest due', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES, catchUp: 'latest' });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    t.clock.advance(2 * DAY);
    expect(await tick()).toMatchObject({ applied: 1, skipped: 1 });
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(100);
    const { release, steps } = await record(env, key);
    expect(release.state).toBe('completed');
    expect(steps.map((step: { state: string }) => step.state)).toEqual(['applied', 'skipped', 'applied']);
  });

  it('withdraws a campaign at the end of its exposure window', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 2);
    const now = t.clock.now().getTime();
    const key = await createRelease(t, env, flags, {
      plan: [{ percent: 100 }],
      exposure: { from: new Date(now + HOUR).toISOString(), until: new Date(now + DAY).toISOString() },
    });
    await releaseAction(t, env, key, 'schedule');
    expect(await tick()).toMatchObject({ applied: 0, waiting: 1 });
    t.clock.advance(HOUR);
    expect((await tick()).applied).toBe(1);
    expect((await getRelease(t, env, key)).state).toBe('running');
    t.clock.advance(DAY - HOUR);
    expect((await tick()).withdrawn).toBe(1);
    expect((await getRelease(t, env, key)).state).toBe('completed');
    for (const flag of flags) {
      const config = await configOf(t, env, flag);
      expect(releaseRule(config, key)).toBeUndefined();
      expect(config.enabled).toBe(false);
    }
  });
});

describe('release manager views', () => {
  it('previews each stage with its time and estimated reach, and feeds a calendar in iCalendar', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: THREE_STAGES });
    const preview = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${env}/releases/${key}/preview`,
    });
    expect(preview.status).toBe(200);
    const start = t.clock.now().getTime();
    expect(
      preview.body.items.map((item: { percent: number; at: string; status: string }) => [
        item.percent,
        Date.parse(item.at) - start,
        item.status,
      ]),
    ).toEqual([
      [10, 0, 'expected'],
      [50, HOUR, 'expected'],
      [100, HOUR + DAY, 'expected'],
    ]);
    await releaseAction(t, env, key, 'schedule');
    await tick();
    const ics = await t.app.inject({
      method: 'GET',
      url: `/api/v1/environments/${env}/calendar.ics?key=${t.adminKey}`,
    });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    // Only this route takes a key in the URL.
    const other = await t.app.inject({
      method: 'GET',
      url: `/api/v1/environments/${env}/calendar?key=${t.adminKey}`,
    });
    expect(other.statusCode).toBe(401);
  });
});
