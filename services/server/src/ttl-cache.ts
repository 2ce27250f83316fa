import type { Clock } from './clock.js';

/**
 * Remembers answers for `ttlMs`, so that what every request asks (is this key valid? is this environment
 * protected?) costs a database read once per interval, not once per request. Writers on this instance
 * call `clear()` so their own changes apply at once; other instances see them within the TTL.
 *
 * When the database is away the last answer beats none: a reload that fails, or that has not answered
 * within `staleAfterMs` (a partition answers nothing rather than an error), serves the expired answer,
 * and the reload goes on in the background. Callers asking for the same key while it reloads share it.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #loading = new Map<string, Promise<V>>();
  /** Bumped by `clear()`: a reload that started before it must not store what it read. */
  #generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly staleAfterMs = 1_000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const cached = this.#entries.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    const loading = this.#loading.get(key) ?? this.#reload(key, load, now);
    if (cached === undefined) return loading;
    return raceStale(loading, cached.value, this.staleAfterMs);
  }

  clear(): void {
    this.#entries.clear();
    this.#loading.clear();
    this.#generation++;
  }

  #reload(key: string, load: () => Promise<V>, now: number): Promise<V> {
    const generation = this.#generation;
    const loading = load()
      .then((value) => {
        if (generation !== this.#generation) return value;
        // Past the bound, start over rather than track recency: a full cache is a rare, self-healing event.
        if (this.#entries.size >= this.maxEntries) this.#entries.clear();
        this.#entries.set(key, { value, expiresAt: now + this.ttlMs });
        return value;
      })
      .finally(() => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
      });
    this.#loading.set(key, loading);
    return loading;
  }
}

/** The fresh value if it comes within `ms`, else (or if loading fails) the stale one. */
function raceStale<V>(loading: Promise<V>, stale: V, ms: number): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<V>((resolve) => {
    timer = setTimeout(() => resolve(stale), ms);
    timer.unref();
  });
  return Promise.race([loading.catch(() => stale), deadline]).finally(() => clearTimeout(timer));
}
