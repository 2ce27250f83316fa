import { isInAnyWindow, nextOpening } from '../../calendar/weekly-window.js';
import type { Executor } from '../../db/database.js';
import type { UnveilError } from '../../errors.js';
import type { WriteContext } from '../../write-context.js';
import { proposeChange } from '../change-requests/proposals.js';
import { fleetShare } from '../fleet/fleet.js';
import { frozenUntil } from '../freezes/freeze-policy.js';
import type { FreezeRecord } from '../freezes/freezes-store.js';
import { rewriteComponents } from './component-writer.js';
import { plannedStart } from './plan-timing.js';
import { realizeStage, withdrawRelease } from './realization.js';
import { releaseRuleId } from './release.js';
import { audit } from './release-audit.js';
import {
  cancelOpenSteps,
  planStep,
  type ReleaseRecord,
  type ReleaseStepRecord,
  updateRelease,
  updateStep,
} from './releases-store.js';
import { stageRuleOf } from './stage-rule.js';

/** The actor the audit log records for what the scheduler does by itself. */
export const SCHEDULER_ACTOR = 'unveil-scheduler';

/** How long a frozen-forever environment or an unreachable window is left before the step is looked at again. */
const RECHECK_MS = 3_600_000;

export interface StepInput {
  release: ReleaseRecord;
  step: ReleaseStepRecord;
  /** The environment's freezes (the caller holds its lock). */
  freezes: readonly FreezeRecord[];
  now: Date;
  /** A step found due longer ago than this was missed (every instance was down), not just reached. */
  catchUpToleranceMs: number;
}

export type StepResult = 'applied' | 'waiting' | 'awaiting-approval' | 'skipped' | 'withdrawn' | 'failed';

/**
 * Runs one claimed step: it waits (exposure start, freeze, allowed window), asks for approval, is
 * skipped by the catch-up policy, or is applied. Returns what happened and whether SDKs will see a change.
 */
export async function runStep(
  tx: Executor,
  input: StepInput,
): Promise<{ result: StepResult; changed: boolean }> {
  const { release, step, now } = input;
  const wait = waitingFor(input) ?? (await waitingForDeployment(tx, input));
  if (wait !== undefined) {
    await updateStep(tx, step.id, { dueAt: wait.until, note: wait.note });
    return { result: 'waiting', changed: false };
  }
  if (step.kind === 'withdraw') return { result: 'withdrawn', changed: await withdraw(tx, release, now) };

  const stage = release.definition.plan[step.stage]!;
  if (stage.approval && step.approvedBy === null) {
    await requestApproval(tx, release, step, now);
    return { result: 'awaiting-approval', changed: false };
  }
  if (await skippedByCatchUp(tx, input)) return { result: 'skipped', changed: false };
  return {
    result: 'applied',
    changed: await applyStage(tx, release, step, now, schedulerContext(release, step)),
  };
}

/** Why a due step cannot go out yet, and until when; undefined if it can. */
function waitingFor({ release, step, freezes, now }: StepInput): { until: Date; note: string } | undefined {
  const later = (ms: number) => new Date(now.getTime() + ms);
  const from = release.definition.exposure?.from;
  if (step.kind === 'stage' && from !== undefined && now < new Date(from)) {
    return { until: new Date(from), note: `waiting for the exposure window to open at ${from}` };
  }
  const thaw = frozenUntil(freezes, now);
  if (thaw !== undefined) {
    const until = thaw === 'never' ? later(RECHECK_MS) : thaw;
    return { until, note: `environment frozen; waiting until ${until.toISOString()}` };
  }
  const { windows } = release.definition;
  if (step.kind === 'stage' && !isInAnyWindow(windows, now)) {
    const opening = nextOpening(windows, now) ?? later(RECHECK_MS);
    return { until: opening, note: `outside the allowed windows; waiting until ${opening.toISOString()}` };
  }
  return undefined;
}

/** How often a stage held by its deployment gate looks at the fleet again. */
const GATE_RECHECK_MS = 30_000;

/** Deploy before release: the stage waits until enough of the fleet runs the version it needs. */
async function waitingForDeployment(
  tx: Executor,
  { release, step, now }: StepInput,
): Promise<{ until: Date; note: string } | undefined> {
  const gate = step.kind === 'stage' ? release.definition.plan[step.stage]!.gate : undefined;
  if (gate === undefined) return undefined;
  const { total, atLeast } = await fleetShare(tx, release.environmentKey, gate.minAppVersion, now);
  const share = total === 0 ? 0 : (100 * atLeast) / total;
  if (share >= gate.minShare && total > 0) return undefined;
  return {
    until: new Date(now.getTime() + GATE_RECHECK_MS),
    note:
      `deployment gate: ${atLeast} of ${total} connected SDKs run ${gate.minAppVersion} or later ` +
      `(${share.toFixed(1)} %, needs ${gate.minShare} %)`,
  };
}

async function requestApproval(tx: Executor, release: ReleaseRecord, step: ReleaseStepRecord, now: Date) {
  const stage = release.definition.plan[step.stage]!;
  // The release's author is the change's author: four eyes means someone else approves each stage.
  const context: WriteContext = {
    actor: release.createdBy,
    reason: `stage ${step.stage + 1} of ${release.definition.plan.length} (${stage.percent} %) of release ${release.key}`,
  };
  const proposal = {
    environmentKey: release.environmentKey,
    kind: 'release-stage' as const,
    resourceKey: release.key,
    payload: { stage: step.stage, percent: stage.percent },
    baseVersion: null,
  };
  await proposeChange(tx, proposal, context, now);
  await updateStep(tx, step.id, { state: 'awaiting-approval', note: 'waiting for approval' });
}

/**
 * The `latest` catch-up policy: a step missed by more than the tolerance is skipped when the next
 * stage's planned time (counted from this step's planned time) has passed too.
 */
async function skippedByCatchUp(tx: Executor, { release, step, now, catchUpToleranceMs }: StepInput) {
  const { plan, catchUp } = release.definition;
  const late = now.getTime() - step.dueAt.getTime() > catchUpToleranceMs;
  const next = plan[step.stage + 1];
  if (catchUp !== 'latest' || !late || next === undefined) return false;
  const nextPlanned = plannedStart(next, step.plannedAt);
  if (nextPlanned > now) return false;
  const lateBy = Math.round((now.getTime() - step.plannedAt.getTime()) / 1000);
  await updateStep(tx, step.id, {
    state: 'skipped',
    note: `missed by ${lateBy} s; skipped (catch-up: latest)`,
  });
  await planStep(tx, release.key, 'stage', step.stage + 1, nextPlanned);
  const context = { actor: SCHEDULER_ACTOR, reason: `stage ${step.stage + 1} missed by ${lateBy} s` };
  await audit(tx, context, now, 'release.stage-skipped', release, release, release);
  return true;
}

/** The scheduler applying a due stage: its own actor, the stage as the reason, the approver if any. */
function schedulerContext(release: ReleaseRecord, step: ReleaseStepRecord): WriteContext {
  const { plan } = release.definition;
  return {
    actor: SCHEDULER_ACTOR,
    reason: `release ${release.key}: stage ${step.stage + 1} of ${plan.length}, ${plan[step.stage]!.percent} %`,
    ...(step.approvedBy === null ? {} : { approvedBy: step.approvedBy }),
  };
}

/**
 * Realizes the stage in every component, plans the next one, and completes the release after the last.
 * The scheduler calls it for due steps; `advance` for a person who brings a stage forward.
 */
export async function applyStage(
  tx: Executor,
  release: ReleaseRecord,
  step: ReleaseStepRecord,
  now: Date,
  context: WriteContext,
): Promise<boolean> {
  const { plan, exposure } = release.definition;
  const { baseline, changed } = await rewriteComponents(
    tx,
    release,
    (current, base, component) => realizeStage(current, base, stageRuleOf(release, step.stage, component)),
    { capture: true, context, action: 'flag-config.release-stage', at: now },
  );
  const last = step.stage === plan.length - 1;
  // A campaign stays running after its last stage until its exposure window closes.
  const state = last && exposure?.until === undefined ? 'completed' : 'running';
  const updated = await updateRelease(tx, release.key, {
    stage: step.stage,
    state,
    baseline,
    updatedAt: now,
  });
  // Independent writes, sent together (one round trip on Postgres).
  await Promise.all([
    updateStep(tx, step.id, { state: 'applied', appliedAt: now }),
    last
      ? undefined
      : planStep(tx, release.key, 'stage', step.stage + 1, plannedStart(plan[step.stage + 1]!, now)),
    audit(tx, context, now, 'release.stage', updated, release, updated),
  ]);
  return changed;
}

/** The end of the exposure window: the release's rule goes and the release completes. */
async function withdraw(tx: Executor, release: ReleaseRecord, now: Date): Promise<boolean> {
  const context = { actor: SCHEDULER_ACTOR, reason: `release ${release.key}: exposure window ended` };
  const ruleId = releaseRuleId(release.key);
  const { changed } = await rewriteComponents(
    tx,
    release,
    (current, baseline) => withdrawRelease(current, baseline, ruleId),
    { capture: false, context, action: 'flag-config.release-withdraw', at: now },
  );
  await cancelOpenSteps(tx, release.key, 'exposure window ended');
  const updated = await updateRelease(tx, release.key, { state: 'completed', updatedAt: now });
  await audit(tx, context, now, 'release.withdraw', updated, release, updated);
  return changed;
}

/**
 * A step that cannot apply (a component was archived, its variant removed): the release pauses and the
 * step stays pending, so resuming once the cause is fixed tries it again.
 */
export async function failStep(
  tx: Executor,
  release: ReleaseRecord,
  step: ReleaseStepRecord,
  error: UnveilError,
  now: Date,
): Promise<void> {
  const what = step.kind === 'stage' ? `stage ${step.stage + 1}` : 'withdrawal';
  // The field errors say what is wrong (an unknown segment, a missing variant); the title alone would not.
  const problems = error.errors.map((problem) => problem.message).join('; ');
  const why = `${what} failed: ${error.detail ?? error.title}${problems === '' ? '' : ` (${problems})`}`;
  await updateStep(tx, step.id, { note: why });
  const updated = await updateRelease(tx, release.key, { state: 'paused', stateReason: why, updatedAt: now });
  await audit(tx, { actor: SCHEDULER_ACTOR, reason: why }, now, 'release.pause', updated, release, updated);
}
