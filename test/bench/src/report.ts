/** Turns the measurements into the printed report: tables, ratios, targets and validity checks. */
import { cpus, loadavg, totalmem } from 'node:os';
import type { EngineRole } from './engines/types.js';
import {
  EVALS_PER_ROUND,
  INTERLEAVED_ROUNDS,
  type InterleavedMeasurement,
  type Measurement,
  median,
  ROUNDS,
} from './measure.js';
import {
  CONTEXT_COUNT,
  matchesAnyRule,
  SCENARIOS,
  type ScenarioId,
  SEED,
  type Workload,
} from './scenarios.js';

export interface EngineRun {
  readonly engineId: string;
  readonly name: string;
  readonly role: EngineRole;
  readonly scenarioId: ScenarioId;
  readonly measurement: Measurement;
}

/**
 * One process's interleaved measurement of the SDK against the core. `measurement.nsPerEval` (and
 * `servedTrue`) hold, in this order, the core, the SDK, and the core again: a second evaluator compiled
 * from the same snapshot, the A/A control.
 */
export interface SdkComparison {
  readonly scenarioId: ScenarioId;
  readonly processIndex: number;
  readonly coreName: string;
  readonly sdkName: string;
  readonly measurement: InterleavedMeasurement;
  readonly sdkBytesPerEval: number | null;
}

const CORE = 0;
const SDK = 1;
const CONTROL = 2;
/** Issue 5: the SDK's API within 10 % of the core's time. */
const SDK_MAX_OVERHEAD = 0.1;

export interface FailedRun {
  readonly engineId: string;
  readonly scenarioId: ScenarioId;
  readonly error: string;
}

/** Bounds on the share of (a) served `true`: outside them an engine is not doing a 50 % rollout. */
const SHARE_A_MIN = 0.45;
const SHARE_A_MAX = 0.55;
/** Bounds on the share of (b)'s fallthrough (contexts no rule matches) served `true` by its 25 % rollout. */
const SHARE_B_FALLTHROUGH_MIN = 0.2;
const SHARE_B_FALLTHROUGH_MAX = 0.3;
const TARGET_VS_PEER: Record<ScenarioId, number> = { a: 3, b: 5 };
const TARGET_VS_FLOOR = 1.5;
/** "≈ 0 bytes/eval": below this, any allocation is too rare to matter (e.g. one object per 1,000 evaluations). */
const ZERO_BYTES_TOLERANCE = 1;

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fixed1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function percent(share: number): string {
  return `${(share * 100).toFixed(2)} %`;
}

function bytes(value: number | null): string {
  return value === null ? 'n/a' : fixed1.format(value);
}

function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export interface Report {
  readonly text: string;
  /** Why the comparison is invalid; empty if it is valid. */
  readonly invalid: string[];
}

/** Spread of the rounds: (slowest − fastest) / median, in percent. */
function spread(rounds: readonly number[]): string {
  return `${(((Math.max(...rounds) - Math.min(...rounds)) / median(rounds)) * 100).toFixed(0)} %`;
}

export function buildReport(
  runs: readonly EngineRun[],
  comparisons: readonly SdkComparison[],
  failures: readonly FailedRun[],
  workload: Workload,
  date: Date,
  loadAtStart: number,
): Report {
  const out: string[] = [];
  const invalid: string[] = [];
  const cpu = cpus();
  out.push(
    `Unveil evaluation benchmark — ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadAtStart.toFixed(2)} at start ` +
      `→ ${loadavg()[0]!.toFixed(2)} at end (other processes on the machine make the figures noisier)`,
    `${int.format(CONTEXT_COUNT)} contexts (seed 0x${SEED.toString(16)}), each engine in its own process ` +
      `(NODE_ENV=production); ns/eval = median of ${ROUNDS} rounds after warm-up, ` +
      `${int.format(EVALS_PER_ROUND)} evaluations per round unless the table says fewer;`,
    'spread = (slowest round − fastest round) / median.',
    '',
  );

  if (runs.length > 0) out.push(...engineTables(runs, workload, invalid));

  // Ratios and targets.
  const targets: string[] = [];
  const ratios: string[] = [];
  for (const scenario of SCENARIOS) {
    const ours = runs.find((r) => r.role === 'ours' && r.scenarioId === scenario.id);
    if (!ours) continue;
    const peers = runs.filter((r) => r.role === 'peer' && r.scenarioId === scenario.id);
    for (const peer of peers) {
      const factor = peer.measurement.nsPerEval / ours.measurement.nsPerEval;
      ratios.push(
        `${scenario.title}: ours vs ${peer.name}: ${fixed1.format(factor)}× ${factor >= 1 ? 'faster' : 'SLOWER'}`,
      );
    }
    const fastest = [...peers].sort((x, y) => x.measurement.nsPerEval - y.measurement.nsPerEval)[0];
    if (fastest) {
      const factor = fastest.measurement.nsPerEval / ours.measurement.nsPerEval;
      const goal = TARGET_VS_PEER[scenario.id];
      targets.push(
        `${factor >= goal ? 'PASS' : 'FAIL'}  ${scenario.title}: ours ≥ ${goal}× faster than the fastest peer ` +
          `(${fastest.name}): ${fixed1.format(factor)}×`,
      );
    }
    for (const floorRun of runs.filter((r) => r.role === 'floor' && r.scenarioId === scenario.id)) {
      const factor = ours.measurement.nsPerEval / floorRun.measurement.nsPerEval;
      ratios.push(`${scenario.title}: ours vs ${floorRun.name}: ${fixed1.format(factor)}× its time`);
      targets.push(
        `${factor <= TARGET_VS_FLOOR ? 'PASS' : 'FAIL'}  ${scenario.title}: ours within ${TARGET_VS_FLOOR}× of ` +
          `${floorRun.name}: ${fixed1.format(factor)}×`,
      );
      const mismatches = countMismatches(ours.measurement.servedTrue, floorRun.measurement.servedTrue);
      ratios.push(
        `${scenario.title}: ours and ${floorRun.name} serve ${mismatches === 0 ? 'the same value to all' : `different values to ${mismatches} of the`} ` +
          `${int.format(CONTEXT_COUNT)} contexts`,
      );
    }
    const allocated = ours.measurement.bytesPerEval;
    targets.push(
      `${allocated !== null && Math.abs(allocated) < ZERO_BYTES_TOLERANCE ? 'PASS' : 'FAIL'}  ${scenario.title}: ` +
        `ours allocates ≈ 0 bytes/eval (< ${ZERO_BYTES_TOLERANCE}): ${bytes(allocated)}`,
    );
  }
  const sdk = sdkSection(comparisons);
  out.push(...sdk.lines);
  targets.push(...sdk.targets);
  invalid.push(...sdk.invalid);
  if (ratios.length > 0) {
    out.push('Ratios (ns/eval of the other engine ÷ ours; for the floor, ours ÷ floor)', ...ratios, '');
  }
  out.push('Targets (reported only; they do not fail the run)', ...targets, '');

  // Validity: every engine must do a ~50 % rollout on (a), and every engine must have run.
  for (const run of runs.filter((r) => r.scenarioId === 'a')) {
    const share = run.measurement.shareTrue;
    if (share < SHARE_A_MIN || share > SHARE_A_MAX) {
      invalid.push(`${run.name} serves true to ${percent(share)} on (a), outside 45–55 %`);
    }
  }
  for (const failure of failures) {
    invalid.push(`${failure.engineId} (${failure.scenarioId}) failed: ${failure.error}`);
  }
  if (invalid.length > 0) out.push('INVALID COMPARISON', ...invalid.map((reason) => `  ${reason}`));
  else {
    out.push(
      'Valid: on (a) every engine serves true to 45–55 % of contexts; on (b) every engine serves true to all',
      'rule-matched contexts and to 20–30 % of the rest.',
    );
  }
  return { text: out.join('\n'), invalid };
}

function countMismatches(x: string, y: string): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}

/** The `q` quantile (0–1) of `values`, interpolating between the nearest ranks. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** `other[r] / base[r]` for every round r: both ran in the same round, so they saw the same machine. */
function roundRatios(base: readonly number[], other: readonly number[]): number[] {
  return base.map((ns, r) => other[r]! / ns);
}

/** A ratio as time over the base, e.g. 1.034 → "+3.4 %". */
function overPercent(ratio: number): string {
  const value = (ratio - 1) * 100;
  return `${value >= 0 ? '+' : '−'}${fixed1.format(Math.abs(value))} %`;
}

function interquartile(ratios: readonly number[]): string {
  return `${overPercent(quantile(ratios, 0.25))} … ${overPercent(quantile(ratios, 0.75))}`;
}

/**
 * The SDK against the core from the interleaved processes: per process and pooled, the median of the
 * per-round ratios with their interquartile range (and extremes), and the same for the A/A control — in
 * CPU time, with the wall-time ratio beside it.
 */
function sdkSection(comparisons: readonly SdkComparison[]): {
  lines: string[];
  targets: string[];
  invalid: string[];
} {
  const lines: string[] = [];
  const targets: string[] = [];
  const invalid: string[] = [];
  if (comparisons.length === 0) return { lines, targets, invalid };
  const first = comparisons[0]!;
  lines.push(
    `${first.sdkName} against ${first.coreName}, interleaved in one process:`,
    `in each of ${INTERLEAVED_ROUNDS} rounds the core, the SDK and a second core evaluator (A/A control) each`,
    "evaluate the same contexts, in rotating order, after a full GC. SDK/core = the SDK's CPU time ÷ the",
    "core's in the same round: median, interquartile range, min … max over the rounds. A/A = the same for",
    'the second core evaluator: what the method cannot tell apart. The wall-time ratio is printed too;',
    'other processes on the machine inflate wall time, not CPU time.',
    '',
  );
  for (const scenario of SCENARIOS) {
    const ofScenario = comparisons.filter((c) => c.scenarioId === scenario.id);
    if (ofScenario.length === 0) continue;
    const row = (
      label: string,
      cpu: readonly (readonly number[])[],
      wall: readonly (readonly number[])[],
    ) => {
      const overhead = roundRatios(cpu[CORE]!, cpu[SDK]!);
      const control = roundRatios(cpu[CORE]!, cpu[CONTROL]!);
      const overheadWall = roundRatios(wall[CORE]!, wall[SDK]!);
      return [
        label,
        fixed1.format(median(cpu[CORE]!)),
        fixed1.format(median(cpu[SDK]!)),
        overPercent(median(overhead)),
        interquartile(overhead),
        `${overPercent(Math.min(...overhead))} … ${overPercent(Math.max(...overhead))}`,
        overPercent(median(control)),
        interquartile(control),
        overPercent(median(overheadWall)),
        interquartile(overheadWall),
      ];
    };
    const pool = (of: (c: SdkComparison) => readonly (readonly number[])[]) =>
      [CORE, SDK, CONTROL].map((e) => ofScenario.flatMap((c) => of(c)[e]!));
    const cpu = pool((c) => c.measurement.cpuNsPerEval);
    const wall = pool((c) => c.measurement.nsPerEval);
    const rows = ofScenario.map((c) =>
      row(`process ${c.processIndex}`, c.measurement.cpuNsPerEval, c.measurement.nsPerEval),
    );
    if (ofScenario.length > 1) rows.push(row('all rounds', cpu, wall));
    const perRound = [...new Set(ofScenario.map((c) => int.format(c.measurement.evalsPerRound)))].join(', ');
    lines.push(
      `${scenario.title}: ${ofScenario.length} process(es) × ${INTERLEAVED_ROUNDS} rounds of ${perRound} ` +
        'evaluations per engine',
      table(
        [
          '',
          'core CPU ns/eval',
          'SDK CPU ns/eval',
          'SDK/core',
          'IQR',
          'min … max',
          'A/A',
          'A/A IQR',
          'SDK/core wall',
          'wall IQR',
        ],
        rows,
      ),
      '',
    );

    const overhead = median(roundRatios(cpu[CORE]!, cpu[SDK]!));
    const control = median(roundRatios(cpu[CORE]!, cpu[CONTROL]!));
    targets.push(
      `${overhead - 1 <= SDK_MAX_OVERHEAD ? 'PASS' : 'FAIL'}  ${scenario.title}: the SDK API within ` +
        `${SDK_MAX_OVERHEAD * 100} % of the core: ${overPercent(overhead)} (CPU time, median of ` +
        `${cpu[CORE]!.length} interleaved rounds; A/A control ${overPercent(control)})`,
    );
    const allocations = ofScenario.map((c) => c.sdkBytesPerEval);
    targets.push(
      `${allocations.every((b) => b !== null && Math.abs(b) < ZERO_BYTES_TOLERANCE) ? 'PASS' : 'FAIL'}  ` +
        `${scenario.title}: the SDK API allocates ≈ 0 bytes/eval (< ${ZERO_BYTES_TOLERANCE}): ` +
        allocations.map(bytes).join(', '),
    );
    for (const c of ofScenario) {
      const [core, sdk, again] = c.measurement.servedTrue;
      const mismatches = countMismatches(core!, sdk!) + countMismatches(core!, again!);
      if (mismatches > 0) {
        invalid.push(
          `${scenario.title}, process ${c.processIndex}: the SDK or the second core evaluator serves a ` +
            `different value from the core to ${mismatches} contexts`,
        );
      }
    }
  }
  return { lines, targets, invalid };
}

/** Per-engine tables (speed, shares, (b)'s rule/fallthrough check, heap); adds to `invalid` what fails. */
function engineTables(runs: readonly EngineRun[], workload: Workload, invalid: string[]): string[] {
  const lines: string[] = [];
  const find = (engineId: string, scenarioId: ScenarioId) =>
    runs.find((r) => r.engineId === engineId && r.scenarioId === scenarioId);
  const engineIds = [...new Set(runs.map((r) => r.engineId))];

  for (const scenario of SCENARIOS) {
    const rows = runs
      .filter((r) => r.scenarioId === scenario.id)
      .map((r) => {
        const m = r.measurement;
        return [
          r.name + (m.mode === 'async' ? ' *' : ''),
          int.format(m.evalsPerRound),
          fixed1.format(m.nsPerEval),
          spread(m.roundsNsPerEval),
          int.format(m.evalsPerSecond),
          bytes(m.bytesPerEval),
          percent(m.shareTrue),
        ];
      });
    lines.push(
      scenario.title,
      table(['engine', 'evals/round', 'ns/eval', 'spread', 'evals/s', 'bytes/eval', 'share true'], rows),
      '',
    );
  }
  const reduced = runs.filter((r) => r.measurement.evalsPerRound < EVALS_PER_ROUND);
  if (reduced.length > 0) {
    lines.push(
      `Fewer than ${int.format(EVALS_PER_ROUND)} evaluations per round (slow engines; rounds sized to ~1.2 s each):`,
      `  ${reduced.map((r) => `${r.name} (${r.scenarioId}) ${int.format(r.measurement.evalsPerRound)}`).join('; ')}`,
    );
  }
  if (runs.some((r) => r.measurement.mode === 'async')) {
    lines.push(
      '* asynchronous API (LaunchDarkly `variation()` returns a promise): every evaluation is awaited in turn,',
      '  so its figure includes the promise and microtask cost an application pays per call.',
      '',
    );
  }

  lines.push(
    'Share served true over the 10,000 contexts (engines hash differently, so shares differ slightly)',
  );
  lines.push(
    table(
      ['engine', ...SCENARIOS.map((s) => `(${s.id})`)],
      engineIds.map((id) => [
        runs.find((r) => r.engineId === id)!.name,
        ...SCENARIOS.map((s) => {
          const run = find(id, s.id);
          return run ? percent(run.measurement.shareTrue) : 'failed';
        }),
      ]),
    ),
    '',
  );

  // Equivalence of (b): rules are deterministic, so every engine must serve true to exactly the contexts
  // a rule matches; only the fallthrough rollout (a different hash per engine) may differ.
  const segment = new Set(workload.segmentKeys);
  const ruleMatched = workload.contexts.map((c) => matchesAnyRule(c, segment));
  const matchedCount = ruleMatched.filter(Boolean).length;
  const equivalence = runs
    .filter((r) => r.scenarioId === 'b')
    .map((r) => {
      const bits = r.measurement.servedTrue;
      let matchedTrue = 0;
      let fallthroughTrue = 0;
      ruleMatched.forEach((matched, i) => {
        if (bits[i] === '1') {
          if (matched) matchedTrue++;
          else fallthroughTrue++;
        }
      });
      return { run: r, matchedTrue, fallthroughShare: fallthroughTrue / (CONTEXT_COUNT - matchedCount) };
    });
  lines.push(
    `(b) rules vs fallthrough: ${int.format(matchedCount)} contexts match a rule, ` +
      `${int.format(CONTEXT_COUNT - matchedCount)} reach the 25 % fallthrough`,
    table(
      ['engine', 'rule matches served true', 'fallthrough served true'],
      equivalence.map((e) => [
        e.run.name,
        `${int.format(e.matchedTrue)} / ${int.format(matchedCount)}`,
        percent(e.fallthroughShare),
      ]),
    ),
    '',
  );
  for (const e of equivalence) {
    if (e.matchedTrue !== matchedCount) {
      invalid.push(
        `${e.run.name} serves true to ${e.matchedTrue} of the ${matchedCount} rule-matched contexts on (b)`,
      );
    }
    if (e.fallthroughShare < SHARE_B_FALLTHROUGH_MIN || e.fallthroughShare > SHARE_B_FALLTHROUGH_MAX) {
      invalid.push(
        `${e.run.name} serves true to ${percent(e.fallthroughShare)} of (b)'s fallthrough, outside 20–30 %`,
      );
    }
  }

  lines.push(
    'Heap, median over the timed rounds (heap Δ: used heap after the round minus before, no GC forced;',
  );
  lines.push('retained: the same after a forced full GC). Allocation blocks: GC-free / total × evaluations.');
  lines.push(
    table(
      ['engine', 'scenario', 'GCs/round', 'heap Δ/round', 'retained/round', 'alloc blocks'],
      runs.map((r) => {
        const m = r.measurement;
        return [
          r.name,
          `(${r.scenarioId})`,
          int.format(m.gcsPerRound),
          `${int.format(m.heapDeltaPerRound)} B`,
          `${int.format(m.retainedPerRound)} B`,
          `${m.allocation.cleanBlocks}/${m.allocation.blocks} × ${int.format(m.allocation.blockSize)}`,
        ];
      }),
      2,
    ),
    '',
  );
  return lines;
}
