/**
 * Linear-time regular expressions for the flag evaluator's `matches` operator.
 *
 * `compileRegex` accepts a documented subset of JavaScript `u`-mode syntax (docs/regex.md) and compiles
 * it to a Thompson NFA, and from that to a DFA when a small one exists. `test` runs the DFA, or else
 * simulates the NFA, in O(pattern × input) time with no backtracking and no allocation, so no
 * pattern/input pair can cause catastrophic backtracking (ReDoS). Literal patterns use string search.
 * Semantics equal `new RegExp(pattern, 'u').test(input)` for every accepted pattern: unanchored search,
 * `^`/`$` anchor the whole input (no multiline), no flags (in particular no case-insensitivity).
 */
import { compileProgram } from './compile.js';
import { buildDfa, DfaMatcher } from './dfa.js';
import { literalMatcher } from './literal.js';
import { NfaMatcher } from './match.js';
import { parsePattern } from './parse.js';

export interface SafeRegex {
  test(input: string): boolean;
}

export type RegexCompileResult = { ok: true; regex: SafeRegex } | { ok: false; error: string };

/** Longest pattern accepted, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 1024;
/** Inputs longer than this (in UTF-16 code units) never match: the scan is linear, this bounds its cost. */
export const MAX_INPUT_LENGTH = 4096;

/** Compiles `pattern`; never throws — unsupported or invalid patterns give `{ ok: false, error }`. */
export function compileRegex(pattern: string): RegexCompileResult {
  // Patterns come from flag configuration, which is untyped JSON at the edges.
  if (typeof pattern !== 'string') return { ok: false, error: 'pattern must be a string' };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return {
      ok: false,
      error: `pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`,
    };
  }
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return parsed;
  const literal = literalMatcher(parsed.node, MAX_INPUT_LENGTH);
  if (literal !== undefined) return { ok: true, regex: literal };
  const compiled = compileProgram(parsed.node);
  if (!compiled.ok) return compiled;
  // A small DFA when one exists (one table lookup per code point), else the NFA simulation.
  const dfa = buildDfa(compiled.program);
  if (dfa !== undefined) return { ok: true, regex: new DfaMatcher(dfa, MAX_INPUT_LENGTH) };
  return { ok: true, regex: new NfaMatcher(compiled.program, MAX_INPUT_LENGTH) };
}
