import { type CalendarEvent, toICalendar } from '../../calendar/icalendar.js';
import { occurrences } from '../../calendar/weekly-window.js';
import type { Clock } from '../../clock.js';
import { found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { type AuditEntry, queryAuditLog } from '../audit/audit-store.js';
import type { ChangeRequestRecord } from '../change-requests/change-requests-store.js';
import { listChangeRequests } from '../change-requests/change-requests-store.js';
import { requireEnvironment } from '../environments/environments-store.js';
import { type FreezeRecord, listFreezes } from '../freezes/freezes-store.js';
import { listUsage } from '../usage/usage-store.js';
import { type GuardReading, readGuard } from './release-guard.js';
import { type StageTime, stageTimeline } from './release-timeline.js';
import {
  findRelease,
  listGuardCounts,
  listReleases,
  listSteps,
  type ReleaseRecord,
  type ReleaseStepRecord,
} from './releases-store.js';

const DAY_MS = 24 * 3_600_000;

export interface ReleaseRecordView {
  release: ReleaseRecord;
  steps: (ReleaseStepRecord & { deviationMs: number | null })[];
  changeRequests: ChangeRequestRecord[];
  history: AuditEntry[];
  guard: GuardReading | null;
}

export interface PreviewStage {
  stage: number;
  percent: number;
  audiences: string[];
  approval: boolean;
  at: Date;
  status: StageTime['status'];
  /** Contexts newly exposed by this stage, estimated from the components' evaluations in the last 24 h. */
  estimatedNewlyExposed: number;
}

export interface CalendarItem {
  type: 'stage' | 'withdraw' | 'freeze';
  environment: string;
  release: string | null;
  freeze: string | null;
  stage: number | null;
  percent: number | null;
  start: Date;
  end: Date | null;
  status: StageTime['status'] | 'active' | null;
  title: string;
}

/** What release managers read: the record, the preview of a plan, and the calendar (JSON and iCalendar). */
export class ReleaseViews {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  record(environmentKey: string, key: string): Promise<ReleaseRecordView> {
    return this.db.transaction(async (tx) => {
      const release = await requireRelease(tx, environmentKey, key);
      const [steps, changeRequests, history, counts] = await Promise.all([
        listSteps(tx, key),
        listChangeRequests(tx, environmentKey, { resourceKey: key, limit: 500 }),
        queryAuditLog(tx, { releaseKey: key, limit: 500 }),
        listGuardCounts(tx, key),
      ]);
      return {
        release,
        steps: steps.map((step) => ({
          ...step,
          deviationMs: step.appliedAt === null ? null : step.appliedAt.getTime() - step.plannedAt.getTime(),
        })),
        changeRequests: changeRequests.filter((request) => request.kind !== 'flag-config'),
        history,
        guard: release.definition.guard === undefined ? null : readGuard(release.definition.guard, counts),
      };
    });
  }

  preview(environmentKey: string, key: string): Promise<PreviewStage[]> {
    return this.db.transaction(async (tx) => {
      const release = await requireRelease(tx, environmentKey, key);
      const now = this.clock.now();
      const [steps, freezes, reach] = await Promise.all([
        listSteps(tx, key),
        listFreezes(tx, environmentKey),
        recentReach(tx, release, now),
      ]);
      const { plan, audiences } = release.definition;
      return stageTimeline(release, steps, freezes, now).map((time) => {
        const stage = plan[time.stage]!;
        const previousPercent = time.stage === 0 ? 0 : plan[time.stage - 1]!.percent;
        return {
          stage: time.stage,
          percent: stage.percent,
          audiences: stage.audiences ?? audiences,
          approval: stage.approval,
          at: time.at,
          status: time.status,
          estimatedNewlyExposed: Math.round((reach * (stage.percent - previousPercent)) / 100),
        };
      });
    });
  }

  /**
   * Stages, withdrawals and freezes of the environment between `from` (default: a week ago) and `to`
   * (default: 90 days ahead), in time order.
   */
  calendar(environmentKey: string, range: { from?: Date; to?: Date }): Promise<CalendarItem[]> {
    return this.db.transaction(async (tx) => {
      const { from, to } = withDefaults(range, this.clock.now());
      await requireEnvironment(tx, environmentKey);
      const now = this.clock.now();
      const [releases, freezes] = await Promise.all([
        listReleases(tx, environmentKey, ['scheduled', 'running', 'paused', 'completed', 'rolled-back']),
        listFreezes(tx, environmentKey),
      ]);
      const items: CalendarItem[] = freezes.flatMap((freeze) => freezeItems(freeze, from, to, now));
      for (const release of releases) {
        const steps = await listSteps(tx, release.key);
        for (const time of stageTimeline(release, steps, freezes, now)) {
          if (time.at < from || time.at >= to) continue;
          const percent = release.definition.plan[time.stage]!.percent;
          items.push({
            type: 'stage',
            environment: environmentKey,
            release: release.key,
            freeze: null,
            stage: time.stage,
            percent,
            start: time.at,
            end: null,
            status: time.status,
            title: `${release.name}: stage ${time.stage + 1} → ${percent} %`,
          });
        }
        const withdrawal = steps.find((step) => step.kind === 'withdraw' && step.state !== 'cancelled');
        if (withdrawal !== undefined && withdrawal.dueAt >= from && withdrawal.dueAt < to) {
          items.push({
            type: 'withdraw',
            environment: environmentKey,
            release: release.key,
            freeze: null,
            stage: null,
            percent: null,
            start: withdrawal.appliedAt ?? withdrawal.dueAt,
            end: null,
            status: withdrawal.state === 'applied' ? 'applied' : 'due',
            title: `${release.name}: exposure ends`,
          });
        }
      }
      return items.sort((a, b) => a.start.getTime() - b.start.getTime());
    });
  }

  async icalendar(environmentKey: string, range: { from?: Date; to?: Date }): Promise<string> {
    const items = await this.calendar(environmentKey, range);
    const events: CalendarEvent[] = items.map((item) => ({
      uid: `${item.type}.${item.environment}.${item.release ?? item.freeze}.${item.stage ?? item.start.getTime()}@unveil`,
      start: item.start,
      ...(item.end === null ? {} : { end: item.end }),
      summary: item.title,
      categories: [item.type],
    }));
    return toICalendar(`Unveil releases: ${environmentKey}`, events, this.clock.now());
  }
}

function withDefaults(range: { from?: Date; to?: Date }, now: Date): { from: Date; to: Date } {
  return {
    from: range.from ?? new Date(now.getTime() - 7 * DAY_MS),
    to: range.to ?? new Date(now.getTime() + 90 * DAY_MS),
  };
}

function freezeItems(freeze: FreezeRecord, from: Date, to: Date, now: Date): CalendarItem[] {
  const spans =
    freeze.recurrence !== null
      ? occurrences(freeze.recurrence, from, to)
      : freeze.startsAt! < to && freeze.endsAt! > from
        ? [{ start: freeze.startsAt!, end: freeze.endsAt! }]
        : [];
  return spans.map(({ start, end }) => ({
    type: 'freeze',
    environment: freeze.environmentKey,
    release: null,
    freeze: freeze.key,
    stage: null,
    percent: null,
    start,
    end,
    status: start <= now && now < end ? 'active' : null,
    title: `Freeze: ${freeze.name}`,
  }));
}

/**
 * How many evaluations the release's flags saw in the last 24 hours (the busiest component): an upper
 * bound for the contexts a stage can reach, since SDKs report evaluation counts, not distinct contexts.
 */
async function recentReach(tx: Executor, release: ReleaseRecord, now: Date): Promise<number> {
  const since = new Date(now.getTime() - DAY_MS);
  const totals = await Promise.all(
    release.definition.components.map(async ({ flag }) => {
      const rows = await listUsage(tx, release.environmentKey, flag, since);
      return rows.reduce((sum, row) => sum + row.count, 0);
    }),
  );
  return Math.max(0, ...totals);
}

async function requireRelease(tx: Executor, environmentKey: string, key: string): Promise<ReleaseRecord> {
  await requireEnvironment(tx, environmentKey);
  return found(
    await findRelease(tx, environmentKey, key),
    'UNVEIL_ERR_RELEASE_NOT_FOUND',
    `release "${key}" in ${environmentKey}`,
  );
}
