import type { Scenario, Workload } from '../scenarios.js';

/**
 * Evaluates the scenario's flag for `workload.contexts[index]` and says whether it served `true`.
 * Adapters convert the contexts into their SDK's native shape once, in `setup`, so the measured call
 * is the SDK's evaluation alone (plus one array read, the same for every engine).
 */
export type SyncEvaluate = (index: number) => boolean;
export type AsyncEvaluate = (index: number) => Promise<boolean>;

export type Evaluation =
  | { readonly mode: 'sync'; readonly evaluate: SyncEvaluate }
  /** The SDK's evaluation API returns a promise; each call is awaited in turn. */
  | { readonly mode: 'async'; readonly evaluate: AsyncEvaluate };

export interface PreparedEngine {
  readonly evaluation: Evaluation;
  /** Releases timers, sockets and listeners so that the process can exit. */
  close?(): void | Promise<void>;
}

/** `ours-sdk` is ours through the SDK's public API: compared with `ours`, not with the peers. */
export type EngineRole = 'ours' | 'ours-sdk' | 'peer' | 'floor';

export interface Engine {
  /** Stable id used on the command line, e.g. `growthbook`. */
  readonly id: string;
  /** Display name, e.g. `GrowthBook 1.8.0 (GrowthBookClient.isOn)`. */
  readonly name: string;
  readonly role: EngineRole;
  setup(scenario: Scenario, workload: Workload): Promise<PreparedEngine>;
}

export function syncEngine(evaluate: SyncEvaluate, close?: () => void | Promise<void>): PreparedEngine {
  return close
    ? { evaluation: { mode: 'sync', evaluate }, close }
    : { evaluation: { mode: 'sync', evaluate } };
}
