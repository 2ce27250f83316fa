import type { Executor } from '../../db/database.js';
import { type FieldError, fieldError, prefixPaths, UnveilError } from '../../errors.js';
import { findFlag } from '../flags/flags-store.js';
import { listSegments } from '../segments/segments-store.js';
import type { ReleaseDefinition } from './release.js';

/**
 * The checks the schema cannot make: components name live flags and variants they have, audiences name
 * segments of the environment, and the plan only ever widens and moves forward in time.
 */
export async function assertReleaseConsistent(
  tx: Executor,
  environmentKey: string,
  definition: ReleaseDefinition,
): Promise<void> {
  const [flags, segments] = await Promise.all([
    Promise.all(definition.components.map((component) => findFlag(tx, component.flag))),
    listSegments(tx, environmentKey),
  ]);
  const problems: FieldError[] = [];
  const report = (path: (string | number)[], message: string) => problems.push(fieldError(path, message));

  const seen = new Set<string>();
  definition.components.forEach((component, c) => {
    const flag = flags[c];
    if (seen.has(component.flag)) report(['components', c, 'flag'], `flag "${component.flag}" appears twice`);
    seen.add(component.flag);
    if (flag === undefined) report(['components', c, 'flag'], `unknown flag "${component.flag}"`);
    else if (flag.archived) report(['components', c, 'flag'], `flag "${component.flag}" is archived`);
    else if (!flag.variants.some((variant) => variant.key === component.variant)) {
      report(['components', c, 'variant'], `flag "${component.flag}" has no variant "${component.variant}"`);
    }
  });

  const segmentKeys = new Set(segments.map((segment) => segment.key));
  const checkAudiences = (path: (string | number)[], audiences: readonly string[]) =>
    audiences.forEach((audience, a) => {
      if (!segmentKeys.has(audience)) report([...path, a], `unknown segment "${audience}"`);
    });
  checkAudiences(['audiences'], definition.audiences);

  let previousPercent = 0;
  let previousStart: number | undefined;
  definition.plan.forEach((stage, s) => {
    if (stage.audiences !== undefined) checkAudiences(['plan', s, 'audiences'], stage.audiences);
    // Raising the percent never removes anyone; lowering it would, so a plan only widens.
    if (stage.percent < previousPercent) {
      report(['plan', s, 'percent'], `must not be below the previous stage's ${previousPercent} %`);
    }
    previousPercent = stage.percent;
    if (stage.startAt !== undefined) {
      const start = Date.parse(stage.startAt);
      if (previousStart !== undefined && start < previousStart) {
        report(['plan', s, 'startAt'], "must not be before the previous stage's start");
      }
      previousStart = start;
    }
  });

  const { from, until } = definition.exposure ?? {};
  if (from !== undefined && until !== undefined && Date.parse(until) <= Date.parse(from)) {
    report(['exposure', 'until'], 'must be after "from"');
  }
  if (problems.length > 0) {
    throw new UnveilError('UNVEIL_ERR_RELEASE_INVALID', { errors: prefixPaths('/body', problems) });
  }
}
