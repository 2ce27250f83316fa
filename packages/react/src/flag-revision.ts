import type { UnveilClient } from '@unveil/sdk';

/**
 * A counter per client that moves whenever any evaluation of that client may have changed: a hook keeps
 * its last result for as long as the counter stands still, so that re-rendering for other reasons neither
 * re-evaluates nor counts another exposure. Held weakly: it lives exactly as long as its client.
 */
const revisions = new WeakMap<UnveilClient, { value: number }>();

/**
 * The client's current revision. The first call attaches the client-wide listeners: they move the counter
 * for changes that happen while a component has rendered but not yet subscribed (React subscribes after
 * committing and then compares snapshots, which must see such a change).
 */
export function revisionOf(client: UnveilClient): number {
  let revision = revisions.get(client);
  if (revision === undefined) {
    const created = { value: 0 };
    revisions.set(client, created);
    const bump = () => {
      created.value += 1;
    };
    client.on('change', bump);
    client.on('ready', bump);
    revision = created;
  }
  return revision.value;
}

/** Marks every cached evaluation of the client as possibly out of date. */
function invalidate(client: UnveilClient): void {
  const revision = revisions.get(client);
  if (revision !== undefined) revision.value += 1;
}

/**
 * Calls `notify` when this flag's result may have changed: its configuration changed (the SDK's per-flag
 * event, so other flags' changes wake nobody here), or the client became ready (a flag that is missing
 * never changes, yet its result goes from `CLIENT_NOT_READY` to `FLAG_NOT_FOUND`). The revision moves
 * before `notify`, whatever order the SDK emits its events in.
 */
export function subscribeToFlag(client: UnveilClient, flagKey: string, notify: () => void): () => void {
  const changed = () => {
    invalidate(client);
    notify();
  };
  const offFlag = client.onFlag(flagKey, changed);
  const offReady = client.on('ready', changed);
  return () => {
    offFlag();
    offReady();
  };
}
