/** How far one version has reached: how many of the SDKs connected when it was sent have applied it. */
export interface VersionDelivery {
  version: number;
  /** When this instance sent it, epoch milliseconds. */
  sentAt: number;
  /** SDKs connected to this environment when it was sent. */
  audience: number;
  applied: number;
  /** Milliseconds from sending to the SDK's acknowledgement. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

interface Tracking {
  sentAt: number;
  audience: number;
  latencies: number[];
}

/**
 * Delivery proof (issue: "a change has really reached the fleet, not only been sent"): every SDK
 * acknowledges each version it applied; this keeps, per environment, the last `keep` versions' audience,
 * acknowledgements and latencies. Per instance: several instances each report their own sockets.
 */
export class DeliveryProof {
  readonly #environments = new Map<string, Map<number, Tracking>>();

  constructor(private readonly keep = 50) {}

  sent(environment: string, version: number, sentAt: number, audience: number): void {
    const versions = this.#environments.get(environment) ?? new Map<number, Tracking>();
    this.#environments.set(environment, versions);
    versions.set(version, { sentAt, audience, latencies: [] });
    if (versions.size > this.keep) versions.delete(versions.keys().next().value!);
  }

  /** Returns the latency recorded, or undefined for a version this instance did not send. */
  applied(environment: string, version: number, at: number): number | undefined {
    const tracking = this.#environments.get(environment)?.get(version);
    if (tracking === undefined) return undefined;
    const latency = Math.max(0, at - tracking.sentAt);
    tracking.latencies.push(latency);
    return latency;
  }

  report(environment: string): VersionDelivery[] {
    const versions = this.#environments.get(environment) ?? new Map<number, Tracking>();
    return [...versions].reverse().map(([version, { sentAt, audience, latencies }]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        version,
        sentAt,
        audience,
        applied: sorted.length,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        maxMs: sorted.at(-1) ?? null,
      };
    });
  }
}

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
