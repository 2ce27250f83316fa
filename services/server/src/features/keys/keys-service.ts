import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { takeTransactionLock } from '../../db/locks.js';
import { UnveilError } from '../../errors.js';
import { TtlCache } from '../../ttl-cache.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { findEnvironment } from '../environments/environments-store.js';
import {
  type ApiKeyRecord,
  countActiveAdminKeys,
  findActiveKeyByHash,
  findKey,
  findKeyByName,
  insertKey,
  listKeys,
  replaceKeySecret,
  revokeKey,
} from './keys-store.js';
import type { AdminRole } from './roles.js';
import { displayPrefix, generateKey, hashesMatch, hashKey } from './secret.js';

export type NewKeyInput =
  | { kind: 'admin'; name: string; role: AdminRole; environments: string[] | null }
  | { kind: 'server' | 'client'; name: string; environment: string };

/** A key as shown to people: never its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'keyHash'>;

export const BOOTSTRAP_KEY_NAME = 'bootstrap-admin';

/** How long a key check is remembered; also how long a key revoked on another instance keeps working. */
export const KEY_CHECK_TTL_MS = 1_000;

export class KeysService {
  readonly #checked: TtlCache<ApiKeyView | undefined>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    checkTtlMs = KEY_CHECK_TTL_MS,
  ) {
    this.#checked = new TtlCache(clock, checkTtlMs);
  }

  /** The only time the key itself is returned; afterwards only its hash exists. */
  create(input: NewKeyInput, context: WriteContext): Promise<{ key: string; record: ApiKeyView }> {
    return this.db.transaction(async (tx) => {
      const environments = input.kind === 'admin' ? (input.environments ?? []) : [input.environment];
      for (const environment of environments) {
        found(
          await findEnvironment(tx, environment),
          'UNVEIL_ERR_ENV_NOT_FOUND',
          `environment "${environment}"`,
        );
      }
      const key = generateKey(input.kind);
      const created = await insertKey(tx, {
        id: randomBytes(8).toString('hex'),
        name: input.name,
        kind: input.kind,
        role: input.kind === 'admin' ? input.role : null,
        environments: input.kind === 'admin' ? input.environments : null,
        environmentKey: input.kind === 'admin' ? null : input.environment,
        keyHash: hashKey(key),
        displayPrefix: displayPrefix(key),
        createdAt: this.clock.now(),
        createdBy: context.actor,
      });
      if (created === undefined) {
        throw new UnveilError('UNVEIL_ERR_KEY_EXISTS', { detail: `a key named "${input.name}" exists` });
      }
      await audit(tx, context, 'api-key.create', created.createdAt, undefined, created);
      return { key, record: toView(created) };
    });
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.db.transaction((tx) => listKeys(tx))).map(toView);
  }

  /** Revoking is final and idempotent; the record stays for the audit trail. */
  revoke(id: string, context: WriteContext): Promise<ApiKeyView> {
    return this.db.transaction(async (tx) => {
      const current = found(await findKey(tx, id, 'update'), 'UNVEIL_ERR_KEY_NOT_FOUND', `key "${id}"`);
      if (current.revokedAt !== null) return toView(current);
      const revoked = await revokeKey(tx, id, this.clock.now());
      this.#checked.clear(); // revocation takes effect on this instance at once
      await audit(tx, context, 'api-key.revoke', revoked.revokedAt!, current, revoked);
      return toView(revoked);
    });
  }

  /** The active key this secret belongs to, if any. */
  async authenticate(presented: string): Promise<ApiKeyView | undefined> {
    // Keyed by the presented string itself: hashing first would cost a SHA-256 on every SDK request, and
    // only an exact match may reuse an answer.
    return this.#checked.get(presented, async () => {
      const record = await this.db.transaction((tx) => findActiveKeyByHash(tx, hashKey(presented)));
      return record !== undefined && hashesMatch(record.keyHash, presented) ? toView(record) : undefined;
    });
  }

  /**
   * Makes sure someone can administer the server. With `configuredKey` (UNVEIL_ADMIN_KEY) that key is the
   * bootstrap admin key, replacing the previous one if it changed. Without it, a key is generated only when
   * no active admin key exists; it is returned once, for the caller to print.
   */
  ensureBootstrapKey(configuredKey: string | undefined): Promise<string | undefined> {
    const context: WriteContext = { actor: 'system', reason: 'bootstrap' };
    return this.db.transaction(async (tx) => {
      await takeTransactionLock(tx, 'bootstrap');
      const existing = await findKeyByName(tx, BOOTSTRAP_KEY_NAME, 'update');
      if (configuredKey === undefined && (await countActiveAdminKeys(tx)) > 0) return undefined;
      const key = configuredKey ?? generateKey('admin');
      if (existing !== undefined && existing.revokedAt === null && hashesMatch(existing.keyHash, key))
        return undefined;
      const secret = { keyHash: hashKey(key), displayPrefix: displayPrefix(key) };
      const at = this.clock.now();
      const record =
        existing === undefined
          ? await insertKey(tx, {
              id: randomBytes(8).toString('hex'),
              name: BOOTSTRAP_KEY_NAME,
              kind: 'admin',
              role: 'admin',
              environments: null,
              environmentKey: null,
              ...secret,
              createdAt: at,
              createdBy: context.actor,
            })
          : await replaceKeySecret(tx, existing.id, secret);
      this.#checked.clear();
      await audit(tx, context, 'api-key.bootstrap', at, existing, record!);
      return configuredKey === undefined ? key : undefined;
    });
  }
}

function toView({ keyHash: _hash, ...view }: ApiKeyRecord): ApiKeyView {
  return view;
}

function audit(
  tx: Executor,
  context: WriteContext,
  action: string,
  at: Date,
  before: ApiKeyRecord | undefined,
  after: ApiKeyRecord,
): Promise<void> {
  return appendAuditEntry(tx, context, {
    at,
    action,
    resourceType: 'api-key',
    resourceKey: after.id,
    before: before === undefined ? undefined : toView(before),
    after: toView(after),
  });
}
