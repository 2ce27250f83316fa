import { nextOpening } from '../../calendar/weekly-window.js';
import { frozenUntil } from '../freezes/freeze-policy.js';
import type { FreezeRecord } from '../freezes/freezes-store.js';
import { plannedStart } from './plan-timing.js';
import type { ReleaseRecord, ReleaseStepRecord } from './releases-store.js';

/** When a stage went out, or when it is expected to. */
export interface StageTime {
  stage: number;
  at: Date;
  /** applied: it happened; due: its step is pending or waiting for approval; expected: projected. */
  status: 'applied' | 'skipped' | 'due' | 'expected';
}

const HORIZON_MS = 366 * 24 * 3_600_000;

/**
 * Each stage's actual time, or its expected time from the plan: after the previous stage, pushed to the
 * next allowed window and past freezes, as the scheduler will do. Stops at the first stage that cannot be
 * placed within a year (a window that never opens, a freeze that never ends).
 */
export function stageTimeline(
  release: ReleaseRecord,
  steps: readonly ReleaseStepRecord[],
  freezes: readonly FreezeRecord[],
  now: Date,
): StageTime[] {
  const { plan, windows, exposure } = release.definition;
  const times: StageTime[] = [];
  let previous = now;
  for (let stage = 0; stage < plan.length; stage++) {
    const step = steps.find((candidate) => candidate.kind === 'stage' && candidate.stage === stage);
    if (step?.state === 'applied' || step?.state === 'skipped') {
      const at = step.appliedAt ?? step.dueAt;
      times.push({ stage, at, status: step.state });
      previous = at;
      continue;
    }
    if (step?.state === 'cancelled') break;
    let at = step === undefined ? plannedStart(plan[stage]!, previous) : step.dueAt;
    if (at < now) at = now;
    const placed = place(at, windows, freezes, exposure?.from);
    if (placed === undefined) break;
    times.push({ stage, at: placed, status: step === undefined ? 'expected' : 'due' });
    previous = placed;
  }
  return times;
}

/** The first moment at or after `at` when the scheduler would let the stage out. */
function place(
  at: Date,
  windows: ReleaseRecord['definition']['windows'],
  freezes: readonly FreezeRecord[],
  exposureFrom: string | undefined,
): Date | undefined {
  let candidate = exposureFrom !== undefined && new Date(exposureFrom) > at ? new Date(exposureFrom) : at;
  const limit = at.getTime() + HORIZON_MS;
  while (candidate.getTime() < limit) {
    const thaw = frozenUntil(freezes, candidate);
    if (thaw === 'never') return undefined;
    if (thaw !== undefined) {
      candidate = thaw;
      continue;
    }
    const opening = nextOpening(windows, candidate);
    if (opening === undefined) return undefined;
    if (opening.getTime() === candidate.getTime()) return candidate;
    candidate = opening;
  }
  return undefined;
}
