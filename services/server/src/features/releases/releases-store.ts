import { and, asc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { releaseGuardCounts, releaseSteps, releases } from '../../db/schema.js';
import { ACTIVE_STATES, type ReleaseState, type ReleaseStepKind } from './release.js';

export type ReleaseRecord = typeof releases.$inferSelect;
export type ReleaseStepRecord = typeof releaseSteps.$inferSelect;

/** Returns undefined when the key is taken (in any environment). */
export async function insertRelease(
  tx: Executor,
  release: ReleaseRecord,
): Promise<ReleaseRecord | undefined> {
  const [row] = await tx.insert(releases).values(release).onConflictDoNothing().returning();
  return row;
}

export async function findRelease(
  tx: Executor,
  environmentKey: string,
  key: string,
  lock?: 'update',
): Promise<ReleaseRecord | undefined> {
  const query = tx
    .select()
    .from(releases)
    .where(and(eq(releases.environmentKey, environmentKey), eq(releases.key, key)));
  const [row] = await (lock === undefined ? query : query.for(lock));
  return row;
}

export function listReleases(
  tx: Executor,
  environmentKey: string,
  states?: readonly ReleaseState[],
): Promise<ReleaseRecord[]> {
  return tx
    .select()
    .from(releases)
    .where(
      and(
        eq(releases.environmentKey, environmentKey),
        states === undefined ? undefined : inArray(releases.state, [...states]),
      ),
    )
    .orderBy(asc(releases.key));
}

export async function updateRelease(
  tx: Executor,
  key: string,
  changes: Partial<Omit<ReleaseRecord, 'key' | 'environmentKey' | 'createdAt' | 'createdBy' | 'version'>> & {
    updatedAt: Date;
  },
): Promise<ReleaseRecord> {
  const [row] = await tx
    .update(releases)
    .set({ ...changes, version: sql`${releases.version} + 1` })
    .where(eq(releases.key, key))
    .returning();
  return row!;
}

/**
 * Active releases other than `exceptKey` that hold one of the flags, with the flag they hold and their
 * environment; in one environment, or in all of them (a flag definition is shared by every environment).
 */
export async function findHolders(
  tx: Executor,
  environmentKey: string | undefined,
  flagKeys: readonly string[],
  exceptKey: string,
): Promise<{ release: string; flag: string; environment: string }[]> {
  if (flagKeys.length === 0) return [];
  const wanted = sql.join(
    flagKeys.map((flag) => sql`${flag}`),
    sql`, `,
  );
  const rows = await tx
    .select({ key: releases.key, environmentKey: releases.environmentKey, definition: releases.definition })
    .from(releases)
    .where(
      and(
        environmentKey === undefined ? undefined : eq(releases.environmentKey, environmentKey),
        inArray(releases.state, [...ACTIVE_STATES]),
        ne(releases.key, exceptKey),
        sql`exists (select 1 from jsonb_array_elements(${releases.definition}->'components') c where c->>'flag' in (${wanted}))`,
      ),
    )
    .orderBy(asc(releases.key));
  return rows.flatMap(({ key, environmentKey: environment, definition }) =>
    definition.components
      .filter((component) => flagKeys.includes(component.flag))
      .map((component) => ({ release: key, flag: component.flag, environment })),
  );
}

/**
 * Plans a pending step of the release at `at` (planned and due alike until something makes it wait). A step
 * a concurrent instance planned already wins: one step per stage, ever.
 */
export async function planStep(
  tx: Executor,
  releaseKey: string,
  kind: ReleaseStepKind,
  stage: number,
  at: Date,
): Promise<void> {
  await tx
    .insert(releaseSteps)
    .values({ releaseKey, kind, stage, plannedAt: at, dueAt: at, state: 'pending' })
    .onConflictDoNothing();
}

export function listSteps(tx: Executor, releaseKey: string): Promise<ReleaseStepRecord[]> {
  return tx
    .select()
    .from(releaseSteps)
    .where(eq(releaseSteps.releaseKey, releaseKey))
    .orderBy(asc(releaseSteps.id));
}

export async function findOpenStep(
  tx: Executor,
  releaseKey: string,
  kind: ReleaseStepKind,
): Promise<ReleaseStepRecord | undefined> {
  const [row] = await tx
    .select()
    .from(releaseSteps)
    .where(
      and(
        eq(releaseSteps.releaseKey, releaseKey),
        eq(releaseSteps.kind, kind),
        inArray(releaseSteps.state, ['pending', 'awaiting-approval']),
      ),
    )
    .for('update');
  return row;
}

export async function updateStep(
  tx: Executor,
  id: number,
  changes: Partial<Pick<ReleaseStepRecord, 'state' | 'dueAt' | 'appliedAt' | 'note' | 'approvedBy'>>,
): Promise<void> {
  await tx.update(releaseSteps).set(changes).where(eq(releaseSteps.id, id));
}

/** Steps that will not happen any more (the release ended). */
export async function cancelOpenSteps(tx: Executor, releaseKey: string, note: string): Promise<void> {
  await tx
    .update(releaseSteps)
    .set({ state: 'cancelled', note })
    .where(
      and(
        eq(releaseSteps.releaseKey, releaseKey),
        inArray(releaseSteps.state, ['pending', 'awaiting-approval']),
      ),
    );
}

/** Environments with steps due now (read without locks: the claim below decides). */
export async function environmentsWithDueSteps(tx: Executor, now: Date): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ environmentKey: releases.environmentKey })
    .from(releaseSteps)
    .innerJoin(releases, eq(releases.key, releaseSteps.releaseKey))
    .where(
      and(
        eq(releaseSteps.state, 'pending'),
        lte(releaseSteps.dueAt, now),
        inArray(releases.state, ['scheduled', 'running']),
      ),
    );
  return rows.map((row) => row.environmentKey).sort();
}

/**
 * Due steps of one environment's releases that may advance, with their releases, locked so that every
 * other instance skips them: whoever claims a step applies it in the same transaction, so it happens
 * exactly once. The caller holds the environment lock; SKIP LOCKED means the claim itself never waits,
 * so no lock order with the API's writes can deadlock.
 */
export function claimDueSteps(
  tx: Executor,
  environmentKey: string,
  now: Date,
  limit: number,
): Promise<{ step: ReleaseStepRecord; release: ReleaseRecord }[]> {
  return tx
    .select({ step: releaseSteps, release: releases })
    .from(releaseSteps)
    .innerJoin(releases, eq(releases.key, releaseSteps.releaseKey))
    .where(
      and(
        eq(releases.environmentKey, environmentKey),
        eq(releaseSteps.state, 'pending'),
        lte(releaseSteps.dueAt, now),
        inArray(releases.state, ['scheduled', 'running']),
      ),
    )
    .orderBy(asc(releaseSteps.dueAt), asc(releaseSteps.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export interface GuardCount {
  releaseKey: string;
  exposed: boolean;
  event: string;
  count: number;
}

export async function addGuardCounts(tx: Executor, counts: readonly GuardCount[]): Promise<void> {
  if (counts.length === 0) return;
  await tx
    .insert(releaseGuardCounts)
    .values([...counts])
    .onConflictDoUpdate({
      target: [releaseGuardCounts.releaseKey, releaseGuardCounts.exposed, releaseGuardCounts.event],
      set: { count: sql`${releaseGuardCounts.count} + excluded.count` },
    });
}

export function listGuardCounts(tx: Executor, releaseKey: string): Promise<GuardCount[]> {
  return tx.select().from(releaseGuardCounts).where(eq(releaseGuardCounts.releaseKey, releaseKey));
}
