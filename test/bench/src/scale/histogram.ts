/**
 * Latencies of (write, client) pairs: tens of millions in a full run, so they are counted in fixed
 * 0.1 ms buckets (up to 30 s, the exact maximum kept aside) rather than stored. Histograms of several
 * client processes merge by adding their buckets.
 */
const RESOLUTION_MS = 0.1;
const BUCKETS = 300_000;

export interface HistogramData {
  readonly buckets: number[];
  readonly count: number;
  readonly maxMs: number;
}

export class LatencyHistogram {
  readonly #buckets = new Uint32Array(BUCKETS);
  #count = 0;
  #maxMs = 0;

  add(ms: number): void {
    const index = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / RESOLUTION_MS)));
    this.#buckets[index]!++;
    this.#count++;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  get count(): number {
    return this.#count;
  }

  get maxMs(): number {
    return this.#maxMs;
  }

  /** The upper edge of the bucket holding the q-quantile (nearest rank), in ms; NaN when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.#buckets[index]!;
      if (seen >= rank) return Math.min((index + 1) * RESOLUTION_MS, this.#maxMs);
    }
    return this.#maxMs;
  }

  /** A compact form for IPC: only the non-empty buckets' indexes and counts, interleaved. */
  toData(): HistogramData {
    const buckets: number[] = [];
    this.#buckets.forEach((n, index) => {
      if (n > 0) buckets.push(index, n);
    });
    return { buckets, count: this.#count, maxMs: this.#maxMs };
  }

  merge(data: HistogramData): void {
    for (let i = 0; i < data.buckets.length; i += 2) this.#buckets[data.buckets[i]!]! += data.buckets[i + 1]!;
    this.#count += data.count;
    this.#maxMs = Math.max(this.#maxMs, data.maxMs);
  }
}
