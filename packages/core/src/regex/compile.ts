/**
 * AST → Thompson NFA program, stored as parallel typed arrays so the matcher reads flat memory.
 *
 * Instructions (pc = index):
 * - CHAR cp / SET s: consume one code point if it equals `cp` / is in set `s`, then continue at pc + 1.
 * - SPLIT x y: continue at both x and y. JUMP x: continue at x.
 * - ASSERT_*: continue at pc + 1 if the assertion holds at the current position.
 * - MATCH: the pattern matched.
 *
 * Counted repetition is expanded into copies, so the program size is what bounds the matcher's work
 * per input character; it is computed up front and capped at {@link MAX_PROGRAM_SIZE}.
 */
import { normalizeRanges, type Ranges } from './char-set.js';
import type { Assertion, RegexNode } from './parse.js';

/** Largest program (in instructions ≈ NFA states) a pattern may expand to. */
/**
 * At most this many NFA states. With inputs capped at 4,096 code units, the worst case of one test()
 * (a pattern whose DFA is too large, run by NFA simulation) stays near 30 ms on these machines; a larger
 * cap would let one condition stall an evaluation for longer than a user should ever wait.
 */
export const MAX_PROGRAM_SIZE = 1_000;

export const OP_CHAR = 0;
export const OP_SET = 1;
export const OP_SPLIT = 2;
export const OP_JUMP = 3;
export const OP_ASSERT_START = 4;
export const OP_ASSERT_END = 5;
export const OP_ASSERT_WORD_BOUNDARY = 6;
export const OP_ASSERT_NOT_WORD_BOUNDARY = 7;
export const OP_MATCH = 8;

export interface Program {
  /** Instruction count, MATCH included. */
  readonly size: number;
  readonly ops: Uint8Array;
  /** CHAR: the code point; SET: the set index; SPLIT / JUMP: the (first) target. */
  readonly arg1: Int32Array;
  /** SPLIT: the second target. */
  readonly arg2: Int32Array;
  /** Four 32-bit words per set: bit `c` is set iff ASCII code point `c` is in the set. */
  readonly asciiBits: Uint32Array;
  /** Set `s` owns `setRanges[setRangeStart[s] .. setRangeStart[s + 1])` (normalized pairs). */
  readonly setRangeStart: Int32Array;
  readonly setRanges: Int32Array;
  /** Every match must start at position 0, so the matcher can stop as soon as no thread survives. */
  readonly anchoredStart: boolean;
  /**
   * A set holding the first code point of every possible match, or -1 if there is none to use (the
   * pattern is anchored or can match without consuming anything). When no thread is alive, the matcher
   * skips ahead to the next code point in this set instead of restarting the NFA at every position.
   */
  readonly firstSet: number;
  /** Whether `\b` / `\B` occur, i.e. whether the matcher must track word boundaries. */
  readonly usesWordBoundary: boolean;
}

export type ProgramResult = { ok: true; program: Program } | { ok: false; error: string };

const ASSERTION_OPS: Record<Assertion, number> = {
  start: OP_ASSERT_START,
  end: OP_ASSERT_END,
  'word-boundary': OP_ASSERT_WORD_BOUNDARY,
  'not-word-boundary': OP_ASSERT_NOT_WORD_BOUNDARY,
};

export function compileProgram(node: RegexNode): ProgramResult {
  const size = programSize(node) + 1; // + MATCH
  if (size > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      error: `pattern expands to more than ${MAX_PROGRAM_SIZE} NFA states (reduce counted repetitions such as {n,m})`,
    };
  }
  const emitter = new Emitter(size);
  emitter.emit(node);
  emitter.push(OP_MATCH, 0, 0);
  return { ok: true, program: emitter.finish(startsAnchored(node)) };
}

/**
 * Instructions `node` compiles to, matching {@link Emitter.emit} exactly; saturates just above the
 * limit so that nested counts cannot overflow.
 */
function programSize(node: RegexNode): number {
  const limit = MAX_PROGRAM_SIZE + 1;
  switch (node.kind) {
    case 'empty':
      return 0;
    case 'char':
    case 'set':
    case 'assert':
      return 1;
    case 'concat':
    case 'alt': {
      // An alternation adds a SPLIT and a JUMP per extra branch.
      let total = node.kind === 'alt' ? 2 * (node.items.length - 1) : 0;
      for (const item of node.items) total = Math.min(total + programSize(item), limit);
      return total;
    }
    case 'repeat': {
      const item = programSize(node.item);
      if (node.max === Number.POSITIVE_INFINITY) {
        return Math.min(node.min > 0 ? node.min * item + 1 : item + 2, limit);
      }
      return Math.min(node.min * item + (node.max - node.min) * (item + 1), limit);
    }
  }
}

/** True if every path through `node` begins with `^` (conservative: false when unsure). */
function startsAnchored(node: RegexNode): boolean {
  switch (node.kind) {
    case 'assert':
      return node.assertion === 'start';
    case 'concat':
      return startsAnchored(node.items[0]!);
    case 'alt':
      return node.items.every(startsAnchored);
    case 'repeat':
      return node.min > 0 && startsAnchored(node.item);
    default:
      return false;
  }
}

class Emitter {
  private readonly ops: Uint8Array;
  private readonly arg1: Int32Array;
  private readonly arg2: Int32Array;
  private length = 0;
  /** Sets are interned: a counted repetition copies its set instructions, not its tables. */
  private readonly setIndex = new Map<string, number>();
  private readonly sets: Ranges[] = [];

  constructor(size: number) {
    this.ops = new Uint8Array(size);
    this.arg1 = new Int32Array(size);
    this.arg2 = new Int32Array(size);
  }

  push(op: number, arg1: number, arg2: number): number {
    const pc = this.length++;
    this.ops[pc] = op;
    this.arg1[pc] = arg1;
    this.arg2[pc] = arg2;
    return pc;
  }

  emit(node: RegexNode): void {
    switch (node.kind) {
      case 'empty':
        return;
      case 'char':
        this.push(OP_CHAR, node.codePoint, 0);
        return;
      case 'set':
        this.push(OP_SET, this.internSet(node.ranges), 0);
        return;
      case 'assert':
        this.push(ASSERTION_OPS[node.assertion], 0, 0);
        return;
      case 'concat':
        for (const item of node.items) this.emit(item);
        return;
      case 'alt':
        this.emitAlternation(node.items);
        return;
      case 'repeat':
        this.emitRepeat(node.item, node.min, node.max);
        return;
    }
  }

  /** SPLIT b1, next; b1; JUMP end; next: SPLIT b2, next'; b2; JUMP end; ... bk; end: */
  private emitAlternation(items: readonly RegexNode[]): void {
    const jumps: number[] = [];
    for (let i = 0; i < items.length - 1; i++) {
      const split = this.push(OP_SPLIT, this.length + 1, 0);
      this.emit(items[i]!);
      jumps.push(this.push(OP_JUMP, 0, 0));
      this.arg2[split] = this.length;
    }
    this.emit(items[items.length - 1]!);
    for (const jump of jumps) this.arg1[jump] = this.length;
  }

  private emitRepeat(item: RegexNode, min: number, max: number): void {
    if (max === Number.POSITIVE_INFINITY) {
      if (min > 0) {
        // x{n,} = n-1 copies, then one copy that may loop back on itself.
        for (let i = 1; i < min; i++) this.emit(item);
        const loop = this.length;
        this.emit(item);
        this.push(OP_SPLIT, loop, this.length + 1);
      } else {
        // x* = L: SPLIT body, end; body: x; JUMP L; end:
        const split = this.push(OP_SPLIT, this.length + 1, 0);
        this.emit(item);
        this.push(OP_JUMP, split, 0);
        this.arg2[split] = this.length;
      }
      return;
    }
    for (let i = 0; i < min; i++) this.emit(item);
    // The optional copies nest — (x(x(x)?)?)? — so each skip goes straight to the end.
    const splits: number[] = [];
    for (let i = min; i < max; i++) {
      splits.push(this.push(OP_SPLIT, this.length + 1, 0));
      this.emit(item);
    }
    for (const split of splits) this.arg2[split] = this.length;
  }

  private internSet(ranges: Ranges): number {
    const key = ranges.join(',');
    let index = this.setIndex.get(key);
    if (index === undefined) {
      index = this.sets.length;
      this.sets.push(ranges);
      this.setIndex.set(key, index);
    }
    return index;
  }

  finish(anchoredStart: boolean): Program {
    if (this.length !== this.ops.length) throw new Error('regex compiler: program size mismatch');
    const firstSet = anchoredStart ? -1 : this.firstSet();
    let usesWordBoundary = false;
    for (const op of this.ops) {
      if (op === OP_ASSERT_WORD_BOUNDARY || op === OP_ASSERT_NOT_WORD_BOUNDARY) usesWordBoundary = true;
    }
    const setCount = this.sets.length;
    const asciiBits = new Uint32Array(setCount * 4);
    const setRangeStart = new Int32Array(setCount + 1);
    let total = 0;
    for (const ranges of this.sets) total += ranges.length;
    const setRanges = new Int32Array(total);
    let offset = 0;
    this.sets.forEach((ranges, set) => {
      setRangeStart[set] = offset;
      setRanges.set(ranges, offset);
      offset += ranges.length;
      for (let i = 0; i + 1 < ranges.length; i += 2) {
        const hi = Math.min(ranges[i + 1]!, 127);
        for (let c = ranges[i]!; c <= hi; c++) {
          const word = set * 4 + (c >>> 5);
          asciiBits[word] = asciiBits[word]! | (1 << (c & 31));
        }
      }
    });
    setRangeStart[setCount] = offset;
    return {
      size: this.length,
      ops: this.ops,
      arg1: this.arg1,
      arg2: this.arg2,
      asciiBits,
      setRangeStart,
      setRanges,
      anchoredStart,
      firstSet,
      usesWordBoundary,
    };
  }

  /**
   * Interns the union of what the consuming states reachable from pc 0 accept — treating every
   * assertion as passable, which over-approximates and so stays sound as a filter — or returns -1 if
   * MATCH is reachable without consuming (a match can then start anywhere).
   */
  private firstSet(): number {
    const ranges: number[] = [];
    const seen = new Uint8Array(this.length);
    const pending = [0];
    seen[0] = 1;
    const visit = (pc: number): void => {
      if (seen[pc] === 0) {
        seen[pc] = 1;
        pending.push(pc);
      }
    };
    for (let pc = pending.pop(); pc !== undefined; pc = pending.pop()) {
      const arg = this.arg1[pc]!;
      switch (this.ops[pc]) {
        case OP_MATCH:
          return -1;
        case OP_CHAR:
          ranges.push(arg, arg);
          break;
        case OP_SET:
          ranges.push(...this.sets[arg]!);
          break;
        case OP_JUMP:
          visit(arg);
          break;
        case OP_SPLIT:
          visit(arg);
          visit(this.arg2[pc]!);
          break;
        default: // assertions
          visit(pc + 1);
      }
    }
    return this.internSet(normalizeRanges(ranges));
  }
}
