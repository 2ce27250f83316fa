import { isInWindow, windowEnd } from '../../calendar/weekly-window.js';
import type { FreezeRecord } from './freezes-store.js';

/** Whether the freeze covers `at`: one-off ones by their interval, recurring ones by their weekly window. */
function isFreezeActive(freeze: FreezeRecord, at: Date): boolean {
  if (freeze.recurrence !== null) return isInWindow(freeze.recurrence, at);
  return freeze.startsAt !== null && freeze.endsAt !== null && freeze.startsAt <= at && at < freeze.endsAt;
}

export function activeFreeze(freezes: readonly FreezeRecord[], at: Date): FreezeRecord | undefined {
  return freezes.find((freeze) => isFreezeActive(freeze, at));
}

/** Longest a chain of back-to-back freezes is followed before the scheduler just checks again later. */
const MAX_CHAINED_FREEZES = 64;

/**
 * When the environment thaws: the end of the freeze active at `at`, followed through any freeze that
 * starts before the previous one ends. Undefined when it is not frozen at `at`; `never` for a recurring
 * freeze that never closes.
 */
export function frozenUntil(freezes: readonly FreezeRecord[], at: Date): Date | 'never' | undefined {
  let until: Date | undefined;
  let probe = at;
  for (let hops = 0; hops < MAX_CHAINED_FREEZES; hops++) {
    const freeze = activeFreeze(freezes, probe);
    if (freeze === undefined) return until;
    const end = freeze.recurrence !== null ? windowEnd(freeze.recurrence, probe) : freeze.endsAt!;
    if (end === undefined) return 'never';
    until = end;
    probe = end;
  }
  return until;
}
