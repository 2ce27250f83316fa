import { parseDuration, type ReleaseStage } from './release.js';

/**
 * When a stage is planned: its absolute `startAt`, or its `delay` after `previous` — the moment the
 * previous stage was realized (or, for the first stage, the moment the release was scheduled).
 */
export function plannedStart(stage: ReleaseStage, previous: Date): Date {
  if (stage.startAt !== undefined) return new Date(stage.startAt);
  return new Date(previous.getTime() + (stage.delay === undefined ? 0 : parseDuration(stage.delay)!));
}
