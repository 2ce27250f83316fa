import type { Executor } from '../../db/database.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import type { ReleaseRecord } from './releases-store.js';

/** Every change to a release is audited under the release, with the states before and after. */
export function audit(
  tx: Executor,
  context: WriteContext,
  at: Date,
  action: string,
  release: ReleaseRecord,
  before: ReleaseRecord | null,
  after: ReleaseRecord,
): Promise<void> {
  return appendAuditEntry(tx, context, {
    at,
    action,
    resourceType: 'release',
    resourceKey: release.key,
    environmentKey: release.environmentKey,
    before: before === null ? null : withoutBaseline(before),
    after: withoutBaseline(after),
  });
}

/** The baseline repeats every component's configuration; the flag-config entries already hold those. */
function withoutBaseline({ baseline: _baseline, ...rest }: ReleaseRecord) {
  return rest;
}
