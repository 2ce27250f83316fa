import type { WeeklyWindow } from '../../calendar/weekly-window.js';
import type { StoredFlagConfig } from '../flag-configs/flag-config.js';

export const RELEASE_STATES = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'rolled-back',
  'cancelled',
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** States in which a release holds its flags: no other release may target them meanwhile. */
export const ACTIVE_STATES: readonly ReleaseState[] = ['scheduled', 'running', 'paused'];

/** A flag of the package and the variant the release exposes its cohort to. */
export interface ReleaseComponent {
  flag: string;
  variant: string;
}

/**
 * Deploy before release: the stage waits until at least `minShare` percent of the SDK instances connected
 * for the environment report an application version at or above `minAppVersion` (semver).
 */
export interface DeploymentGate {
  minAppVersion: string;
  minShare: number;
}

export interface ReleaseStage {
  /** Share of the audience exposed, 0–100 with up to three decimals. */
  percent: number;
  /** Segments this stage is limited to (any of them); absent: the release's audiences. */
  audiences?: string[];
  /** An absolute start (ISO 8601); otherwise `delay` after the previous stage was realized. */
  startAt?: string;
  /** "90s", "30m", "4h", "2d": the soak time after the previous stage (after scheduling, for the first). */
  delay?: string;
  /** Four eyes before this stage goes out. */
  approval: boolean;
  gate?: DeploymentGate;
}

/**
 * Early life support: compare the error rate `errorEvent / totalEvent` (both tracked by SDKs with the
 * context key) between exposed and unexposed members of the cohort; when exposed users' rate exceeds the
 * others' by more than `maxIncrease` percentage points, with at least `minTotal` total events on each side,
 * the guard trips and `action` happens.
 */
export interface ReleaseGuard {
  errorEvent: string;
  totalEvent: string;
  maxIncrease: number;
  minTotal: number;
  action: 'pause' | 'rollback';
}

/**
 * After downtime, steps that were due long ago: `replay` applies each of them in order, keeping every
 * stage's soak time from its late start; `latest` skips the stages the planned schedule has already
 * passed and applies only the latest one that is due.
 */
export type CatchUpPolicy = 'replay' | 'latest';

/** What a release is: everything its author writes (and may edit while it is a draft). */
export interface ReleaseDefinition {
  components: ReleaseComponent[];
  audiences: string[];
  cohortSalt: string;
  plan: ReleaseStage[];
  /** Allowed windows: a due stage outside all of them waits for the next opening. Empty: any time. */
  windows: WeeklyWindow[];
  /** A campaign: visible no earlier than `from`, withdrawn automatically at `until`. */
  exposure?: { from?: string; until?: string };
  catchUp: CatchUpPolicy;
  guard?: ReleaseGuard;
}

/** Each component's configuration and version just before the release first wrote it. */
export type ReleaseBaseline = Record<string, { config: StoredFlagConfig; version: number }>;

export type ReleaseStepKind = 'stage' | 'withdraw';
export type ReleaseStepState = 'pending' | 'awaiting-approval' | 'applied' | 'skipped' | 'cancelled';

/** What people can do to a release, from which states, and where it goes. */
export const TRANSITIONS = {
  schedule: { from: ['draft'], to: 'scheduled' },
  pause: { from: ['scheduled', 'running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  rollback: { from: ['scheduled', 'running', 'paused', 'completed'], to: 'rolled-back' },
  cancel: { from: ['draft', 'scheduled', 'paused'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly ReleaseState[]; to: ReleaseState }>;
export type ReleaseAction = keyof typeof TRANSITIONS;

/** Release keys are flag-style keys short enough to name the rule they own (rule ids have 64 characters). */
export const RELEASE_KEY_MAX_LENGTH = 56;

/** The rule a release owns in each of its components' configurations. */
export function releaseRuleId(releaseKey: string): string {
  return `release.${releaseKey}`;
}

const DURATION = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a "4h"-style duration, or undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
