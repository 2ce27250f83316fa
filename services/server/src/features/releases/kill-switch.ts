import type { Executor } from '../../db/database.js';
import type { WriteContext } from '../../write-context.js';
import { audit } from './release-audit.js';
import { findHolders, findRelease, updateRelease } from './releases-store.js';

/**
 * A flag switched off while releases hold it: they pause in the same transaction, so the next stage does
 * not switch it back on. Resuming is a deliberate decision, and realizes the stage again.
 */
export async function pauseReleasesHolding(
  tx: Executor,
  environmentKey: string,
  flagKey: string,
  context: WriteContext,
  at: Date,
): Promise<void> {
  const holders = await findHolders(tx, environmentKey, [flagKey], '');
  for (const { release: key } of holders) {
    const release = await findRelease(tx, environmentKey, key, 'update');
    if (release === undefined || !['scheduled', 'running'].includes(release.state)) continue;
    const why = `flag "${flagKey}" was switched off (kill switch) by ${context.actor}`;
    const paused = await updateRelease(tx, key, { state: 'paused', stateReason: why, updatedAt: at });
    await audit(tx, { ...context, reason: why }, at, 'release.pause', paused, release, paused);
  }
}
