/**
 * Measurement of one engine on one scenario, in a process of its own (see eval-bench.ts):
 * - share: one pass over all contexts, counting `true`;
 * - time: warm-up, then {@link ROUNDS} timed rounds of N evaluations cycling through the contexts;
 *   the figure is the median round's ns/eval;
 * - allocation: heap-usage deltas over short blocks of evaluations that no GC interrupted (below).
 * {@link measureInterleaved} instead compares several engines within one process, round by round.
 */
import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { AsyncEvaluate, Evaluation, SyncEvaluate } from './engines/types.js';

export const ROUNDS = 5;
export const EVALS_PER_ROUND = 1_000_000;
/** A slow engine gets fewer evaluations per round so that its 5 rounds take about this long. */
const ROUND_BUDGET_NS = 1.2e9;
const MIN_EVALS_PER_ROUND = 50_000;
const WARMUP_NS = 0.6e9;
const WARMUP_MAX_EVALS = 1_000_000;

export interface Measurement {
  readonly mode: Evaluation['mode'];
  /** Share of the contexts served `true`, 0–1, and which ones (`'1'`/`'0'` per context). */
  readonly shareTrue: number;
  readonly servedTrue: string;
  readonly evalsPerRound: number;
  readonly warmupEvals: number;
  readonly roundsNsPerEval: number[];
  readonly nsPerEval: number;
  readonly evalsPerSecond: number;
  /** Median over GC-free blocks; null if no block ran without a GC. */
  readonly bytesPerEval: number | null;
  readonly allocation: { readonly blockSize: number; readonly cleanBlocks: number; readonly blocks: number };
  /** Garbage collections that ran during a timed round (median over rounds). */
  readonly gcsPerRound: number;
  /** `used_heap_size` after a round minus before it (after a forced full GC), median over rounds. */
  readonly heapDeltaPerRound: number;
  /** The same after a forced full GC at the end of the round: what the round left alive. */
  readonly retainedPerRound: number;
}

function collect(): void {
  if (typeof gc !== 'function') throw new Error('run node with --expose-gc');
  gc();
}

function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Lets queued PerformanceObserver callbacks run. */
function flushObservers(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Records the time span of every garbage collection (Node's `gc` performance entries). */
class GcLog {
  private readonly spans: { start: number; end: number }[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.record(entry);
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  private record(entry: PerformanceEntry): void {
    this.spans.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  }

  /** How many collections overlapped [from, to] (performance.now() times). Call after flushObservers. */
  countBetween(from: number, to: number): number {
    let n = 0;
    for (const span of this.spans) if (span.start < to && span.end > from) n++;
    return n;
  }

  close(): void {
    this.observer.disconnect();
  }
}

let sink = 0;

/** Evaluates `count` times, cycling through `length` contexts; returns how many were `true`. */
function runSync(evaluate: SyncEvaluate, count: number, length: number): number {
  let trues = 0;
  let index = 0;
  for (let n = 0; n < count; n++) {
    if (evaluate(index)) trues++;
    if (++index === length) index = 0;
  }
  return trues;
}

async function runAsync(evaluate: AsyncEvaluate, count: number, length: number): Promise<number> {
  let trues = 0;
  let index = 0;
  for (let n = 0; n < count; n++) {
    if (await evaluate(index)) trues++;
    if (++index === length) index = 0;
  }
  return trues;
}

function run(evaluation: Evaluation, count: number, length: number): number | Promise<number> {
  return evaluation.mode === 'sync'
    ? runSync(evaluation.evaluate, count, length)
    : runAsync(evaluation.evaluate, count, length);
}

/** Wall time of `count` evaluations, in ns. */
async function timed(evaluation: Evaluation, count: number, length: number): Promise<number> {
  const start = process.hrtime.bigint();
  sink += await run(evaluation, count, length);
  return Number(process.hrtime.bigint() - start);
}

async function servedTrue(evaluation: Evaluation, length: number): Promise<string> {
  const bits: string[] = [];
  for (let i = 0; i < length; i++) {
    const value = evaluation.mode === 'sync' ? evaluation.evaluate(i) : await evaluation.evaluate(i);
    bits.push(value ? '1' : '0');
  }
  return bits.join('');
}

/**
 * Bytes allocated per evaluation. With `--expose-gc`, a full GC empties the young generation; V8's
 * used_heap_size then grows by exactly what is allocated (new-space bump allocation, plus any
 * old-space or large-object allocation) until the next GC. So: gc(); read; run a block; read — and
 * keep only blocks that no GC overlapped (Node reports every GC as a `gc` performance entry with its
 * time span). The reads themselves allocate a statistics object; that constant, measured by reading
 * twice with nothing between, is subtracted. Blocks shrink until enough of them are GC-free.
 */
async function measureAllocation(
  evaluation: Evaluation,
  length: number,
  gcLog: GcLog,
): Promise<Measurement['allocation'] & { bytesPerEval: number | null }> {
  const BLOCKS = 12;
  const baselines: number[] = [];
  // The first reads also compile the reading code and allocate its feedback: those are not counted.
  for (let i = 0; i < 20; i++) heapUsed();
  for (let i = 0; i < 5; i++) {
    collect();
    const before = heapUsed();
    baselines.push(heapUsed() - before);
  }
  const baseline = median(baselines);
  let blockSize = 20_000;
  for (;;) {
    const blocks: { from: number; to: number; bytes: number }[] = [];
    for (let b = 0; b < BLOCKS; b++) {
      collect();
      const from = performance.now();
      const before = heapUsed();
      const trues = run(evaluation, blockSize, length);
      sink += typeof trues === 'number' ? trues : await trues;
      const bytes = heapUsed() - before - baseline;
      blocks.push({ from, to: performance.now(), bytes });
    }
    await flushObservers();
    const clean = blocks.filter((block) => gcLog.countBetween(block.from, block.to) === 0);
    if (clean.length >= BLOCKS / 2 || blockSize <= 250) {
      const bytesPerEval = clean.length > 0 ? median(clean.map((block) => block.bytes / blockSize)) : null;
      return { blockSize, cleanBlocks: clean.length, blocks: BLOCKS, bytesPerEval };
    }
    blockSize = Math.max(250, Math.floor(blockSize / 4));
  }
}

/** Bytes allocated per evaluation (see {@link measureAllocation}); null if no block ran without a GC. */
export async function bytesPerEval(evaluation: Evaluation, length: number): Promise<number | null> {
  const gcLog = new GcLog();
  try {
    return (await measureAllocation(evaluation, length, gcLog)).bytesPerEval;
  } finally {
    gcLog.close();
  }
}

export async function measure(evaluation: Evaluation, length: number): Promise<Measurement> {
  const gcLog = new GcLog();
  try {
    // The share pass is also the first warm-up pass.
    const bits = await servedTrue(evaluation, length);
    const trues = bits.split('').filter((bit) => bit === '1').length;

    // Warm up in chunks until the JIT has had WARMUP_NS (or WARMUP_MAX_EVALS); the speed of the later
    // chunks (median, so that one chunk slowed by a GC or a neighbour does not count) sizes the rounds.
    let warmupEvals = 0;
    let warmupNs = 0;
    const chunkNsPerEval: number[] = [];
    while (warmupNs < WARMUP_NS && warmupEvals < WARMUP_MAX_EVALS) {
      const chunk = 20_000;
      const ns = await timed(evaluation, chunk, length);
      warmupEvals += chunk;
      warmupNs += ns;
      chunkNsPerEval.push(ns / chunk);
    }
    const estimate = median(chunkNsPerEval.slice(chunkNsPerEval.length >> 1));
    const affordable = Math.floor(ROUND_BUDGET_NS / estimate / 10_000) * 10_000;
    const evalsPerRound = Math.max(MIN_EVALS_PER_ROUND, Math.min(EVALS_PER_ROUND, affordable));

    const roundsNsPerEval: number[] = [];
    const gcs: number[] = [];
    const heapDeltas: number[] = [];
    const retained: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      collect();
      const before = heapUsed();
      const from = performance.now();
      const ns = await timed(evaluation, evalsPerRound, length);
      const to = performance.now();
      heapDeltas.push(heapUsed() - before);
      collect();
      retained.push(heapUsed() - before);
      roundsNsPerEval.push(ns / evalsPerRound);
      await flushObservers();
      gcs.push(gcLog.countBetween(from, to));
    }
    const nsPerEval = median(roundsNsPerEval);

    const { bytesPerEval, ...allocation } = await measureAllocation(evaluation, length, gcLog);
    if (sink === -1) console.log('unreachable'); // keeps the results observable to the optimiser
    return {
      mode: evaluation.mode,
      shareTrue: trues / length,
      servedTrue: bits,
      evalsPerRound,
      warmupEvals,
      roundsNsPerEval,
      nsPerEval,
      evalsPerSecond: 1e9 / nsPerEval,
      bytesPerEval,
      allocation,
      gcsPerRound: median(gcs),
      heapDeltaPerRound: median(heapDeltas),
      retainedPerRound: median(retained),
    };
  } finally {
    gcLog.close();
  }
}

/** Interleaved rounds: how many, and how long each engine's slot in a round is meant to take. */
export const INTERLEAVED_ROUNDS = 60;
const INTERLEAVED_SLOT_NS = 15e6;

export interface InterleavedMeasurement {
  readonly evalsPerRound: number;
  /** Evaluations each engine ran before the timed rounds. */
  readonly warmupEvals: number;
  /** `nsPerEval[e][r]`: engine e's ns/eval in round r, wall time. */
  readonly nsPerEval: readonly (readonly number[])[];
  /**
   * The same in CPU time (the process's user + system time, `process.cpuUsage`): the time another
   * process holds the CPU is not in it, so on a shared machine it is the steadier of the two.
   */
  readonly cpuNsPerEval: readonly (readonly number[])[];
  /** `servedTrue[e]`: engine e's value for each context (`'1'`/`'0'`), as in {@link Measurement}. */
  readonly servedTrue: readonly string[];
}

/**
 * Several synchronous engines measured in one process, round after round: in every round each engine runs
 * the same evaluations over the same contexts once, the order rotating from round to round (ABC, BCA,
 * CAB…), each slot after a full GC. What slows the machine for a while — another process, a frequency
 * change — then weighs on every engine of the round alike, so the ratio of two engines within a round is
 * steady even when their absolute figures are not; and no engine always runs first or always after a
 * given other. Each slot is timed both in wall and in CPU time. Every slot must count the same number
 * of `true` results (each starts at context 0 and covers the contexts a whole number of times): that
 * keeps the results observable, so the JIT cannot drop an evaluation, and checks that the engines agree.
 */
export async function measureInterleaved(
  evaluations: readonly SyncEvaluate[],
  length: number,
): Promise<InterleavedMeasurement> {
  const servedTrueBits: string[] = [];
  for (const evaluate of evaluations)
    servedTrueBits.push(await servedTrue({ mode: 'sync', evaluate }, length));

  // Warm up in alternating chunks until every engine has had WARMUP_NS; the slowest engine's later chunks
  // size the rounds.
  const chunk = 20_000;
  const chunkNs: number[][] = evaluations.map(() => []);
  let warmupEvals = 0;
  let warmupNs = 0;
  while (warmupNs < WARMUP_NS * evaluations.length && warmupEvals < WARMUP_MAX_EVALS) {
    for (const [e, evaluate] of evaluations.entries()) {
      const ns = await timed({ mode: 'sync', evaluate }, chunk, length);
      warmupNs += ns;
      chunkNs[e]!.push(ns / chunk);
    }
    warmupEvals += chunk;
  }
  const slowest = Math.max(...chunkNs.map((ns) => median(ns.slice(ns.length >> 1))));
  const evalsPerRound = Math.max(length, Math.floor(INTERLEAVED_SLOT_NS / slowest / length) * length);

  const nsPerEval: number[][] = evaluations.map(() => []);
  const cpuNsPerEval: number[][] = evaluations.map(() => []);
  for (let round = 0; round < INTERLEAVED_ROUNDS; round++) {
    let expectedTrues: number | undefined;
    for (let slot = 0; slot < evaluations.length; slot++) {
      const e = (round + slot) % evaluations.length;
      collect();
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      const trues = runSync(evaluations[e]!, evalsPerRound, length);
      const ns = Number(process.hrtime.bigint() - start);
      const used = process.cpuUsage(cpu);
      cpuNsPerEval[e]!.push(((used.user + used.system) * 1000) / evalsPerRound);
      expectedTrues ??= trues;
      if (trues !== expectedTrues) {
        throw new Error(
          `round ${round}: engine ${e} served true ${trues} times, another ${expectedTrues} times`,
        );
      }
      nsPerEval[e]!.push(ns / evalsPerRound);
    }
    sink += expectedTrues ?? 0;
  }
  if (sink === -1) console.log('unreachable'); // keeps the results observable to the optimiser
  return { evalsPerRound, warmupEvals, nsPerEval, cpuNsPerEval, servedTrue: servedTrueBits };
}
