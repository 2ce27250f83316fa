/**
 * Evaluation benchmark: Unveil's evaluator against the local-evaluation engines of GrowthBook,
 * unleash-client, flagd-core and LaunchDarkly, and against a hand-written floor.
 *
 *   node --expose-gc --import tsx src/eval-bench.ts [engine…]     (all engines if none is named)
 *
 * The parent process forks one child per (engine, scenario) — `--child <engine> <scenario>` — so that
 * each measurement has a fresh heap and JIT: no engine's garbage, timers or deoptimised call sites
 * colour another's figures. Children report over IPC; the parent prints the report and exits non-zero
 * if the comparison is invalid (an engine not doing a ~50 % rollout on (a), or an engine that failed).
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ENGINE_IDS, type EngineId, isEngineId, loadEngine } from './engines/index.js';
import { measure } from './measure.js';
import { buildReport, type EngineRun, type FailedRun } from './report.js';
import { generateWorkload, SCENARIOS, type ScenarioId, scenarioById } from './scenarios.js';

type ChildMessage =
  | { readonly ok: true; readonly run: EngineRun }
  | { readonly ok: false; readonly error: string };

async function child(engineId: EngineId, scenarioId: ScenarioId): Promise<void> {
  let message: ChildMessage;
  try {
    const engine = await loadEngine(engineId);
    const scenario = scenarioById(scenarioId);
    const workload = generateWorkload();
    const prepared = await engine.setup(scenario, workload);
    const measurement = await measure(prepared.evaluation, workload.contexts.length);
    await prepared.close?.();
    message = {
      ok: true,
      run: { engineId, name: engine.name, role: engine.role, scenarioId, measurement },
    };
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  // Some SDKs keep handles open after close(); exit once the parent has the message.
  process.send?.(message, () => process.exit(0));
}

function runChild(engineId: EngineId, scenarioId: ScenarioId): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', engineId, scenarioId], {
      execArgv: process.execArgv,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let received: ChildMessage | undefined;
    proc.on('message', (message: ChildMessage) => {
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
  for (const engineId of engineIds) {
    for (const scenario of SCENARIOS) {
      const result = await runChild(engineId, scenario.id);
      if (result.ok) {
        const m = result.run.measurement;
        runs.push(result.run);
        console.error(
          `  ${result.run.name} ${scenario.title}: ${m.nsPerEval.toFixed(1)} ns/eval ` +
            `(${m.evalsPerRound} evals/round), share ${(m.shareTrue * 100).toFixed(2)} %`,
        );
      } else {
        failures.push({ engineId, scenarioId: scenario.id, error: result.error });
        console.error(`  ${engineId} ${scenario.title}: FAILED\n${result.error}`);
      }
    }
  }
  const report = buildReport(runs, failures, generateWorkload(), new Date(), loadAtStart);
  console.log(report.text);
  console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return report.invalid.length > 0 ? 1 : 0;
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, engineId = '', scenarioId = ''] = args;
  if (!isEngineId(engineId)) throw new Error(`unknown engine ${engineId}`);
  await child(engineId, scenarioById(scenarioId).id);
} else {
  const unknown = args.filter((id) => !isEngineId(id));
  if (unknown.length > 0) {
    console.error(`unknown engine(s) ${unknown.join(', ')}; known: ${ENGINE_IDS.join(', ')}`);
    process.exit(2);
  }
  const selected = args.length > 0 ? ENGINE_IDS.filter((id) => args.includes(id)) : ENGINE_IDS;
  process.exitCode = await parent(selected);
}
