import type { AdminApi } from './admin-api.js';

/**
 * A release of one flag's `on` variant in a single stage at `startAt`: the smallest plan the scheduler
 * must apply on time, the form both release end-to-end tests schedule in bulk or alone.
 */
export interface SingleStageRelease {
  key: string;
  flag: string;
  startAt: Date;
  /** Share of contexts exposed; 100 unless told otherwise. */
  percent?: number;
}

const releasesPath = (environment: string) => `/api/v1/environments/${environment}/releases`;

/** `POST /environments/:env/releases`: a draft. */
export async function createRelease(
  admin: AdminApi,
  environment: string,
  release: SingleStageRelease,
): Promise<void> {
  await admin.expect(201, 'POST', releasesPath(environment), {
    key: release.key,
    name: release.key,
    components: [{ flag: release.flag, variant: 'on' }],
    plan: [{ percent: release.percent ?? 100, startAt: release.startAt.toISOString() }],
  });
}

/** `POST /environments/:env/releases/:key/schedule`: the draft now waits for its first stage. */
export async function scheduleRelease(admin: AdminApi, environment: string, key: string): Promise<void> {
  const scheduled = await admin.expect(200, 'POST', `${releasesPath(environment)}/${key}/schedule`, {});
  if (scheduled.body.state !== 'scheduled')
    throw new Error(`release ${key} is ${scheduled.body.state} after scheduling, not scheduled`);
}
