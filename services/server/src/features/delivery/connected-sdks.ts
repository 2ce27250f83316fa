/** What an SDK says of itself when it connects (hello). */
export interface SdkIdentity {
  sdk: string;
  sdkVersion: string;
  appVersion?: string;
  appBuild?: string;
}

export interface ConnectedSdks {
  connected: number;
  byAppVersion: { appVersion: string | null; count: number }[];
  bySdk: { sdk: string; version: string; count: number }[];
}

/**
 * Counts the SDKs connected to each environment on this instance, by application version and by SDK
 * (deployment gates ask "have N % of the fleet deployed version ≥ X?").
 */
export class ConnectedSdkRegistry {
  readonly #environments = new Map<string, Map<SdkIdentity, number>>();

  connect(environment: string, identity: SdkIdentity): () => void {
    const identities = this.#environments.get(environment) ?? new Map<SdkIdentity, number>();
    this.#environments.set(environment, identities);
    identities.set(identity, 1);
    return () => identities.delete(identity);
  }

  report(environment: string): ConnectedSdks {
    const identities = [...(this.#environments.get(environment)?.keys() ?? [])];
    return {
      connected: identities.length,
      byAppVersion: countBy(identities, (id) => id.appVersion ?? null).map(([appVersion, count]) => ({
        appVersion,
        count,
      })),
      bySdk: countBy(identities, (id) => `${id.sdk}@${id.sdkVersion}`).map(([name, count]) => {
        const at = name.lastIndexOf('@');
        return { sdk: name.slice(0, at), version: name.slice(at + 1), count };
      }),
    };
  }
}

function countBy<K>(items: readonly SdkIdentity[], keyOf: (item: SdkIdentity) => K): [K, number][] {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}
