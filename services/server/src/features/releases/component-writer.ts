import type { Executor } from '../../db/database.js';
import type { WriteContext } from '../../write-context.js';
import type { StoredFlagConfig } from '../flag-configs/flag-config.js';
import { isNoChange, prepareConfigChange, writeConfigChange } from '../flag-configs/flag-config-writer.js';
import type { ReleaseBaseline, ReleaseComponent, ReleaseDefinition } from './release.js';

/** How a component's configuration changes, given what it is now and what it was before the release. */
export type ComponentRewrite = (
  current: StoredFlagConfig,
  baseline: StoredFlagConfig,
  component: ReleaseComponent,
) => StoredFlagConfig;

export interface RewriteResult {
  /** The baseline with every component the release has now touched. */
  baseline: ReleaseBaseline;
  /** Whether any configuration changed (the caller bumps the environment's version once). */
  changed: boolean;
}

/**
 * Rewrites every component of a release inside the caller's transaction, which holds the environment
 * lock: all of them or none, in one environment version. A component seen for the first time has its
 * configuration recorded in the baseline first (`capture`); without `capture`, components the release
 * never touched are left alone.
 */
export async function rewriteComponents(
  tx: Executor,
  release: { environmentKey: string; definition: ReleaseDefinition; baseline: ReleaseBaseline | null },
  rewrite: ComponentRewrite,
  options: { capture: boolean; context: WriteContext; action: string; at: Date },
): Promise<RewriteResult> {
  const baseline: ReleaseBaseline = { ...release.baseline };
  let changed = false;
  // One component after the other, in the plan's order; the environment lock the caller holds keeps
  // every other writer of these rows waiting until the whole package has changed.
  for (const component of release.definition.components) {
    const { flag } = component;
    if (baseline[flag] === undefined && !options.capture) continue;
    const change = await prepareConfigChange(tx, release.environmentKey, flag, options.context, (current) => {
      baseline[flag] ??= { config: current.config, version: current.version };
      return rewrite(current.config, baseline[flag].config, component);
    });
    if (isNoChange(change)) continue;
    await writeConfigChange(tx, change, options.context, options.action, options.at);
    changed = true;
  }
  return { baseline, changed };
}
