/** Listener lists keyed by event name; `on` returns its own unsubscribe function. */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Set<(args: unknown[]) => void>>();

  /** @param onListenerError receives what a listener throws: one bad listener must not stop the others. */
  constructor(private readonly onListenerError: (error: unknown, name: keyof Events) => void) {}

  on<K extends keyof Events>(name: K, listener: (...args: Events[K]) => void): () => void {
    const set = this.#listeners.get(name) ?? new Set();
    this.#listeners.set(name, set);
    // Wrapped so that subscribing the same function twice gives two independent subscriptions.
    const entry = (args: unknown[]) => listener(...(args as Events[K]));
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(args);
      } catch (error) {
        this.onListenerError(error, name);
      }
    }
  }

  /** Whether anybody listens to `name`. */
  has(name: keyof Events): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  clear(): void {
    this.#listeners.clear();
  }
}
