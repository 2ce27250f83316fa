import { compareSemver, parseSemver } from '@unveil/core';
import { and, eq, gte } from 'drizzle-orm';
import type { Clock } from '../../clock.js';
import type { Database, Executor } from '../../db/database.js';
import { sdkFleet } from '../../db/schema.js';

/** Rows older than this belong to instances that stopped reporting. */
export const FLEET_FRESHNESS_MS = 30_000;

export interface FleetCount {
  environment: string;
  appVersion: string | null;
  count: number;
}

/**
 * Writes this instance's connected SDKs to the shared fleet table every `intervalMs`, so that a deployment
 * gate evaluated by any instance sees every instance's SDKs.
 */
export class FleetReporter {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly instanceId: string,
    private readonly connected: () => FleetCount[],
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 5_000,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.report().catch(this.onError), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops reporting and removes this instance's rows: its SDKs are about to move elsewhere. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.db.transaction((tx) => tx.delete(sdkFleet).where(eq(sdkFleet.instanceId, this.instanceId)));
  }

  async report(): Promise<void> {
    const reportedAt = this.clock.now();
    const rows = this.connected()
      .filter((row) => row.count > 0)
      .map((row) => ({
        instanceId: this.instanceId,
        environmentKey: row.environment,
        appVersion: row.appVersion ?? '',
        count: row.count,
        reportedAt,
      }));
    await this.db.transaction(async (tx) => {
      await tx.delete(sdkFleet).where(eq(sdkFleet.instanceId, this.instanceId));
      if (rows.length > 0) await tx.insert(sdkFleet).values(rows);
    });
  }
}

export interface FleetShare {
  /** SDKs connected for the environment, across instances. */
  total: number;
  /** Of those, how many run an application version at or above the minimum. */
  atLeast: number;
}

/** How much of an environment's fleet has deployed `minAppVersion` or later (unparsable versions do not count). */
export async function fleetShare(
  tx: Executor,
  environmentKey: string,
  minAppVersion: string,
  now: Date,
): Promise<FleetShare> {
  const rows = await tx
    .select({ appVersion: sdkFleet.appVersion, count: sdkFleet.count })
    .from(sdkFleet)
    .where(
      and(
        eq(sdkFleet.environmentKey, environmentKey),
        gte(sdkFleet.reportedAt, new Date(now.getTime() - FLEET_FRESHNESS_MS)),
      ),
    );
  const minimum = parseSemver(minAppVersion);
  let total = 0;
  let atLeast = 0;
  for (const { appVersion, count } of rows) {
    total += count;
    const version = parseSemver(appVersion);
    if (minimum !== undefined && version !== undefined && compareSemver(version, minimum) >= 0)
      atLeast += count;
  }
  return { total, atLeast };
}
