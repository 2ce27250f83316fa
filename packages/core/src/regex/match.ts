/**
 * Thompson-NFA simulation ("Pike VM" without captures) of a compiled {@link Program}.
 *
 * The matcher keeps the *set* of NFA states alive at the current input position and advances them all
 * together, one code point at a time. Each state enters the set at most once per position, so the work
 * is O(program size) per code point and O(program size × input length) overall, whatever the pattern:
 * there is no backtracking to blow up. Only "is there a match?" is answered, so a thread reaching MATCH
 * ends the search at once.
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
const AT_START = 1;
const AT_END = 2;
const AT_WORD_BOUNDARY = 4;

/** Marks are Int32; restart the generations (with one clear) long before they could overflow. */
const MAX_GENERATION = 0x7fff_fff0;

/** ASCII `[0-9A-Z_a-z]`: `\b`'s notion of a word character without the `i` flag. */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** The code point at `pos` (a surrogate pair is one code point, a lone surrogate is itself). */
function codePointAt(input: string, pos: number, length: number): number {
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
    this.maxInputLength = maxInputLength;
    this.current = new Int32Array(program.size);
    this.next = new Int32Array(program.size);
    this.marks = new Int32Array(program.size);
    this.stack = new Int32Array(program.size);
  }

  test(input: string): boolean {
    const length = input.length;
    if (length > this.maxInputLength) return false;
    // Everything the loop touches lives in locals: V8 then keeps it in registers.
    const { ops, arg1, arg2, asciiBits, setRangeStart, setRanges, marks, stack, anchoredStart } = this;
    let current = this.current;
    let next = this.next;
    let count = 0;
    let generation = this.nextGeneration();

    // The closure at position 0: seed the stack with the start state.
    let pos = 0;
    let c = length > 0 ? codePointAt(input, 0, length) : -1;
    let context = AT_START | (length === 0 ? AT_END : 0) | (isWordChar(c) ? AT_WORD_BOUNDARY : 0);
    marks[0] = generation;
    stack[0] = 0;
    let top = 1;

    for (;;) {
      // Epsilon closure: follow jumps, splits and assertions (in `context`) from every pc on the stack;
      // collect the consuming states into `next`. Each pc is pushed at most once per generation.
      while (top > 0) {
        const pc = stack[--top]!;
        let target = -1;
        switch (ops[pc]) {
          case OP_MATCH:
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

      if (pos >= length || (count === 0 && anchoredStart)) return false;
      const swap = current;
      current = next;
      next = swap;
      const alive = count;
      count = 0;

      // Step over code point `c`: the threads that accept it seed the closure at the next position.
      const nextPos = pos + (c > 0xffff ? 2 : 1);
      const after = nextPos < length ? codePointAt(input, nextPos, length) : -1;
      context = (after === -1 ? AT_END : 0) | (isWordChar(c) !== isWordChar(after) ? AT_WORD_BOUNDARY : 0);
      generation = this.nextGeneration();
      for (let i = 0; i < alive; i++) {
        const pc = current[i]!;
        let accepts: boolean;
        if (ops[pc] === OP_CHAR) {
          accepts = arg1[pc] === c;
        } else if (c < 128) {
          accepts = ((asciiBits[(arg1[pc]! << 2) | (c >>> 5)]! >>> (c & 31)) & 1) !== 0;
        } else {
          accepts = inRanges(setRanges, setRangeStart[arg1[pc]!]!, setRangeStart[arg1[pc]! + 1]!, c);
        }
        if (accepts && marks[pc + 1] !== generation) {
          marks[pc + 1] = generation;
          stack[top++] = pc + 1;
        }
      }
      // Unanchored search: a match may also start at the next position.
      if (!anchoredStart && marks[0] !== generation) {
        marks[0] = generation;
        stack[top++] = 0;
      }
      pos = nextPos;
      c = after;
    }
  }

  /** A fresh generation: every mark from earlier positions (and calls) becomes stale at once. */
  private nextGeneration(): number {
    if (++this.generation > MAX_GENERATION) {
      this.marks.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}

/** Is `c` in the normalized ranges `ranges[from .. to)`? Binary search over the pairs. */
function inRanges(ranges: Int32Array, from: number, to: number, c: number): boolean {
  let lo = from >> 1;
  let hi = (to >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid << 1]! > c) hi = mid - 1;
    else if (ranges[(mid << 1) + 1]! < c) lo = mid + 1;
    else return true;
  }
  return false;
}
