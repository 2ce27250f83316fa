import type { Clock } from '../../clock.js';
import { assertExpectedVersion, found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { UnveilError } from '../../errors.js';
import type { WriteContext } from '../../write-context.js';
import { passChangeGate } from '../change-requests/change-gate.js';
import type { ChangeRequestRecord } from '../change-requests/change-requests-store.js';
import { proposeChange } from '../change-requests/proposals.js';
import {
  bumpSnapshotVersions,
  type EnvironmentRecord,
  lockEnvironments,
  requireEnvironment,
} from '../environments/environments-store.js';
import { listFreezes } from '../freezes/freezes-store.js';
import { rewriteComponents } from './component-writer.js';
import { plannedStart } from './plan-timing.js';
import { realizeStage } from './realization.js';
import { type ReleaseAction, type ReleaseDefinition, type ReleaseState, TRANSITIONS } from './release.js';
import { audit } from './release-audit.js';
import { assertReleaseConsistent } from './release-validation.js';
import type { ReleaseInput } from './releases-schemas.js';
import {
  cancelOpenSteps,
  findHolders,
  findOpenStep,
  findRelease,
  insertRelease,
  listReleases,
  planStep,
  type ReleaseRecord,
  updateRelease,
  updateStep,
} from './releases-store.js';
import { stageRuleOf } from './stage-rule.js';
import { applyStage } from './step-runner.js';

/** A change either applied, or — in a protected environment — waits for approval as a change request. */
export type ReleaseOutcome =
  | { applied: ReleaseRecord; proposed?: never }
  | { proposed: ChangeRequestRecord; applied?: never };

export class ReleasesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  list(environmentKey: string, states?: readonly ReleaseState[]): Promise<ReleaseRecord[]> {
    return this.db.transaction(async (tx) => {
      await requireEnvironment(tx, environmentKey);
      return listReleases(tx, environmentKey, states);
    });
  }

  get(environmentKey: string, key: string): Promise<ReleaseRecord> {
    return this.db.transaction((tx) => requireRelease(tx, environmentKey, key));
  }

  create(
    environmentKey: string,
    key: string,
    input: ReleaseInput,
    context: WriteContext,
  ): Promise<ReleaseRecord> {
    return this.db.transaction(async (tx) => {
      await requireEnvironment(tx, environmentKey);
      const definition = toDefinition(key, input);
      await assertReleaseConsistent(tx, environmentKey, definition);
      const at = this.clock.now();
      const created = await insertRelease(tx, {
        key,
        environmentKey,
        name: input.name,
        notes: input.notes,
        definition,
        state: 'draft',
        stateReason: null,
        stage: -1,
        baseline: null,
        version: 1,
        createdBy: context.actor,
        createdAt: at,
        updatedAt: at,
      });
      if (created === undefined) {
        throw new UnveilError('UNVEIL_ERR_RELEASE_EXISTS', { detail: `release "${key}" exists` });
      }
      await audit(tx, context, at, 'release.create', created, null, created);
      return created;
    });
  }

  /** Drafts only: once scheduled, a release changes through its transitions and its audiences. */
  update(
    environmentKey: string,
    key: string,
    input: ReleaseInput,
    context: WriteContext,
  ): Promise<ReleaseRecord> {
    return this.db.transaction(async (tx) => {
      const release = await requireRelease(tx, environmentKey, key, 'update');
      assertExpectedVersion(`release "${key}"`, release.version, context.expectedVersion);
      if (release.state !== 'draft') throw stateError(release, 'edit');
      const definition = toDefinition(key, input);
      await assertReleaseConsistent(tx, environmentKey, definition);
      const at = this.clock.now();
      const updated = await updateRelease(tx, key, {
        name: input.name,
        notes: input.notes,
        definition,
        updatedAt: at,
      });
      await audit(tx, context, at, 'release.update', updated, release, updated);
      return updated;
    });
  }

  /**
   * draft → scheduled: the first stage is planned and the release holds its flags. In a protected
   * environment this is a change request until someone other than the requester approves it.
   */
  schedule(environmentKey: string, key: string, context: WriteContext): Promise<ReleaseOutcome> {
    return this.db.transaction(async (tx) => {
      const { environment, release } = await this.lockForTransition(
        tx,
        environmentKey,
        key,
        context,
        'schedule',
      );
      await this.assertSchedulable(tx, release);
      const at = this.clock.now();
      // Scheduling changes nothing SDKs see yet, so a freeze does not hold it (its stages wait instead).
      const gate = passChangeGate({ environment, freezes: [], at, context });
      if (gate.outcome === 'propose') {
        const proposal = {
          environmentKey,
          kind: 'release-schedule' as const,
          resourceKey: key,
          payload: { action: 'schedule' },
          baseVersion: release.version,
        };
        return { proposed: await proposeChange(tx, proposal, context, at) };
      }
      return { applied: await this.scheduleLocked(tx, release, gate.context, at) };
    });
  }

  pause(environmentKey: string, key: string, context: WriteContext): Promise<ReleaseRecord> {
    return this.transition(environmentKey, key, context, 'pause', async (tx, _release, at) =>
      updateRelease(tx, key, { state: 'paused', stateReason: context.reason ?? null, updatedAt: at }),
    );
  }

  resume(environmentKey: string, key: string, context: WriteContext): Promise<ReleaseRecord> {
    return this.transition(environmentKey, key, context, 'resume', async (tx, release, at) =>
      updateRelease(tx, key, {
        // Nothing realized yet: it goes back to waiting for its first stage.
        state: release.stage < 0 ? 'scheduled' : 'running',
        stateReason: null,
        updatedAt: at,
      }),
    );
  }

  /** Only before anything was realized; afterwards, roll back. */
  cancel(environmentKey: string, key: string, context: WriteContext): Promise<ReleaseRecord> {
    return this.transition(environmentKey, key, context, 'cancel', async (tx, release, at) => {
      if (release.stage >= 0) throw stateError(release, 'cancel after a stage went out (roll back instead)');
      await cancelOpenSteps(tx, key, 'release cancelled');
      return updateRelease(tx, key, {
        state: 'cancelled',
        stateReason: context.reason ?? null,
        updatedAt: at,
      });
    });
  }

  /**
   * Every component back to its configuration before the release, in one environment version. A backout
   * is never held by a freeze or an approval.
   */
  rollback(environmentKey: string, key: string, context: WriteContext): Promise<ReleaseRecord> {
    return this.transition(environmentKey, key, context, 'rollback', (tx, release, at) =>
      this.rollbackLocked(tx, release, context, at, context.reason ?? null),
    );
  }

  /**
   * Brings the next stage forward: applied now, whatever its planned time or the allowed windows. A freeze
   * holds it unless an admin or release manager breaks the glass, and so does a missing approval for a
   * stage that needs one; either way the audit entry records an emergency change.
   */
  advance(environmentKey: string, key: string, context: WriteContext): Promise<ReleaseRecord> {
    return this.db.transaction(async (tx) => {
      const [[environment], freezes, current] = await Promise.all([
        lockEnvironments(tx, [environmentKey]),
        listFreezes(tx, environmentKey),
        findRelease(tx, environmentKey, key, 'update'),
      ]);
      found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${environmentKey}"`);
      const release = found(current, 'UNVEIL_ERR_RELEASE_NOT_FOUND', `release "${key}" in ${environmentKey}`);
      assertExpectedVersion(`release "${key}"`, release.version, context.expectedVersion);
      const step = ['scheduled', 'running'].includes(release.state)
        ? await findOpenStep(tx, key, 'stage')
        : undefined;
      if (step === undefined) throw stateError(release, 'advance (no stage is waiting)');
      const unapproved = release.definition.plan[step.stage]!.approval && step.approvedBy === null;
      const at = this.clock.now();
      const gate = passChangeGate({
        environment: { key: environmentKey, protected: unapproved },
        freezes,
        at,
        context,
      });
      if (gate.outcome === 'propose') {
        throw stateError(
          release,
          `advance stage ${step.stage + 1} before it is approved (or as an emergency)`,
        );
      }
      if (await applyStage(tx, release, step, at, gate.context)) {
        await bumpSnapshotVersions(tx, [environmentKey]);
      }
      return (await findRelease(tx, environmentKey, key))!;
    });
  }

  /** Adds or removes an audience; on an active release the current stage is realized again at once. */
  setAudience(
    environmentKey: string,
    key: string,
    segment: string,
    present: boolean,
    context: WriteContext,
  ): Promise<ReleaseOutcome> {
    return this.db.transaction(async (tx) => {
      const [[environment], freezes, release] = await Promise.all([
        lockEnvironments(tx, [environmentKey]),
        listFreezes(tx, environmentKey),
        findRelease(tx, environmentKey, key, 'update'),
      ]);
      const locked = found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${environmentKey}"`);
      const current = found(release, 'UNVEIL_ERR_RELEASE_NOT_FOUND', `release "${key}" in ${environmentKey}`);
      assertExpectedVersion(`release "${key}"`, current.version, context.expectedVersion);
      const audiences = present
        ? [...new Set([...current.definition.audiences, segment])]
        : current.definition.audiences.filter((audience) => audience !== segment);
      if (sameList(audiences, current.definition.audiences)) return { applied: current };
      if (!['draft', 'scheduled', 'running', 'paused'].includes(current.state)) {
        throw stateError(current, 'change its audiences');
      }
      const definition = { ...current.definition, audiences };
      await assertReleaseConsistent(tx, environmentKey, definition);
      const at = this.clock.now();
      // A draft changes nothing anyone sees; an active release does, so it passes the gate.
      const gate =
        current.state === 'draft'
          ? ({ outcome: 'apply', context } as const)
          : passChangeGate({ environment: locked, freezes, at, context });
      if (gate.outcome === 'propose') {
        const proposal = {
          environmentKey,
          kind: 'release-audiences' as const,
          resourceKey: key,
          payload: { audiences },
          baseVersion: current.version,
        };
        return { proposed: await proposeChange(tx, proposal, context, at) };
      }
      return { applied: await this.setAudiencesLocked(tx, current, audiences, gate.context, at) };
    });
  }

  /** Applies an approved change request of one of the release kinds, inside the approval's transaction. */
  async applyApproved(tx: Executor, request: ChangeRequestRecord, context: WriteContext): Promise<void> {
    const [environment] = await lockEnvironments(tx, [request.environmentKey]);
    const release = await requireRelease(tx, request.environmentKey, request.resourceKey, 'update');
    const at = this.clock.now();
    if (request.kind === 'release-schedule') {
      found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${request.environmentKey}"`);
      assertExpectedVersion(`release "${release.key}"`, release.version, request.baseVersion ?? undefined);
      assertTransition(release, 'schedule');
      await this.assertSchedulable(tx, release);
      await this.scheduleLocked(tx, release, context, at);
    } else if (request.kind === 'release-audiences') {
      assertExpectedVersion(`release "${release.key}"`, release.version, request.baseVersion ?? undefined);
      const { audiences } = request.payload as { audiences: string[] };
      await this.setAudiencesLocked(tx, release, audiences, context, at);
    }
  }

  /** A stage's approval: its step goes out when due (at once if it is overdue). */
  async approveStage(tx: Executor, request: ChangeRequestRecord, context: WriteContext): Promise<void> {
    const step = await findOpenStep(tx, request.resourceKey, 'stage');
    if (step === undefined || step.state !== 'awaiting-approval') {
      throw new UnveilError('UNVEIL_ERR_RELEASE_STATE', {
        detail: `release "${request.resourceKey}" has no stage waiting for approval`,
      });
    }
    await updateStep(tx, step.id, {
      state: 'pending',
      approvedBy: context.approvedBy ?? null,
      note: `approved by ${context.approvedBy}`,
    });
  }

  /** A stage's approval was rejected or expired: the release pauses; resuming asks again. */
  async stageApprovalDropped(tx: Executor, request: ChangeRequestRecord, why: string): Promise<void> {
    const release = await findRelease(tx, request.environmentKey, request.resourceKey, 'update');
    const step = await findOpenStep(tx, request.resourceKey, 'stage');
    if (release === undefined || step === undefined || !['scheduled', 'running'].includes(release.state))
      return;
    const at = this.clock.now();
    const reason = `approval of stage ${step.stage + 1}: ${why}`;
    await updateStep(tx, step.id, { state: 'pending', note: reason });
    const paused = await updateRelease(tx, release.key, {
      state: 'paused',
      stateReason: reason,
      updatedAt: at,
    });
    await audit(tx, { actor: 'unveil-scheduler', reason }, at, 'release.pause', paused, release, paused);
  }

  /** Rolls back inside the caller's transaction (which holds the environment lock): rollback and guards. */
  async rollbackLocked(
    tx: Executor,
    release: ReleaseRecord,
    context: WriteContext,
    at: Date,
    why: string | null,
  ): Promise<ReleaseRecord> {
    const { changed } = await rewriteComponents(tx, release, (_current, baseline) => baseline, {
      capture: false,
      context,
      action: 'flag-config.release-rollback',
      at,
    });
    if (changed) await bumpSnapshotVersions(tx, [release.environmentKey]);
    await cancelOpenSteps(tx, release.key, 'release rolled back');
    return updateRelease(tx, release.key, { state: 'rolled-back', stateReason: why, updatedAt: at });
  }

  private async scheduleLocked(
    tx: Executor,
    release: ReleaseRecord,
    context: WriteContext,
    at: Date,
  ): Promise<ReleaseRecord> {
    const { plan, exposure } = release.definition;
    const first = plannedStart(plan[0]!, at);
    await planStep(tx, release.key, 'stage', 0, first);
    if (exposure?.until !== undefined) {
      const until = new Date(exposure.until);
      await planStep(tx, release.key, 'withdraw', -1, until);
    }
    const scheduled = await updateRelease(tx, release.key, {
      state: 'scheduled',
      stateReason: null,
      updatedAt: at,
    });
    await audit(tx, context, at, 'release.schedule', scheduled, release, scheduled);
    return scheduled;
  }

  private async setAudiencesLocked(
    tx: Executor,
    release: ReleaseRecord,
    audiences: string[],
    context: WriteContext,
    at: Date,
  ): Promise<ReleaseRecord> {
    const definition: ReleaseDefinition = { ...release.definition, audiences };
    if (release.stage >= 0 && release.state !== 'completed') {
      const next = { ...release, definition };
      const { changed } = await rewriteComponents(
        tx,
        next,
        (current, baseline, component) =>
          realizeStage(current, baseline, stageRuleOf(next, release.stage, component)),
        { capture: false, context, action: 'flag-config.release-audiences', at },
      );
      if (changed) await bumpSnapshotVersions(tx, [release.environmentKey]);
    }
    const updated = await updateRelease(tx, release.key, { definition, updatedAt: at });
    await audit(tx, context, at, 'release.audiences', updated, release, updated);
    return updated;
  }

  /** No other active release may hold one of its flags, and its references must still hold. */
  private async assertSchedulable(tx: Executor, release: ReleaseRecord): Promise<void> {
    await assertReleaseConsistent(tx, release.environmentKey, release.definition);
    const flags = release.definition.components.map((component) => component.flag);
    const [holder] = await findHolders(tx, release.environmentKey, flags, release.key);
    if (holder !== undefined) {
      throw new UnveilError('UNVEIL_ERR_RELEASE_CONFLICT', {
        detail: `flag "${holder.flag}" is held by release "${holder.release}"`,
        extensions: { release: holder.release, flag: holder.flag },
      });
    }
  }

  private async lockForTransition(
    tx: Executor,
    environmentKey: string,
    key: string,
    context: WriteContext,
    action: ReleaseAction,
  ): Promise<{ environment: EnvironmentRecord; release: ReleaseRecord }> {
    // The environment first, as every writer of flag configurations does: one lock order, no deadlock.
    const [[environment], release] = await Promise.all([
      lockEnvironments(tx, [environmentKey]),
      findRelease(tx, environmentKey, key, 'update'),
    ]);
    const env = found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${environmentKey}"`);
    const current = found(release, 'UNVEIL_ERR_RELEASE_NOT_FOUND', `release "${key}" in ${environmentKey}`);
    assertExpectedVersion(`release "${key}"`, current.version, context.expectedVersion);
    assertTransition(current, action);
    return { environment: env, release: current };
  }

  private transition(
    environmentKey: string,
    key: string,
    context: WriteContext,
    action: ReleaseAction,
    apply: (tx: Executor, release: ReleaseRecord, at: Date) => Promise<ReleaseRecord>,
  ): Promise<ReleaseRecord> {
    return this.db.transaction(async (tx) => {
      const { release } = await this.lockForTransition(tx, environmentKey, key, context, action);
      const at = this.clock.now();
      const updated = await apply(tx, release, at);
      await audit(tx, context, at, `release.${action}`, updated, release, updated);
      return updated;
    });
  }
}

function toDefinition(key: string, input: ReleaseInput): ReleaseDefinition {
  const { name: _name, notes: _notes, cohortSalt, ...rest } = input;
  return { ...rest, cohortSalt: cohortSalt ?? key };
}

function assertTransition(release: ReleaseRecord, action: ReleaseAction): void {
  const allowed: readonly ReleaseState[] = TRANSITIONS[action].from;
  if (!allowed.includes(release.state)) throw stateError(release, action);
}

function stateError(release: ReleaseRecord, what: string): UnveilError {
  return new UnveilError('UNVEIL_ERR_RELEASE_STATE', {
    detail: `release "${release.key}" is ${release.state}: cannot ${what}`,
    extensions: { state: release.state },
  });
}

async function requireRelease(
  tx: Executor,
  environmentKey: string,
  key: string,
  lock?: 'update',
): Promise<ReleaseRecord> {
  await requireEnvironment(tx, environmentKey);
  const release = await findRelease(tx, environmentKey, key, lock);
  return found(release, 'UNVEIL_ERR_RELEASE_NOT_FOUND', `release "${key}" in ${environmentKey}`);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
