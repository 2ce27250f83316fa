import { KeepAliveClient } from './keep-alive-client.js';

/** What one sustained-write run measured. */
export interface WriteLoadResult {
  environments: number;
  concurrency: number;
  seconds: number;
  succeeded: number;
  failed: number;
  failures: Map<number, number>;
  latenciesMs: number[];
}

/** The last split written to each environment/flag, so that consecutive writes always differ. */
const lastWeight = new Map<string, number>();

export interface WriteTarget {
  environment: string;
  flag: string;
}

/**
 * Keeps `concurrency` writers busy for `seconds`: each owns its own flags and moves each flag's fallthrough
 * rollout to a new split on every write (so no write repeats the stored configuration, which the server
 * would rightly treat as no change), one PUT at a time, through the real admin API — validation, audit
 * entry, version history and snapshot bump included.
 */
export async function runWriteLoad(
  url: string,
  adminKey: string,
  targets: readonly WriteTarget[],
  concurrency: number,
  seconds: number,
): Promise<WriteLoadResult> {
  const deadline = performance.now() + seconds * 1000;
  const latenciesMs: number[] = [];
  const failures = new Map<number, number>();
  let succeeded = 0;
  const client = new KeepAliveClient(
    url,
    { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    concurrency,
  );
  const writer = async (index: number) => {
    const mine = targets.filter((_, i) => i % concurrency === index);
    let turn = 0;
    while (performance.now() < deadline) {
      const target = mine[turn % mine.length]!;
      turn++;
      // A different split on every write, across runs too: never the configuration already stored.
      const key = `${target.environment}/${target.flag}`;
      const weight = ((lastWeight.get(key) ?? 0) + 1) % 100_001;
      lastWeight.set(key, weight);
      const started = performance.now();
      const status = await client.put(
        `/api/v1/environments/${target.environment}/flags/${target.flag}`,
        JSON.stringify({
          enabled: true,
          offVariant: 'off',
          fallthrough: {
            rollout: {
              variants: [
                { variant: 'on', weight },
                { variant: 'off', weight: 100_000 - weight },
              ],
            },
          },
          reason: 'admin write benchmark',
        }),
      );
      latenciesMs.push(performance.now() - started);
      // 200 only: a 202 is a change request waiting for approval, not an update.
      if (status === 200) {
        succeeded++;
      } else {
        failures.set(status, (failures.get(status) ?? 0) + 1);
      }
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, index) => writer(index)));
  } finally {
    client.close();
  }
  const environments = new Set(targets.map((target) => target.environment)).size;
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  return {
    environments,
    concurrency,
    seconds: (performance.now() - started) / 1000,
    succeeded,
    failed,
    failures,
    latenciesMs,
  };
}
