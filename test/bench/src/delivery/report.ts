/** Small formatting and statistics helpers shared by the delivery benchmark's measurements. */
import { cpus, loadavg, totalmem } from 'node:os';

/** One measurement's printed lines, and its PASS/FAIL lines (printed together at the end). */
export interface Section {
  readonly lines: string[];
  readonly verdicts: string[];
}

/** Nearest-rank percentile (q in 0..1) of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function count(value: number): string {
  return Number.isFinite(value) ? int.format(value) : 'n/a';
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A text table; the first `leftColumns` columns are left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `PASS  what: detail` or `FAIL  what: detail`. */
export function verdict(pass: boolean, what: string, detail: string): string {
  return `${pass ? 'PASS' : 'FAIL'}  ${what}: ${detail}`;
}

export function machineLine(loadAtStart: number): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  return (
    `Node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} × ${model}, ` +
    `${fixed(totalmem() / 2 ** 30)} GiB, load average ${fixed(loadAtStart, 2)} at start → ` +
    `${fixed(loadavg()[0]!, 2)} at end`
  );
}
