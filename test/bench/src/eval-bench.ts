/**
 * Evaluation benchmark: Unveil's evaluator against the local-evaluation engines of GrowthBook,
 * unleash-client, flagd-core and LaunchDarkly, and against a hand-written floor; and Unveil through its
 * SDK's API against the core.
 *
 *   node --expose-gc --import tsx src/eval-bench.ts [engine…]     (all engines if none is named)
 *
 * The parent process forks one child per (engine, scenario) — `--child <engine> <scenario>` — so that
 * each measurement has a fresh heap and JIT: no engine's garbage, timers or deoptimised call sites
 * colour another's figures. The SDK is the exception: issue 5 bounds its cost relative to the core's
 * (within 10 %), a difference smaller than what separate processes reproduce, so the SDK and the core are
 * measured together, interleaved round by round in one process — `--interleaved <scenario>`, repeated
 * in {@link SDK_PROCESSES} processes. Children report over IPC; the parent prints the report and exits
 * non-zero if the comparison is invalid (an engine not doing a ~50 % rollout on (a), engines that
 * disagree, or an engine that failed).
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ENGINE_IDS, type EngineId, isEngineId, loadEngine } from './engines/index.js';
import type { Evaluation, SyncEvaluate } from './engines/types.js';
import { bytesPerEval, measure, measureInterleaved, median } from './measure.js';
import { buildReport, type EngineRun, type FailedRun, type SdkComparison } from './report.js';
import { generateWorkload, SCENARIOS, type Scenario, scenarioById } from './scenarios.js';

/** The SDK engine is measured only interleaved with the core engine (see above), in this many processes. */
const SDK_ENGINE: EngineId = 'unveil-sdk';
const CORE_ENGINE: EngineId = 'unveil';
const SDK_PROCESSES = 3;

type ChildMessage<T> =
  | { readonly ok: true; readonly result: T }
  | { readonly ok: false; readonly error: string };

/** Runs `work` and sends its result (or its error) to the parent, then exits. */
async function reply<T>(work: () => Promise<T>): Promise<void> {
  let message: ChildMessage<T>;
  try {
    message = { ok: true, result: await work() };
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  // Some SDKs keep handles open after close(); exit once the parent has the message.
  process.send?.(message, () => process.exit(0));
}

async function measureEngine(engineId: EngineId, scenario: Scenario): Promise<EngineRun> {
  const engine = await loadEngine(engineId);
  const workload = generateWorkload();
  const prepared = await engine.setup(scenario, workload);
  const measurement = await measure(prepared.evaluation, workload.contexts.length);
  await prepared.close?.();
  return { engineId, name: engine.name, role: engine.role, scenarioId: scenario.id, measurement };
}

function syncOnly(evaluation: Evaluation, name: string): SyncEvaluate {
  if (evaluation.mode !== 'sync') throw new Error(`${name} is asynchronous; interleaving needs sync engines`);
  return evaluation.evaluate;
}

/**
 * The core, the SDK and the core again (a second evaluator compiled from the same snapshot: the A/A
 * control, whose ratio to the first shows what the method itself cannot tell apart), over the same
 * context objects, interleaved.
 */
async function compareSdk(scenario: Scenario, processIndex: number): Promise<SdkComparison> {
  const [core, sdk] = await Promise.all([loadEngine(CORE_ENGINE), loadEngine(SDK_ENGINE)]);
  const workload = generateWorkload();
  const prepared = [
    await core.setup(scenario, workload),
    await sdk.setup(scenario, workload),
    await core.setup(scenario, workload),
  ];
  const names = [core.name, sdk.name, core.name];
  const evaluations = prepared.map((p, i) => syncOnly(p.evaluation, names[i]!));
  const length = workload.contexts.length;
  const measurement = await measureInterleaved(evaluations, length);
  const sdkBytes = await bytesPerEval(prepared[1]!.evaluation, length);
  for (const p of prepared) await p.close?.();
  return {
    scenarioId: scenario.id,
    processIndex,
    coreName: core.name,
    sdkName: sdk.name,
    measurement,
    sdkBytesPerEval: sdkBytes,
  };
}

function runChild<T>(args: readonly string[]): Promise<ChildMessage<T>> {
  return new Promise((resolve) => {
    const proc = fork(fileURLToPath(import.meta.url), args, {
      execArgv: process.execArgv,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let received: ChildMessage<T> | undefined;
    proc.on('message', (message: ChildMessage<T>) => {
      received = message;
    });
    proc.on('exit', (code, signal) => {
      resolve(
        received ?? { ok: false, error: `child exited with ${signal ?? `code ${code}`} and no result` },
      );
    });
  });
}

async function parent(engineIds: readonly EngineId[]): Promise<number> {
  if (typeof globalThis.gc !== 'function') {
    console.error('run with node --expose-gc (npx pnpm@10 bench:eval does)');
    return 2;
  }
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  const runs: EngineRun[] = [];
  const failures: FailedRun[] = [];
  for (const engineId of engineIds.filter((id) => id !== SDK_ENGINE)) {
    for (const scenario of SCENARIOS) {
      const result = await runChild<EngineRun>(['--child', engineId, scenario.id]);
      if (result.ok) {
        const m = result.result.measurement;
        runs.push(result.result);
        console.error(
          `  ${result.result.name} ${scenario.title}: ${m.nsPerEval.toFixed(1)} ns/eval ` +
            `(${m.evalsPerRound} evals/round), share ${(m.shareTrue * 100).toFixed(2)} %`,
        );
      } else {
        failures.push({ engineId, scenarioId: scenario.id, error: result.error });
        console.error(`  ${engineId} ${scenario.title}: FAILED\n${result.error}`);
      }
    }
  }
  const comparisons: SdkComparison[] = [];
  if (engineIds.includes(SDK_ENGINE)) {
    for (const scenario of SCENARIOS) {
      for (let p = 1; p <= SDK_PROCESSES; p++) {
        const result = await runChild<SdkComparison>(['--interleaved', scenario.id, String(p)]);
        if (result.ok) {
          const [core, sdk] = result.result.measurement.cpuNsPerEval;
          comparisons.push(result.result);
          console.error(
            `  SDK vs core ${scenario.title}, process ${p}: median ${median(sdk!).toFixed(1)} vs ` +
              `${median(core!).toFixed(1)} CPU ns/eval`,
          );
        } else {
          failures.push({ engineId: SDK_ENGINE, scenarioId: scenario.id, error: result.error });
          console.error(`  SDK vs core ${scenario.title}, process ${p}: FAILED\n${result.error}`);
        }
      }
    }
  }
  const report = buildReport(runs, comparisons, failures, generateWorkload(), new Date(), loadAtStart);
  console.log(report.text);
  console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return report.invalid.length > 0 ? 1 : 0;
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, engineId = '', scenarioId = ''] = args;
  if (!isEngineId(engineId)) throw new Error(`unknown engine ${engineId}`);
  await reply(() => measureEngine(engineId, scenarioById(scenarioId)));
} else if (args[0] === '--interleaved') {
  const [, scenarioId = '', processIndex = '1'] = args;
  await reply(() => compareSdk(scenarioById(scenarioId), Number(processIndex)));
} else {
  const unknown = args.filter((id) => !isEngineId(id));
  if (unknown.length > 0) {
    console.error(`unknown engine(s) ${unknown.join(', ')}; known: ${ENGINE_IDS.join(', ')}`);
    process.exit(2);
  }
  const selected = args.length > 0 ? ENGINE_IDS.filter((id) => args.includes(id)) : ENGINE_IDS;
  process.exitCode = await parent(selected);
}
