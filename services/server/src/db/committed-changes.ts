import type { Executor } from './database.js';

/** An environment whose snapshot version a transaction moved, and to which version. */
export interface EnvironmentVersion {
  environment: string;
  version: number;
}

export type CommitListener = (changes: readonly EnvironmentVersion[]) => void;

/**
 * Changes noted inside a transaction, announced only once it has committed: an SDK must never be told
 * about a version that a rollback then takes back. Keyed by the transaction object, which the stores
 * receive anyway, so no store needs to know who listens.
 */
const noted = new WeakMap<Executor, EnvironmentVersion[]>();

export function noteEnvironmentVersions(tx: Executor, changes: readonly EnvironmentVersion[]): void {
  const list = noted.get(tx) ?? [];
  list.push(...changes);
  noted.set(tx, list);
}

/** Runs a transaction through `run` and tells the listeners what it changed, after the commit. */
export async function withCommitNotes<T>(
  run: (work: (tx: Executor) => Promise<T>) => Promise<T>,
  work: (tx: Executor) => Promise<T>,
  listeners: ReadonlySet<CommitListener>,
): Promise<T> {
  let changes: EnvironmentVersion[] | undefined;
  const result = await run(async (tx) => {
    const value = await work(tx);
    changes = noted.get(tx);
    noted.delete(tx);
    return value;
  });
  if (changes !== undefined && changes.length > 0) for (const listener of listeners) listener(changes);
  return result;
}
