import type { Bus, ChangeListener, EnvironmentChanged } from './bus.js';

/** The bus of a single instance: delivery is a function call, and nothing can be missed. */
export class InProcessBus implements Bus {
  readonly #listeners = new Set<ChangeListener>();

  async publish(change: EnvironmentChanged): Promise<void> {
    for (const listener of this.#listeners) listener(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onResync(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
