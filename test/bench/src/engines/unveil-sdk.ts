/**
 * Unveil through the SDK's public API, as an application calls it: `client.isEnabled(key, context)` on an
 * offline client bootstrapped with the same snapshot as the core engine. The difference from `unveil`
 * is the SDK's own cost per call (context defaulting, typed dispatch, exposure counting).
 */
import { createClient } from '../../../../packages/sdk/src/index.js';
import type { Scenario, Workload } from '../scenarios.js';
import { type Engine, syncEngine } from './types.js';
import { unveilContexts, unveilSnapshot } from './unveil.js';

export const unveilSdk: Engine = {
  id: 'unveil-sdk',
  name: 'Unveil SDK (client.isEnabled)',
  role: 'ours-sdk',
  async setup(scenario: Scenario, workload: Workload) {
    const client = createClient({
      url: 'http://127.0.0.1:9',
      sdkKey: 'unv_srv_benchmark',
      offline: true,
      cache: false,
      bootstrap: unveilSnapshot(scenario, workload),
    });
    // Offline with a bootstrap it is ready at once, unless the snapshot needs an operator family that
    // loads on demand; either way, measure it ready.
    const state = await client.ready();
    if (state !== 'ready') throw new Error(`the SDK client is ${state}, not ready`);
    const contexts = unveilContexts(workload);
    const flagKey = scenario.flagKey;
    return syncEngine(
      (index) => client.isEnabled(flagKey, contexts[index]!),
      () => client.close(),
    );
  },
};
