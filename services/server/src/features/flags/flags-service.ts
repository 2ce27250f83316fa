import type { Clock } from '../../clock.js';
import { assertExpectedVersion, found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { takeTransactionLock } from '../../db/locks.js';
import { type FieldError, fieldError, prefixPaths, UnveilError } from '../../errors.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { bumpSnapshotVersions, lockEnvironments } from '../environments/environments-store.js';
import { initialFlagConfig, variantsUsedBy } from '../flag-configs/flag-config.js';
import { insertInitialConfigs, listConfigsOfFlag } from '../flag-configs/flag-configs-store.js';
import { findHolders } from '../releases/releases-store.js';
import {
  changesWhatSdksSee,
  type FlagDefinition,
  type FlagRecord,
  findVariantProblems,
  toDefinition,
} from './flag.js';
import {
  type FlagListQuery,
  type FlagVersionRecord,
  findDependents,
  findFlag,
  findFlagVersion,
  insertFlag,
  insertFlagVersion,
  listFlags,
  listFlagVersions,
  updateFlag,
} from './flags-store.js';

export type NewFlag = Omit<FlagDefinition, 'archived'>;
export type FlagChanges = Partial<Omit<FlagDefinition, 'key' | 'type' | 'archived'>>;

export interface FlagPage {
  items: FlagRecord[];
  nextCursor: string | null;
}

export class FlagsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  create(input: NewFlag, context: WriteContext): Promise<FlagRecord> {
    const definition: FlagDefinition = { ...input, archived: false };
    throwIfInvalid(findVariantProblems(definition.type, definition.variants));
    return this.db.transaction(async (tx) => {
      await takeTransactionLock(tx, 'catalog');
      const environments = await lockEnvironments(tx);
      const at = this.clock.now();
      const created = await insertFlag(tx, definition, at);
      if (created === undefined) {
        throw new UnveilError('UNVEIL_ERR_FLAG_EXISTS', {
          detail: `flag "${definition.key}" already exists`,
        });
      }
      await insertFlagVersion(tx, created, context.actor);
      const config = initialFlagConfig(definition.variants);
      await insertInitialConfigs(
        tx,
        environments.map((environment) => ({
          flagKey: created.key,
          environmentKey: environment.key,
          config,
        })),
        at,
        context.actor,
      );
      await bumpSnapshotVersions(
        tx,
        environments.map((environment) => environment.key),
      );
      await appendAuditEntry(tx, context, {
        at,
        action: 'flag.create',
        resourceType: 'flag',
        resourceKey: created.key,
        before: undefined,
        after: created,
      });
      return created;
    });
  }

  get(key: string): Promise<FlagRecord> {
    return this.db.transaction(async (tx) =>
      found(await findFlag(tx, key), 'UNVEIL_ERR_FLAG_NOT_FOUND', key),
    );
  }

  async list(query: FlagListQuery): Promise<FlagPage> {
    // One extra row tells whether another page follows without a count query.
    const rows = await this.db.transaction((tx) => listFlags(tx, { ...query, limit: query.limit + 1 }));
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.key : null };
  }

  update(key: string, changes: FlagChanges, context: WriteContext): Promise<FlagRecord> {
    return this.change(key, context, 'flag.update', (current) => {
      throwIfArchived(current);
      return { ...current, ...changes };
    });
  }

  archive(key: string, context: WriteContext): Promise<FlagRecord> {
    return this.change(key, context, 'flag.archive', (current) => ({ ...current, archived: true }));
  }

  unarchive(key: string, context: WriteContext): Promise<FlagRecord> {
    return this.change(key, context, 'flag.unarchive', (current) => ({ ...current, archived: false }));
  }

  async versions(key: string): Promise<FlagVersionRecord[]> {
    return this.db.transaction(async (tx) => {
      found(await findFlag(tx, key), 'UNVEIL_ERR_FLAG_NOT_FOUND', key);
      return listFlagVersions(tx, key);
    });
  }

  /** Writes version N's definition back as a new version; the archived state stays as it is. */
  restoreVersion(key: string, version: number, context: WriteContext): Promise<FlagRecord> {
    return this.change(key, context, 'flag.restore-version', async (current, tx) => {
      throwIfArchived(current);
      const restored = await findFlagVersion(tx, key, version);
      const target = found(
        restored,
        'UNVEIL_ERR_VERSION_NOT_FOUND',
        `flag "${key}" has no version ${version}`,
      );
      return { ...target.definition, archived: current.archived };
    });
  }

  /**
   * The one write path for a definition: lock, check the expected version, validate the new definition
   * against every environment's configuration, write it with its history entry and audit entry, and bump
   * the snapshot version of every environment if SDKs see the difference.
   */
  private change(
    key: string,
    context: WriteContext,
    action: string,
    next: (current: FlagDefinition, tx: Executor) => FlagDefinition | Promise<FlagDefinition>,
  ): Promise<FlagRecord> {
    return this.db.transaction(async (tx) => {
      const environments = await lockEnvironments(tx);
      const current = found(await findFlag(tx, key, 'update'), 'UNVEIL_ERR_FLAG_NOT_FOUND', key);
      assertExpectedVersion(`flag "${key}"`, current.version, context.expectedVersion);
      const before = toDefinition(current);
      const after = await next(before, tx);
      throwIfInvalid(findVariantProblems(after.type, after.variants));
      await throwIfBreaksReferences(tx, before, after);
      const updated = await updateFlag(tx, after, this.clock.now());
      await insertFlagVersion(tx, updated, context.actor);
      if (changesWhatSdksSee(before, after)) {
        await bumpSnapshotVersions(
          tx,
          environments.map((environment) => environment.key),
        );
      }
      await appendAuditEntry(tx, context, {
        at: updated.updatedAt,
        action,
        resourceType: 'flag',
        resourceKey: key,
        before: current,
        after: updated,
      });
      return updated;
    });
  }
}

function throwIfInvalid(problems: FieldError[]): void {
  if (problems.length > 0) {
    throw new UnveilError('UNVEIL_ERR_FLAG_INVALID', { errors: prefixPaths('/body', problems) });
  }
}

function throwIfArchived(flag: FlagDefinition): void {
  if (flag.archived) {
    throw new UnveilError('UNVEIL_ERR_FLAG_ARCHIVED', {
      detail: `flag "${flag.key}" is archived; unarchive it first`,
    });
  }
}

/**
 * A definition change must not strand what refers to it: configurations serving a removed variant,
 * flags requiring a removed variant of this one, or (when archiving) flags requiring this one at all.
 */
async function throwIfBreaksReferences(
  tx: Executor,
  before: FlagDefinition,
  after: FlagDefinition,
): Promise<void> {
  const variantKeys = new Set(after.variants.map((variant) => variant.key));
  const removed = before.variants.filter((variant) => !variantKeys.has(variant.key));
  const archiving = after.archived && !before.archived;
  if (removed.length === 0 && !archiving) return;

  if (archiving) {
    // A release would pause at its next stage with the flag gone: refuse, and say which one holds it.
    const [holder] = await findHolders(tx, undefined, [after.key], '');
    if (holder !== undefined) {
      throw new UnveilError('UNVEIL_ERR_RELEASE_CONFLICT', {
        detail: `flag "${after.key}" is held by release "${holder.release}" in ${holder.environment}`,
        extensions: { release: holder.release, flag: holder.flag },
      });
    }
  }
  const dependents = await findDependents(tx, after.key);
  if (archiving && dependents.length > 0) {
    const names = dependents.map((dependent) => `${dependent.flagKey} (${dependent.environmentKey})`);
    throw new UnveilError('UNVEIL_ERR_FLAG_IN_USE', { detail: `required by ${names.join(', ')}` });
  }
  const problems: FieldError[] = [];
  for (const dependent of dependents) {
    for (const variant of dependent.variants.filter((key) => !variantKeys.has(key))) {
      problems.push(
        fieldError(
          ['variants'],
          `variant "${variant}" is required by flag "${dependent.flagKey}" in ${dependent.environmentKey}`,
        ),
      );
    }
  }
  for (const { environmentKey, config } of await listConfigsOfFlag(tx, after.key)) {
    for (const variant of variantsUsedBy(config).filter((key) => !variantKeys.has(key))) {
      problems.push(fieldError(['variants'], `variant "${variant}" is still served in ${environmentKey}`));
    }
  }
  throwIfInvalid(problems);
}
