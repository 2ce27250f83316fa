import { BUCKETING_VERSION, type Snapshot } from '@unveil/core';
import { found } from '../../concurrency.js';
import type { Database } from '../../db/database.js';
import { findEnvironment } from '../environments/environments-store.js';
import { loadEnvironmentModel } from './snapshot-store.js';

/** What the delivery layer sends to SDKs: an environment's complete configuration at one version. */
export class SnapshotService {
  constructor(private readonly db: Database) {}

  /**
   * Reads the version and the content in one REPEATABLE READ transaction, so the version always names
   * exactly this content even while writers commit.
   */
  getSnapshot(environmentKey: string): Promise<Snapshot> {
    return this.db.transaction(
      async (tx) => {
        const environment = found(
          await findEnvironment(tx, environmentKey),
          'UNVEIL_ERR_ENV_NOT_FOUND',
          `environment "${environmentKey}"`,
        );
        const model = await loadEnvironmentModel(tx, environmentKey);
        return {
          environment: environment.key,
          version: environment.snapshotVersion,
          bucketingVersion: BUCKETING_VERSION,
          ...model,
        };
      },
      { readOnlySnapshot: true },
    );
  }
}
