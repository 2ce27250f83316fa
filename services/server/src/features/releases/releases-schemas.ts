import { parseSemver } from '@unveil/core';
import { z } from 'zod';
import { isValidTimeZone, WEEKDAYS } from '../../calendar/weekly-window.js';
import {
  description,
  displayName,
  environmentParams,
  resourceKey,
  timestamp,
} from '../../http/common-schemas.js';
import { emergencyFields, writeMetadataFields } from '../../http/request-context.js';
import { variantKey } from '../flags/flags-schemas.js';
import { parseDuration, RELEASE_KEY_MAX_LENGTH, RELEASE_STATES } from './release.js';
import type { ReleaseRecord } from './releases-store.js';

export const releaseKey = resourceKey.max(RELEASE_KEY_MAX_LENGTH);
export const releaseParams = environmentParams.extend({ release: releaseKey });
export const releaseAudienceParams = releaseParams.extend({ segment: resourceKey });

const localTime = (allowMidnightEnd: boolean) =>
  z
    .string()
    .regex(
      allowMidnightEnd ? /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/ : /^(?:[01]\d|2[0-3]):[0-5]\d$/,
      'must be local time HH:MM',
    );

export const weeklyWindow = z.strictObject({
  timeZone: z.string().min(1).max(64).refine(isValidTimeZone, 'unknown IANA time zone'),
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'days must not repeat'),
  from: localTime(false),
  to: localTime(true),
});

const instant = z.iso.datetime({ offset: true });
const percent = z
  .number()
  .min(0)
  .max(100)
  .refine((value) => Math.abs(value * 1000 - Math.round(value * 1000)) < 1e-6, 'at most three decimals');

const stage = z
  .strictObject({
    percent,
    audiences: z.array(resourceKey).max(50).exactOptional(),
    startAt: instant.exactOptional(),
    delay: z
      .string()
      .refine((text) => parseDuration(text) !== undefined, 'a duration such as "90s", "30m", "4h" or "2d"')
      .exactOptional(),
    approval: z.boolean().default(false),
    gate: z
      .strictObject({
        minAppVersion: z.string().refine((text) => parseSemver(text) !== undefined, 'a semantic version'),
        minShare: z.number().min(0).max(100),
      })
      .exactOptional(),
  })
  .refine((value) => value.startAt === undefined || value.delay === undefined, {
    message: 'give at most one of "startAt" and "delay"',
  });

const guard = z.strictObject({
  errorEvent: z.string().min(1).max(200),
  totalEvent: z.string().min(1).max(200),
  maxIncrease: z.number().min(0).max(100),
  minTotal: z.int().min(1).max(1_000_000_000).default(100),
  action: z.enum(['pause', 'rollback']),
});

const releaseFields = {
  name: displayName,
  notes: description.default(''),
  components: z
    .array(z.strictObject({ flag: resourceKey, variant: variantKey }))
    .min(1)
    .max(50),
  audiences: z.array(resourceKey).max(50).default([]),
  /** Default: the release key. */
  cohortSalt: z.string().min(1).max(256).exactOptional(),
  plan: z.array(stage).min(1).max(50),
  windows: z.array(weeklyWindow).max(20).default([]),
  exposure: z.strictObject({ from: instant.exactOptional(), until: instant.exactOptional() }).exactOptional(),
  catchUp: z.enum(['replay', 'latest']).default('replay'),
  guard: guard.exactOptional(),
};

export const createReleaseBody = z.strictObject({
  key: releaseKey,
  ...releaseFields,
  ...writeMetadataFields,
});
export const updateReleaseBody = z.strictObject({ ...releaseFields, ...writeMetadataFields });
export type ReleaseInput = Omit<z.output<typeof updateReleaseBody>, 'expectedVersion' | 'reason'>;

/** Transitions: the version read, a reason, and (for those a freeze or approval holds) `emergency`. */
export const transitionBody = z.strictObject(emergencyFields).default({});

export const releaseAudienceBody = z.strictObject(emergencyFields).default({});

export const releaseListQuery = z.strictObject({ state: z.enum(RELEASE_STATES).exactOptional() });

const definitionResponse = {
  components: z.array(z.object({ flag: z.string(), variant: z.string() })),
  audiences: z.array(z.string()),
  cohortSalt: z.string(),
  plan: z.array(
    z.object({
      percent: z.number(),
      audiences: z.array(z.string()).optional(),
      startAt: z.string().optional(),
      delay: z.string().optional(),
      approval: z.boolean(),
      gate: z.object({ minAppVersion: z.string(), minShare: z.number() }).optional(),
    }),
  ),
  windows: z.array(weeklyWindow),
  exposure: z.object({ from: z.string().optional(), until: z.string().optional() }).optional(),
  catchUp: z.enum(['replay', 'latest']),
  guard: z
    .object({
      errorEvent: z.string(),
      totalEvent: z.string(),
      maxIncrease: z.number(),
      minTotal: z.int(),
      action: z.enum(['pause', 'rollback']),
    })
    .optional(),
};

export const releaseResponse = z.object({
  key: z.string(),
  environment: z.string(),
  name: z.string(),
  notes: z.string(),
  ...definitionResponse,
  state: z.enum(RELEASE_STATES),
  stateReason: z.string().nullable(),
  /** Index of the last realized stage, or null before the first. */
  stage: z.int().nullable(),
  version: z.int(),
  createdBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const releaseListResponse = z.object({ items: z.array(releaseResponse) });

export function toReleaseResponse(record: ReleaseRecord): z.input<typeof releaseResponse> {
  const { environmentKey, definition, baseline: _baseline, stage: current, ...rest } = record;
  return { ...rest, ...definition, environment: environmentKey, stage: current < 0 ? null : current };
}
