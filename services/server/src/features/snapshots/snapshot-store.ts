import type { Flag, Segment } from '@unveil/core';
import type { Executor } from '../../db/database.js';
import { listLiveFlagsWithConfig } from '../flag-configs/flag-configs-store.js';
import { listSegments } from '../segments/segments-store.js';

/** One environment's flags and segments in the shape SDKs evaluate. */
export interface EnvironmentModel {
  flags: Flag[];
  segments: Segment[];
}

/**
 * Reads what an environment's SDKs see. A flag's `version` is its definition version plus its config
 * version minus one: it starts at 1 and grows by exactly one with every change to either half.
 */
export async function loadEnvironmentModel(tx: Executor, environmentKey: string): Promise<EnvironmentModel> {
  const [flagRows, segmentRows] = await Promise.all([
    listLiveFlagsWithConfig(tx, environmentKey),
    listSegments(tx, environmentKey),
  ]);
  return {
    flags: flagRows.map((row) => ({
      key: row.key,
      type: row.type,
      variants: row.variants,
      ...row.config,
      clientSide: row.clientSide,
      version: row.definitionVersion + row.configVersion - 1,
    })),
    segments: segmentRows.map((row) => ({
      key: row.key,
      included: row.included,
      excluded: row.excluded,
      rules: row.rules,
      version: row.version,
    })),
  };
}
