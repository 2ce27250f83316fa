import type { Clock } from './clock.js';

/**
 * Remembers answers for `ttlMs`, so that what every request asks (is this key valid? is this environment
 * protected?) costs a database read once per interval, not once per request. Writers on this instance
 * call `clear()` so their own changes apply at once; other instances see them within the TTL. When a
 * reload fails, the expired answer is served rather than the error.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const cached = this.#entries.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    let value: V;
    try {
      value = await load();
    } catch (error) {
      // Stale if error: while the database is away, the last answer beats none (SDKs keep polling).
      if (cached !== undefined) return cached.value;
      throw error;
    }
    // Past the bound, start over rather than track recency: a full cache is a rare, self-healing event.
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, expiresAt: now + this.ttlMs });
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
