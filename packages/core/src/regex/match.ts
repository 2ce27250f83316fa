/**
 * Thompson-NFA simulation ("Pike VM" without captures) of a compiled {@link Program}.
 *
 * The matcher keeps the *set* of NFA states alive at the current input position and advances them all
 * together, one code point at a time. Each state enters the set at most once per position, so the work
 * is O(program size) per code point and O(program size × input length) overall, whatever the pattern:
 * there is no backtracking to blow up. Only "is there a match?" is answered, so a thread reaching MATCH
 * ends the search at once. When no thread is alive, an unanchored search skips ahead to the next code
 * point that can begin a match (the program's first set).
 *
 * This is the engine for patterns whose DFA (dfa.ts) would exceed its budget; it is also the reference
 * the DFA is tested against.
 *
 * `test()` allocates nothing: the state lists, the closure stack and the visited marks are typed arrays
 * sized to the program at construction, and marks are invalidated by bumping a generation number
 * instead of clearing. Calls must not interleave, which holds because `test()` is synchronous and calls
 * out to nothing.
 */

import type { Program } from './compile.js';
import * as op from './compile.js';

// Opcodes copied into module-local constants: some loaders (CommonJS output, tsx) turn imported
// bindings into getter calls, which would otherwise run on every instruction in the loop below.
const OP_CHAR = op.OP_CHAR;
const OP_SPLIT = op.OP_SPLIT;
const OP_JUMP = op.OP_JUMP;
const OP_ASSERT_START = op.OP_ASSERT_START;
const OP_ASSERT_END = op.OP_ASSERT_END;
const OP_ASSERT_WORD_BOUNDARY = op.OP_ASSERT_WORD_BOUNDARY;
const OP_ASSERT_NOT_WORD_BOUNDARY = op.OP_ASSERT_NOT_WORD_BOUNDARY;
const OP_MATCH = op.OP_MATCH;

// Facts about the current position that the assertions need, packed into one small integer.
export const AT_START = 1;
export const AT_END = 2;
export const AT_WORD_BOUNDARY = 4;

/** Marks are Int32; restart the generations (with one clear) long before they could overflow. */
const MAX_GENERATION = 0x7fff_fff0;

/** ASCII `[0-9A-Z_a-z]`: `\b`'s notion of a word character without the `i` flag. */
export function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** The code point at `pos` (a surrogate pair is one code point, a lone surrogate is itself). */
export function codePointAt(input: string, pos: number, length: number): number {
  const unit = input.charCodeAt(pos);
  if (unit >= 0xd800 && unit <= 0xdbff && pos + 1 < length) {
    const low = input.charCodeAt(pos + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return unit;
}

export class NfaMatcher {
  private readonly ops: Uint8Array;
  private readonly arg1: Int32Array;
  private readonly arg2: Int32Array;
  private readonly asciiBits: Uint32Array;
  private readonly setRangeStart: Int32Array;
  private readonly setRanges: Int32Array;
  private readonly anchoredStart: boolean;
  private readonly firstSet: number;
  private readonly usesWordBoundary: boolean;
  private readonly maxInputLength: number;

  /** Scratch lists of the consuming states (CHAR / SET pcs) alive at the current and next position. */
  private readonly current: Int32Array;
  private readonly next: Int32Array;
  /** `marks[pc] === generation` iff pc has already been added at the position being built. */
  private readonly marks: Int32Array;
  private generation = 0;
  /** Pending pcs of the epsilon closure; each pc is pushed at most once per generation. */
  private readonly stack: Int32Array;

  constructor(program: Program, maxInputLength: number) {
    this.ops = program.ops;
    this.arg1 = program.arg1;
    this.arg2 = program.arg2;
    this.asciiBits = program.asciiBits;
    this.setRangeStart = program.setRangeStart;
    this.setRanges = program.setRanges;
    this.anchoredStart = program.anchoredStart;
    this.firstSet = program.firstSet;
    this.usesWordBoundary = program.usesWordBoundary;
    this.maxInputLength = maxInputLength;
    this.current = new Int32Array(program.size);
    this.next = new Int32Array(program.size);
    this.marks = new Int32Array(program.size);
    this.stack = new Int32Array(program.size);
  }

  test(input: string): boolean {
    const length = input.length;
    if (length > this.maxInputLength) return false;
    // Everything the loop touches lives in locals, where V8 can keep it in registers.
    const { ops, arg1, arg2, asciiBits, setRangeStart, setRanges, marks, stack } = this;
    const { anchoredStart, firstSet, usesWordBoundary } = this;
    let current = this.current;
    let next = this.next;
    let count = 0;
    let generation = this.nextGeneration();

    // Seed the closure at position 0 with the start state, if the first code point can begin a match.
    let pos = 0;
    let c = length > 0 ? codePointAt(input, 0, length) : -1;
    let context = AT_START | (length === 0 ? AT_END : 0);
    if (usesWordBoundary && isWordChar(c)) context |= AT_WORD_BOUNDARY;
    let top = 0;
    if (firstSet === -1 || (c !== -1 && inSet(asciiBits, setRangeStart, setRanges, firstSet, c))) {
      marks[0] = generation;
      stack[top++] = 0;
    }

    for (;;) {
      // Epsilon closure: follow jumps, splits and the assertions that hold in `context` from every pc on
      // the stack, collecting the consuming states into `next`.
      while (top > 0) {
        const pc = stack[--top]!;
        let target = -1;
        switch (ops[pc]) {
          case OP_MATCH:
            this.generation = generation;
            return true;
          case OP_JUMP:
            target = arg1[pc]!;
            break;
          case OP_SPLIT: {
            const second = arg2[pc]!;
            if (marks[second] !== generation) {
              marks[second] = generation;
              stack[top++] = second;
            }
            target = arg1[pc]!;
            break;
          }
          case OP_ASSERT_START:
            if ((context & AT_START) !== 0) target = pc + 1;
            break;
          case OP_ASSERT_END:
            if ((context & AT_END) !== 0) target = pc + 1;
            break;
          case OP_ASSERT_WORD_BOUNDARY:
            if ((context & AT_WORD_BOUNDARY) !== 0) target = pc + 1;
            break;
          case OP_ASSERT_NOT_WORD_BOUNDARY:
            if ((context & AT_WORD_BOUNDARY) === 0) target = pc + 1;
            break;
          default:
            next[count++] = pc; // CHAR or SET: waits for the next code point
        }
        if (target !== -1 && marks[target] !== generation) {
          marks[target] = generation;
          stack[top++] = target;
        }
      }

      if (pos >= length || (count === 0 && anchoredStart)) break;
      const swap = current;
      current = next;
      next = swap;
      const alive = count;
      count = 0;
      let nextPos = pos + (c > 0xffff ? 2 : 1);

      if (alive === 0 && firstSet !== -1) {
        // No thread is alive, so only a new start can match: skip to the next code point that can begin
        // a match. A start elsewhere yields no thread that survives its first code point, and cannot
        // match without consuming one (that is what firstSet !== -1 means).
        let prev = c;
        for (;;) {
          if (nextPos >= length) {
            this.generation = generation;
            return false;
          }
          c = codePointAt(input, nextPos, length);
          if (inSet(asciiBits, setRangeStart, setRanges, firstSet, c)) break;
          prev = c;
          nextPos += c > 0xffff ? 2 : 1;
        }
        pos = nextPos;
        context = usesWordBoundary && isWordChar(prev) !== isWordChar(c) ? AT_WORD_BOUNDARY : 0;
        if (++generation > MAX_GENERATION) generation = this.resetMarks();
        marks[0] = generation;
        stack[top++] = 0;
        continue;
      }

      // Step over code point `c`: the threads that accept it seed the closure at the next position.
      const after = nextPos < length ? codePointAt(input, nextPos, length) : -1;
      context = after === -1 ? AT_END : 0;
      if (usesWordBoundary && isWordChar(c) !== isWordChar(after)) context |= AT_WORD_BOUNDARY;
      if (++generation > MAX_GENERATION) generation = this.resetMarks();
      for (let i = 0; i < alive; i++) {
        const pc = current[i]!;
        const accepts =
          ops[pc] === OP_CHAR ? arg1[pc] === c : inSet(asciiBits, setRangeStart, setRanges, arg1[pc]!, c);
        if (accepts && marks[pc + 1] !== generation) {
          marks[pc + 1] = generation;
          stack[top++] = pc + 1;
        }
      }
      // Unanchored search: a match may also start at the next position, if its code point can begin one.
      if (
        !anchoredStart &&
        marks[0] !== generation &&
        (firstSet === -1 || (after !== -1 && inSet(asciiBits, setRangeStart, setRanges, firstSet, after)))
      ) {
        marks[0] = generation;
        stack[top++] = 0;
      }
      pos = nextPos;
      c = after;
    }
    this.generation = generation;
    return false;
  }

  private nextGeneration(): number {
    return ++this.generation > MAX_GENERATION ? this.resetMarks() : this.generation;
  }

  /** Generations are about to overflow: clear the marks once and start again from 1. */
  private resetMarks(): number {
    this.marks.fill(0);
    this.generation = 1;
    return 1;
  }
}

/** Is code point `c` in set `set`? A bitmap test for ASCII, else a binary search over the ranges. */
export function inSet(
  asciiBits: Uint32Array,
  setRangeStart: Int32Array,
  setRanges: Int32Array,
  set: number,
  c: number,
): boolean {
  if (c < 128) return ((asciiBits[(set << 2) | (c >>> 5)]! >>> (c & 31)) & 1) !== 0;
  let lo = setRangeStart[set]! >> 1;
  let hi = (setRangeStart[set + 1]! >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (setRanges[mid << 1]! > c) hi = mid - 1;
    else if (setRanges[(mid << 1) + 1]! < c) lo = mid + 1;
    else return true;
  }
  return false;
}
