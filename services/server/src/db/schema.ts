import type { FlagType, Segment, Variant } from '@unveil/core';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { WeeklyWindow } from '../calendar/weekly-window.js';
import type { AuditResourceType } from '../features/audit/audit-entry.js';
import type { ChangeRequestKind, ChangeRequestState } from '../features/change-requests/change-request.js';
import type { StoredFlagConfig } from '../features/flag-configs/flag-config.js';
import type { FlagDefinition } from '../features/flags/flag.js';
import type { AdminRole, KeyKind } from '../features/keys/roles.js';
import type {
  ReleaseBaseline,
  ReleaseDefinition,
  ReleaseState,
  ReleaseStepKind,
  ReleaseStepState,
} from '../features/releases/release.js';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull();

/**
 * `version` counts changes to the environment record itself (optimistic concurrency on its settings);
 * `snapshotVersion` counts changes to what its SDKs see, and is bumped in the same transaction as them.
 */
export const environments = pgTable('environments', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  protected: boolean('protected').notNull().default(false),
  version: integer('version').notNull().default(1),
  snapshotVersion: integer('snapshot_version').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const flags = pgTable(
  'flags',
  {
    key: text('key').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    type: text('type').$type<FlagType>().notNull(),
    variants: jsonb('variants').$type<Variant[]>().notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    owner: text('owner'),
    temporary: boolean('temporary').notNull().default(true),
    clientSide: boolean('client_side').notNull().default(false),
    archived: boolean('archived').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('flags_tags_idx').using('gin', table.tags)],
);

/** One row per flag and environment, created with the flag (or the environment), never missing. */
export const flagConfigs = pgTable(
  'flag_configs',
  {
    flagKey: text('flag_key')
      .notNull()
      .references(() => flags.key),
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    config: jsonb('config').$type<StoredFlagConfig>().notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.flagKey, table.environmentKey] })],
);

/** Segments belong to one environment: audiences differ between staging and production. */
export const segments = pgTable(
  'segments',
  {
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    included: jsonb('included').$type<string[]>().notNull(),
    excluded: jsonb('excluded').$type<string[]>().notNull(),
    rules: jsonb('rules').$type<NonNullable<Segment['rules']>>().notNull(),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.environmentKey, table.key] })],
);

/**
 * Append-only: rows are inserted in the transaction of the change they describe, never updated (a trigger
 * refuses UPDATE and DELETE). Each environment's entries, and the entries of no environment, form a hash
 * chain: `hash` = SHA-256 of the previous entry's hash and this entry's content (audit-chain.ts), so an
 * altered, removed or reordered entry is found by `audit:verify`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').$type<AuditResourceType>().notNull(),
    resourceKey: text('resource_key').notNull(),
    environmentKey: text('environment_key'),
    before: jsonb('before').$type<unknown>(),
    after: jsonb('after').$type<unknown>(),
    reason: text('reason'),
    /** Made during a freeze or without approval, by someone allowed to break the glass. */
    emergency: boolean('emergency').notNull().default(false),
    /** The chain's previous hash ('' for its first entry); null for entries older than the chain. */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (table) => [
    index('audit_log_resource_idx').on(table.resourceType, table.resourceKey, table.id),
    index('audit_log_environment_idx').on(table.environmentKey, table.id),
    index('audit_log_actor_idx').on(table.actor, table.id),
    index('audit_log_at_idx').on(table.at),
  ],
);

/** Every version a flag definition has had; restoring version N writes it back as a new version. */
export const flagVersions = pgTable(
  'flag_versions',
  {
    flagKey: text('flag_key')
      .notNull()
      .references(() => flags.key),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<FlagDefinition>().notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
  },
  (table) => [primaryKey({ columns: [table.flagKey, table.version] })],
);

/** Every version a flag's configuration in one environment has had. */
export const flagConfigVersions = pgTable(
  'flag_config_versions',
  {
    flagKey: text('flag_key').notNull(),
    environmentKey: text('environment_key').notNull(),
    version: integer('version').notNull(),
    config: jsonb('config').$type<StoredFlagConfig>().notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.flagKey, table.environmentKey, table.version] }),
    foreignKey({
      columns: [table.flagKey, table.environmentKey],
      foreignColumns: [flagConfigs.flagKey, flagConfigs.environmentKey],
    }),
  ],
);

/**
 * API keys, stored as the SHA-256 of the key: keys are 256-bit random, so a fast hash is enough and lets a
 * key be found by its hash. `name` is the actor recorded in the audit log, hence unique.
 * Admin keys have a role and optionally a list of environments; SDK keys belong to one environment.
 */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<KeyKind>().notNull(),
  role: text('role').$type<AdminRole>(),
  environments: text('environments').array(),
  environmentKey: text('environment_key').references(() => environments.key),
  keyHash: text('key_hash').notNull().unique(),
  /** The first characters of the key, so people can tell keys apart without seeing them. */
  displayPrefix: text('display_prefix').notNull(),
  createdAt: createdAt(),
  createdBy: text('created_by').notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});

/**
 * Exposures reported by SDKs, summed per flag, variant and hour (server time): enough to answer "is this
 * flag still evaluated, and what does it serve?" without storing one row per evaluation.
 */
export const flagUsageHourly = pgTable(
  'flag_usage_hourly',
  {
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    flagKey: text('flag_key').notNull(),
    variant: text('variant').notNull(),
    hour: timestamp('hour', { withTimezone: true, mode: 'date' }).notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.environmentKey, table.flagKey, table.variant, table.hour] })],
);

/** Events SDKs tracked (`track(event, value)`), summed per event and hour: for release health. */
export const trackedEventsHourly = pgTable(
  'tracked_events_hourly',
  {
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    event: text('event').notNull(),
    hour: timestamp('hour', { withTimezone: true, mode: 'date' }).notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    valueCount: bigint('value_count', { mode: 'number' }).notNull(),
    valueSum: doublePrecision('value_sum').notNull(),
  },
  (table) => [primaryKey({ columns: [table.environmentKey, table.event, table.hour] })],
);

/**
 * Release packages: several flags released together to one cohort, along a plan of stages. The plan and
 * its policy are stored as written (jsonb: they are read and written whole); what happened is in
 * `release_steps` and the audit log.
 */
export const releases = pgTable(
  'releases',
  {
    key: text('key').primaryKey(),
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    name: text('name').notNull(),
    notes: text('notes').notNull().default(''),
    definition: jsonb('definition').$type<ReleaseDefinition>().notNull(),
    state: text('state').$type<ReleaseState>().notNull(),
    /** Why the release is in its state, when something other than a person put it there (a guard, a kill). */
    stateReason: text('state_reason'),
    /** Index of the last stage realized; -1 before the first. */
    stage: integer('stage').notNull().default(-1),
    /** Every component's configuration before the release first touched it: what rollback restores. */
    baseline: jsonb('baseline').$type<ReleaseBaseline>(),
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('releases_environment_idx').on(table.environmentKey, table.state)],
);

/**
 * The scheduler's work: one row per step of a release (a stage to realize, or the end of its exposure
 * window). A release has at most one pending step of each kind; `due_at` moves when a window, a freeze or
 * an approval makes the step wait, `planned_at` never does, so the deviation is their difference.
 */
export const releaseSteps = pgTable(
  'release_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    releaseKey: text('release_key')
      .notNull()
      .references(() => releases.key),
    kind: text('kind').$type<ReleaseStepKind>().notNull(),
    stage: integer('stage').notNull(),
    plannedAt: timestamp('planned_at', { withTimezone: true, mode: 'date' }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
    state: text('state').$type<ReleaseStepState>().notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }),
    /** For a stage that needs approval: who approved it (it applies once due and approved). */
    approvedBy: text('approved_by'),
    /** What the scheduler did and why: waited for a window, skipped on catch-up, failed validation. */
    note: text('note'),
  },
  (table) => [
    index('release_steps_due_idx').on(table.state, table.dueAt),
    uniqueIndex('release_steps_once_idx').on(table.releaseKey, table.kind, table.stage),
  ],
);

/** Freeze windows: while one is active in an environment, nothing changes there without an override. */
export const freezes = pgTable(
  'freezes',
  {
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    key: text('key').notNull(),
    name: text('name').notNull(),
    reason: text('reason').notNull().default(''),
    /** One-off: the interval [startsAt, endsAt). Recurring: `recurrence` instead. */
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
    recurrence: jsonb('recurrence').$type<WeeklyWindow>(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.environmentKey, table.key] })],
);

/**
 * Four eyes: a change held until a different principal approves it. `payload` is what will be applied,
 * exactly as proposed; `baseVersion` is the version it was proposed against, so approving a change that
 * someone else's write has overtaken is refused instead of silently undoing that write.
 */
export const changeRequests = pgTable(
  'change_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    environmentKey: text('environment_key')
      .notNull()
      .references(() => environments.key),
    kind: text('kind').$type<ChangeRequestKind>().notNull(),
    resourceKey: text('resource_key').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    baseVersion: integer('base_version'),
    state: text('state').$type<ChangeRequestState>().notNull(),
    author: text('author').notNull(),
    reason: text('reason'),
    /** Apply no earlier than this once approved (null: at approval). */
    applyAt: timestamp('apply_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decisionReason: text('decision_reason'),
    /** Why an approved change could not apply (state failed). */
    failure: text('failure'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('change_requests_state_idx').on(table.environmentKey, table.state, table.id)],
);

/**
 * Tracked events of a guarded release's cohort, counted apart for contexts the release exposes and those
 * it does not (decided from the context key, the cohort salt and the current stage's percent).
 */
export const releaseGuardCounts = pgTable(
  'release_guard_counts',
  {
    releaseKey: text('release_key')
      .notNull()
      .references(() => releases.key),
    exposed: boolean('exposed').notNull(),
    event: text('event').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.releaseKey, table.exposed, table.event] })],
);

/**
 * What each server instance last saw connected, per environment and application version: the fleet a
 * deployment gate asks about. Every instance rewrites its own rows every few seconds; rows not refreshed
 * lately belong to instances that are gone and are ignored.
 */
export const sdkFleet = pgTable(
  'sdk_fleet',
  {
    instanceId: text('instance_id').notNull(),
    environmentKey: text('environment_key').notNull(),
    /** '' for SDKs that did not say. */
    appVersion: text('app_version').notNull(),
    count: integer('count').notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.instanceId, table.environmentKey, table.appVersion] })],
);
