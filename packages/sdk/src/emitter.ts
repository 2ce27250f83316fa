/** Listener lists keyed by event name; `on` returns its own unsubscribe function. */
export interface Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  on<K extends keyof Events>(name: K, listener: (...args: Events[K]) => void): () => void;
  emit<K extends keyof Events>(name: K, ...args: Events[K]): void;
  /** Whether anybody listens to `name`. */
  has(name: keyof Events): boolean;
  clear(): void;
}

/** @param onListenerError receives what a listener throws: one bad listener must not stop the others. */
export function createEmitter<Events extends { [K in keyof Events]: unknown[] }>(
  onListenerError: (error: unknown, name: keyof Events) => void,
): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(args: unknown[]) => void>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      // Wrapped so that subscribing the same function twice gives two independent subscriptions.
      const entry = (args: unknown[]) => listener(...(args as Events[typeof name]));
      set.add(entry);
      return () => void set.delete(entry);
    },
    emit(name, ...args) {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          listener(args);
        } catch (error) {
          onListenerError(error, name);
        }
      }
    },
    has: (name) => (listeners.get(name)?.size ?? 0) > 0,
    clear: () => listeners.clear(),
  };
}
