/**
 * The test-vector file format (test-vectors/README.md) and a deterministic pretty-printer for it.
 */
import type { ErrorCode, JsonValue, Reason, Snapshot } from '../../src/index.js';

export const SPEC_VERSION = 1;

/** What one evaluation must return. Absent fields stand for `undefined` (JSON has no `undefined`). */
export interface ExpectedResult {
  value?: JsonValue;
  variant?: string;
  reason: Reason;
  ruleId?: string;
  errorCode?: ErrorCode;
}

/** The rollout input of a SPLIT case: `input` is `salt + ":" + value`, `value` its bucket (0 … 99999). */
export interface BucketRecord {
  input: string;
  value: number;
}

export interface VectorCase {
  name?: string;
  flag: string;
  /** Any JSON value: a non-object context (null, an array, a string, a number) is written as it is. */
  context: unknown;
  expected: ExpectedResult;
  bucket?: BucketRecord;
}

export interface VectorSuite {
  name: string;
  description: string;
  snapshot: Snapshot;
  cases: VectorCase[];
}

export interface VectorFile {
  specVersion: number;
  bucketingVersion: number;
  name: string;
  description: string;
  suites: VectorSuite[];
}

/**
 * A number written verbatim into the JSON text (`9007199254740993`, `42.0`, `1e3`, `-0`): it pins how an
 * SDK parses JSON numbers (as IEEE-754 doubles). In memory, before the round trip through JSON text, it
 * is only a marker; every evaluation in the generator happens on the parsed text.
 */
export class RawNumber {
  constructor(readonly text: string) {
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Error(`not a JSON number: ${text}`);
  }
}

export const raw = (text: string): RawNumber => new RawNumber(text);

const WIDTH = 110;

/**
 * JSON text with a 2-space indent, keys in insertion order; an array or object is kept on one line when
 * that line fits in {@link WIDTH} columns. Deterministic for a given input.
 */
export function toJsonText(value: unknown): string {
  return `${render(value, '', 0)}\n`;
}

function render(value: unknown, indent: string, used: number): string {
  const inline = renderInline(value);
  if (!isContainer(value) || indent.length + used + inline.length <= WIDTH) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + render(item, inner, 0)).join(',\n')}\n${indent}]`;
  }
  const entries = definedEntries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => {
    const prefix = `${JSON.stringify(key)}: `;
    return inner + prefix + render(item, inner, prefix.length);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

function renderInline(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[${value.map((item) => renderInline(item)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = definedEntries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${renderInline(item)}`).join(', ')} }`;
  }
  throw new Error(`cannot write a ${typeof value} as JSON`);
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !(value instanceof RawNumber);
}

function definedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, item]) => item !== undefined);
}
