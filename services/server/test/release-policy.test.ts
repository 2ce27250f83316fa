import { bucket } from '@unveil/core';
import { afterEach, describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag } from './support/fixtures.js';
import {
  as,
  configOf,
  createRelease,
  DAY,
  exposedPercent,
  getRelease,
  HOUR,
  releaseAction,
  releaseFixture,
} from './support/releases.js';
import { type TestApp, useTestApp } from './support/test-app.js';

const testApp = useTestApp();
const tick = () => testApp().app.services.scheduler.tick();

/** Releases end with their test: the clock is shared, and a left-over release would tick in the next. */
const created: { env: string; key: string }[] = [];
afterEach(async () => {
  for (const { env, key } of created.splice(0)) {
    const { state } = await getRelease(testApp(), env, key);
    if (['scheduled', 'running', 'paused'].includes(state))
      await releaseAction(testApp(), env, key, 'rollback');
  }
});

async function freeze(t: TestApp, env: string, hours: number): Promise<void> {
  const now = t.clock.now().getTime();
  const response = await t.request({
    method: 'POST',
    url: `/api/v1/environments/${env}/freezes`,
    body: {
      key: 'freeze',
      name: 'Holiday freeze',
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + hours * HOUR).toISOString(),
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
}

function putConfig(
  t: TestApp,
  env: string,
  flag: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) {
  return t.request({
    method: 'PUT',
    url: `/api/v1/environments/${env}/flags/${flag}`,
    body,
    ...(headers === undefined ? {} : { headers }),
  });
}

describe('freezes', () => {
  it('refuse flag changes, let a kill switch through, and record an emergency override', async () => {
    const t = testApp();
    const env = await createEnvironment(t);
    const flag = await createFlag(t);
    expect((await putConfig(t, env, flag, booleanConfig())).status).toBe(200);
    await freeze(t, env, 4);

    const refused = await putConfig(t, env, flag, booleanConfig({ fallthrough: { variant: 'off' } }));
    expect(refused.status).toBe(423);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      code: 'UNVEIL_ERR_ENV_FROZEN',
      freeze: 'freeze',
      until: expect.any(String),
    });

    const developer = await as(t, 'developer');
    const hotfix = { emergency: true, reason: 'hotfix', fallthrough: { variant: 'off' } };
    const notAllowed = await putConfig(t, env, flag, booleanConfig(hotfix), developer);
    expect(notAllowed.body.code).toBe('UNVEIL_ERR_EMERGENCY_FORBIDDEN');
    const releaseManager = await as(t, 'release-manager', 'rm-on-call');
    const noReason = await putConfig(
      t,
      env,
      flag,
      booleanConfig({ emergency: true, fallthrough: { variant: 'off' } }),
      releaseManager,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([
      { path: '/body/reason', message: 'required when emergency is true' },
    ]);

    const override = await putConfig(
      t,
      env,
      flag,
      booleanConfig({ emergency: true, reason: 'INC-42: checkout down', fallthrough: { variant: 'off' } }),
      releaseManager,
    );
    expect(override.status, JSON.stringify(override.body)).toBe(200);
    const emergencies = await t.request({
      method: 'GET',
      url: `/api/v1/audit?environment=${env}&emergency=true`,
    });
    expect(emergencies.body.items).toEqual([
      expect.objectContaining({
        actor: 'rm-on-call',
        action: 'flag-config.update',
        reason: 'INC-42: checkout down',
        emergency: true,
      }),
    ]);

    const kill = await putConfig(
      t,
      env,
      flag,
      booleanConfig({ enabled: false, fallthrough: { variant: 'off' } }),
    );
    expect(kill.status).toBe(200);
    expect(kill.body.enabled).toBe(false);
    const ordinary = await t.request({
      method: 'GET',
      url: `/api/v1/audit?environment=${env}&emergency=false&flag=${flag}`,
    });
    expect(ordinary.body.items[0]).toMatchObject({ emergency: false, after: { config: { enabled: false } } });
  });

  it('hold segment changes too, unless broken through as an emergency', async () => {
    const t = testApp();
    const env = await createEnvironment(t);
    const url = `/api/v1/environments/${env}/segments`;
    expect((await t.request({ method: 'POST', url, body: { key: 'vip', name: 'VIP' } })).status).toBe(201);
    await freeze(t, env, 2);
    const change = { included: ['carol'] };
    const refused = await t.request({ method: 'PATCH', url: `${url}/vip`, body: change });
    expect(refused.body).toMatchObject({ status: 423, code: 'UNVEIL_ERR_ENV_FROZEN' });
    const rm = await as(t, 'release-manager', 'rm-segments');
    const body = { ...change, emergency: true, reason: 'VIP escalation' };
    const allowed = await t.request({ method: 'PATCH', url: `${url}/vip`, body, headers: rm });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    const audit = await t.request({ method: 'GET', url: `/api/v1/audit?segment=vip&emergency=true` });
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: 'rm-segments', action: 'segment.update' }),
    ]);
  });

  it('hold stage advances; a release manager can bring one forward as a recorded emergency', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const key = await createRelease(t, env, flags, { plan: [{ percent: 10 }, { percent: 50, delay: '1d' }] });
    created.push({ env, key });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    await freeze(t, env, 48);
    const refused = await releaseAction(t, env, key, 'advance', { reason: 'marketing wants it today' });
    expect(refused.status).toBe(423);
    const rm = await as(t, 'release-manager', 'rm-advance');
    const advanced = await releaseAction(
      t,
      env,
      key,
      'advance',
      { emergency: true, reason: 'INC-7: old path broken' },
      rm,
    );
    expect(advanced.status, JSON.stringify(advanced.body)).toBe(200);
    expect(advanced.body).toMatchObject({ state: 'completed', stage: 1 });
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(50);
    const audit = await t.request({ method: 'GET', url: `/api/v1/audit?release=${key}&emergency=true` });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'release.stage',
        actor: 'rm-advance',
        reason: 'INC-7: old path broken',
      }),
    ]);
  });

  it('a kill switch on a released flag pauses the release, and resuming realizes the stage again', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 2);
    const key = await createRelease(t, env, flags, { plan: [{ percent: 20 }, { percent: 60, delay: '1h' }] });
    created.push({ env, key });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    const current = await configOf(t, env, flags[0]!);
    const { version: _version, ...config } = current;
    expect((await putConfig(t, env, flags[0]!, { ...config, enabled: false })).status).toBe(200);
    expect(await getRelease(t, env, key)).toMatchObject({
      state: 'paused',
      stateReason: expect.stringContaining('kill switch'),
    });
    t.clock.advance(2 * HOUR);
    await tick();
    expect((await configOf(t, env, flags[0]!)).enabled).toBe(false);
    await releaseAction(t, env, key, 'resume');
    await tick();
    for (const flag of flags) {
      const after = await configOf(t, env, flag);
      expect(after.enabled).toBe(true);
      expect(exposedPercent(after, key)).toBe(60);
    }
  });
});

describe('approvals in a protected environment', () => {
  it('hold a flag change for a second person; the author cannot approve it', async () => {
    const t = testApp();
    const env = await createEnvironment(t, { protected: true });
    const flag = await createFlag(t);
    const alice = await as(t, 'release-manager', 'alice');
    const bob = await as(t, 'release-manager', 'bob');
    const dev = await as(t, 'developer', 'dana');

    const proposed = await putConfig(t, env, flag, booleanConfig({ reason: 'launch' }), dev);
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(202);
    expect(proposed.body).toMatchObject({
      kind: 'flag-config',
      state: 'pending',
      author: 'dana',
      baseVersion: 1,
    });
    expect((await configOf(t, env, flag)).enabled).toBe(false);

    const url = `/api/v1/environments/${env}/change-requests/${proposed.body.id}`;
    const byRole = await t.request({ method: 'POST', url: `${url}/approve`, body: {}, headers: dev });
    expect(byRole.status).toBe(403);

    const ownProposal = await putConfig(
      t,
      env,
      flag,
      booleanConfig({ fallthrough: { variant: 'off' } }),
      alice,
    );
    const self = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/change-requests/${ownProposal.body.id}/approve`,
      body: {},
      headers: alice,
    });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('UNVEIL_ERR_CHANGE_SELF_APPROVAL');

    const approved = await t.request({
      method: 'POST',
      url: `${url}/approve`,
      body: { reason: 'looks right' },
      headers: bob,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ state: 'applied', decidedBy: 'bob' });
    expect(await configOf(t, env, flag)).toMatchObject({ enabled: true, version: 2 });
    const audit = await t.request({ method: 'GET', url: `/api/v1/audit?flag=${flag}&environment=${env}` });
    expect(audit.body.items[0]).toMatchObject({
      actor: 'dana',
      action: 'flag-config.update',
      reason: 'launch (approved by bob)',
    });

    // Alice's proposal was made against version 1: approving it now would undo Dana's change.
    const stale = await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/change-requests/${ownProposal.body.id}/approve`,
      body: {},
      headers: bob,
    });
    expect(stale.body).toMatchObject({ state: 'failed', failure: expect.stringContaining('version 2') });
    expect(
      (await t.request({ method: 'POST', url: `${url}/reject`, body: {}, headers: bob })).body.code,
    ).toBe('UNVEIL_ERR_CHANGE_DECIDED');
  });

  it('hold a release start and a stage marked for approval; rejected or expired approvals pause it', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1, { protected: true });
    const alice = await as(t, 'release-manager', 'alice-2');
    const bob = await as(t, 'release-manager', 'bob-2');
    const key = `rel-${Date.now()}`;
    const body = {
      key,
      name: 'Needs eyes',
      components: [{ flag: flags[0], variant: 'on' }],
      plan: [{ percent: 10 }, { percent: 100, delay: '1h', approval: true }],
    };
    expect(
      (await t.request({ method: 'POST', url: `/api/v1/environments/${env}/releases`, body, headers: alice }))
        .status,
    ).toBe(201);
    created.push({ env, key });
    const start = await releaseAction(t, env, key, 'schedule', {}, alice);
    expect(start.status).toBe(202);
    expect(start.body.kind).toBe('release-schedule');
    const decide = (id: number, headers: Record<string, string>) =>
      t.request({
        method: 'POST',
        url: `/api/v1/environments/${env}/change-requests/${id}/approve`,
        body: {},
        headers,
      });
    expect((await decide(start.body.id, bob)).body.state).toBe('applied');
    expect((await getRelease(t, env, key)).state).toBe('scheduled');
    await tick();
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(10);

    t.clock.advance(HOUR);
    expect((await tick())['awaiting-approval']).toBe(1);
    const pending = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${env}/change-requests?kind=release-stage&state=pending`,
    });
    const [stageRequest] = pending.body.items;
    expect(stageRequest).toMatchObject({
      author: 'alice-2',
      resource: key,
      payload: { stage: 1, percent: 100 },
    });
    expect((await decide(stageRequest.id, alice)).body.code).toBe('UNVEIL_ERR_CHANGE_SELF_APPROVAL');
    expect((await decide(stageRequest.id, bob)).body.state).toBe('applied');
    await tick();
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(100);
    const { steps } = (
      await t.request({ method: 'GET', url: `/api/v1/environments/${env}/releases/${key}/record` })
    ).body;
    expect(steps[1]).toMatchObject({ state: 'applied', approvedBy: 'bob-2' });
  });

  it('expire after a week without a decision', async () => {
    const t = testApp();
    const env = await createEnvironment(t, { protected: true });
    const flag = await createFlag(t);
    const proposed = await putConfig(t, env, flag, booleanConfig(), await as(t, 'developer'));
    t.clock.advance(7 * DAY + 1);
    await tick();
    const url = `/api/v1/environments/${env}/change-requests/${proposed.body.id}`;
    expect((await t.request({ method: 'GET', url })).body.state).toBe('expired');
  });
});

describe('health guard', () => {
  async function guardedRelease(action: 'pause' | 'rollback') {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const serverKey = await t.createKey({ kind: 'server', name: `sdk-${env}`, environment: env });
    const key = await createRelease(t, env, flags, {
      plan: [{ percent: 50 }, { percent: 100, delay: '1d' }],
      guard: { errorEvent: 'checkout-error', totalEvent: 'checkout', maxIncrease: 5, minTotal: 50, action },
    });
    created.push({ env, key });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    const before = await configOf(t, env, flags[0]!);
    return { t, env, key, serverKey, flag: flags[0]!, before };
  }

  /** Every user checks out once; `errorRate(exposed)` of them fail. */
  async function track(t: TestApp, serverKey: string, salt: string, errorRate: (exposed: boolean) => number) {
    const tracked = [];
    for (let i = 0; i < 400; i++) {
      const key = `user-${i}`;
      const exposed = bucket(salt, key) < 50_000;
      tracked.push({ event: 'checkout', key, at: 1 });
      if ((i % 100) / 100 < errorRate(exposed)) tracked.push({ event: 'checkout-error', key, at: 1 });
    }
    const response = await t.app.inject({
      method: 'POST',
      url: '/sdk/v1/events',
      headers: { authorization: `Bearer ${serverKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        sdk: { name: 'test', version: '0' },
        from: 0,
        to: 1,
        exposures: [],
        tracked,
      }),
    });
    expect(response.statusCode).toBe(202);
  }

  it('rolls the release back when exposed users fail more often than the others', async () => {
    const { t, env, key, serverKey, flag } = await guardedRelease('rollback');
    await track(t, serverKey, key, (exposed) => (exposed ? 0.3 : 0.02));
    expect((await tick()).guardsTripped).toBe(1);
    const release = await getRelease(t, env, key);
    expect(release).toMatchObject({
      state: 'rolled-back',
      stateReason: expect.stringContaining('guard tripped'),
    });
    expect((await configOf(t, env, flag)).enabled).toBe(false);
    const { guard } = (
      await t.request({ method: 'GET', url: `/api/v1/environments/${env}/releases/${key}/record` })
    ).body;
    expect(guard.tripped).toBe(true);
    expect(guard.increase).toBeGreaterThan(20);
  });

  it('pauses (action pause) and stays quiet while the rates are alike', async () => {
    const quiet = await guardedRelease('pause');
    await track(quiet.t, quiet.serverKey, quiet.key, () => 0.05);
    expect((await tick()).guardsTripped).toBe(0);
    expect((await getRelease(quiet.t, quiet.env, quiet.key)).state).toBe('running');

    const noisy = await guardedRelease('pause');
    await track(noisy.t, noisy.serverKey, noisy.key, (exposed) => (exposed ? 0.5 : 0));
    await tick();
    expect((await getRelease(noisy.t, noisy.env, noisy.key)).state).toBe('paused');
    expect(exposedPercent(await configOf(noisy.t, noisy.env, noisy.flag), noisy.key)).toBe(50);
  });
});

describe('audiences for product owners', () => {
  it('serve a variant to a segment on a flag in one audited call, and take it away again', async () => {
    const t = testApp();
    const env = await createEnvironment(t);
    const flag = await createFlag(t);
    await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/segments`,
      body: { key: 'beta', name: 'Beta', included: ['ann'] },
    });
    await putConfig(t, env, flag, booleanConfig({ fallthrough: { variant: 'off' } }));
    const po = await as(t, 'product-owner', 'paula');
    const url = `/api/v1/environments/${env}/flags/${flag}/audiences/beta`;
    const added = await t.request({
      method: 'PUT',
      url,
      body: { variant: 'on', reason: 'beta programme' },
      headers: po,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.rules).toEqual([
      {
        id: 'audience.beta',
        description: 'Audience beta',
        conditions: [{ attribute: 'key', operator: 'inSegment', values: ['beta'] }],
        serve: { variant: 'on' },
      },
    ]);
    const unknown = await t.request({
      method: 'PUT',
      url: url.replace('/beta', '/gamma'),
      body: { variant: 'on' },
      headers: po,
    });
    expect(unknown.status).toBe(422);
    const removed = await t.request({ method: 'DELETE', url, body: {}, headers: po });
    expect(removed.body.rules).toEqual([]);
    const audit = await t.request({ method: 'GET', url: `/api/v1/audit?flag=${flag}&actor=paula` });
    expect(audit.body.items.map((item: { action: string }) => item.action)).toEqual([
      'flag-config.audience-remove',
      'flag-config.audience-add',
    ]);
  });

  it('add an audience to a running release, realized at once', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 2);
    await t.request({
      method: 'POST',
      url: `/api/v1/environments/${env}/segments`,
      body: { key: 'staff', name: 'Staff', included: ['sam'] },
    });
    const key = await createRelease(t, env, flags, {
      plan: [{ percent: 30 }, { percent: 100, delay: '1d' }],
    });
    created.push({ env, key });
    await releaseAction(t, env, key, 'schedule');
    await tick();
    const response = await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${env}/releases/${key}/audiences/staff`,
      body: {},
      headers: await as(t, 'product-owner'),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.audiences).toEqual(['staff']);
    for (const flag of flags) {
      const rule = (await configOf(t, env, flag)).rules[0]!;
      expect(rule.conditions).toEqual([{ attribute: 'key', operator: 'inSegment', values: ['staff'] }]);
      expect(rule.serve.rollout?.variants[0]?.weight).toBe(30_000);
    }
  });
});
