import type { ClientState } from '@unveil/sdk';
import { useCallback, useSyncExternalStore } from 'react';
import { useUnveilScope } from './unveil-provider.js';

/** The client events after which `client.state` may differ. */
const STATE_EVENTS = ['ready', 'stale', 'reconnected'] as const;

/**
 * The client's state, kept current: `initializing` (defaults are served), `ready`, or `stale` (the live
 * connection is down; the last configuration is served while the SDK reconnects). `closed` shows at the
 * next render: the SDK has no event for it.
 */
export function useUnveilStatus(): ClientState {
  const { client } = useUnveilScope('useUnveilStatus');
  const subscribe = useCallback(
    (notify: () => void) => {
      const unsubscribes = STATE_EVENTS.map((event) => client.on(event, notify));
      return () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
      };
    },
    [client],
  );
  const read = () => client.state;
  return useSyncExternalStore(subscribe, read, read);
}
