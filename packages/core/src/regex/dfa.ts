/**
 * A DFA built eagerly at compile time from the NFA program (subset construction), used when it stays
 * small: matching then costs one table lookup per code point. Patterns whose DFA would exceed the
 * budget below fall back to the NFA simulation (match.ts), which keeps the same O(pattern × input)
 * guarantee at a higher constant. Building it up front, rather than lazily, keeps `test()` free of
 * allocation and its timing independent of what inputs were seen before.
 *
 * A DFA state is what the NFA simulation knows *between* two code points: the pcs whose epsilon closure
 * is still to be taken ("seeds"), whether this is position 0 (for `^`) and whether the previous code
 * point was a word character (for `\b`). The closure is taken in the transition, once the next code
 * point — and so whether `\b` or `$` hold — is known. Code points are grouped into classes that no
 * instruction tells apart, so the table has one column per class rather than per code point.
 */
import { MAX_CODE_POINT, WORD_RANGES } from './char-set.js';
import {
  OP_ASSERT_END,
  OP_ASSERT_NOT_WORD_BOUNDARY,
  OP_ASSERT_START,
  OP_ASSERT_WORD_BOUNDARY,
  OP_CHAR,
  OP_JUMP,
  OP_MATCH,
  OP_SPLIT,
  type Program,
} from './compile.js';
import { AT_END, AT_START, AT_WORD_BOUNDARY, inSet, isWordChar } from './match.js';

/** Transition targets below zero: the pattern has matched / can no longer match. */
const DFA_MATCH = -1;
const DFA_DEAD = -2;

// The budget. A DFA can need exponentially many states (e.g. `(a|b)*a(a|b){20}`); past these limits
// the NFA simulation is used instead. The table limit also bounds the memory per compiled pattern
// (4 bytes per entry: 128 KiB at most).
const MAX_STATES = 1024;
const MAX_TABLE_ENTRIES = 32 * 1024;
/**
 * NFA instructions visited and tested while building; bounds the compile time (to tens of milliseconds
 * at worst). Typical patterns need a few thousand.
 */
const MAX_BUILD_WORK = 100_000;

export interface Dfa {
  readonly classCount: number;
  /** The class of each ASCII code point. */
  readonly asciiClass: Int32Array;
  /** Class `i` holds the code points `classStarts[i] .. classStarts[i + 1] - 1` (the last: to U+10FFFF). */
  readonly classStarts: Int32Array;
  /** `transitions[state * classCount + class]`: the next state, DFA_MATCH or DFA_DEAD. State 0 is initial. */
  readonly transitions: Int32Array;
  /** 1 if the pattern matches when the input ends in this state (`$` and `\b` hold there). */
  readonly acceptAtEnd: Uint8Array;
}

export class DfaMatcher {
  private readonly classCount: number;
  private readonly asciiClass: Int32Array;
  private readonly classStarts: Int32Array;
  private readonly transitions: Int32Array;
  private readonly acceptAtEnd: Uint8Array;

  constructor(
    dfa: Dfa,
    private readonly maxInputLength: number,
  ) {
    this.classCount = dfa.classCount;
    this.asciiClass = dfa.asciiClass;
    this.classStarts = dfa.classStarts;
    this.transitions = dfa.transitions;
    this.acceptAtEnd = dfa.acceptAtEnd;
  }

  test(input: string): boolean {
    const length = input.length;
    if (length > this.maxInputLength) return false;
    const { classCount, asciiClass, classStarts, transitions } = this;
    let state = 0;
    let pos = 0;
    while (pos < length) {
      let c = input.charCodeAt(pos++);
      if (c >= 0xd800 && c <= 0xdbff && pos < length) {
        const low = input.charCodeAt(pos);
        if (low >= 0xdc00 && low <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          pos++;
        }
      }
      const cls = c < 128 ? asciiClass[c]! : classOf(classStarts, c);
      state = transitions[state * classCount + cls]!;
      if (state < 0) return state === DFA_MATCH;
    }
    return this.acceptAtEnd[state] === 1;
  }
}

/** The class of code point `c`: the last class starting at or before it. */
function classOf(classStarts: Int32Array, c: number): number {
  let lo = 0;
  let hi = classStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (classStarts[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The DFA of `program`, or undefined if it exceeds the budget. */
export function buildDfa(program: Program): Dfa | undefined {
  const classStarts = alphabetClasses(program);
  if (classStarts.length > MAX_TABLE_ENTRIES) return undefined;
  return new DfaBuilder(program, classStarts).build();
}

/** Starts of the maximal code point ranges that every CHAR, SET (and `\b`, if used) treats alike. */
function alphabetClasses(program: Program): number[] {
  const starts = new Set([0]);
  const addRange = (lo: number, hi: number): void => {
    starts.add(lo);
    if (hi < MAX_CODE_POINT) starts.add(hi + 1);
  };
  program.ops.forEach((op, pc) => {
    if (op === OP_CHAR) addRange(program.arg1[pc]!, program.arg1[pc]!);
  });
  for (let i = 0; i + 1 < program.setRanges.length; i += 2) {
    addRange(program.setRanges[i]!, program.setRanges[i + 1]!);
  }
  if (program.usesWordBoundary) {
    for (let i = 0; i + 1 < WORD_RANGES.length; i += 2) addRange(WORD_RANGES[i]!, WORD_RANGES[i + 1]!);
  }
  return [...starts].sort((a, b) => a - b);
}

interface State {
  readonly seeds: readonly number[];
  readonly initial: boolean;
  readonly prevWord: boolean;
}

interface Closure {
  readonly match: boolean;
  /** The CHAR / SET pcs reached. */
  readonly consuming: readonly number[];
}

class DfaBuilder {
  private readonly states: State[] = [];
  private readonly stateIndex = new Map<string, number>();
  private readonly marks: Int32Array;
  private generation = 0;
  private work = 0;

  constructor(
    private readonly program: Program,
    private readonly classStarts: readonly number[],
  ) {
    this.marks = new Int32Array(program.size);
  }

  build(): Dfa | undefined {
    const { program, classStarts } = this;
    const classCount = classStarts.length;
    const wordBoundaries = program.usesWordBoundary;
    const transitions: number[] = [];
    const acceptAtEnd: number[] = [];
    this.intern([0], true, false);

    // The state list grows while it is walked: each new state gets its row in turn.
    for (let s = 0; s < this.states.length; s++) {
      if ((s + 1) * classCount > MAX_TABLE_ENTRIES) return undefined;
      const state = this.states[s]!;
      const start = state.initial ? AT_START : 0;
      // The closure depends on the next code point only through its being a word character or not.
      const contextBefore = (nextWord: boolean): number =>
        start | (wordBoundaries && state.prevWord !== nextWord ? AT_WORD_BOUNDARY : 0);
      const beforeNonWord = this.closure(state.seeds, contextBefore(false));
      const beforeWord = wordBoundaries ? this.closure(state.seeds, contextBefore(true)) : beforeNonWord;
      if (beforeWord === undefined || beforeNonWord === undefined) return undefined;

      for (const c of classStarts) {
        const nextWord = isWordChar(c);
        const closure = nextWord ? beforeWord : beforeNonWord;
        if (closure.match) {
          transitions.push(DFA_MATCH);
          continue;
        }
        this.work += closure.consuming.length;
        if (this.work > MAX_BUILD_WORK) return undefined;
        const seeds = new Set<number>();
        for (const pc of closure.consuming) if (this.accepts(pc, c)) seeds.add(pc + 1);
        if (!program.anchoredStart) seeds.add(0);
        if (seeds.size === 0) {
          transitions.push(DFA_DEAD);
          continue;
        }
        const next = this.intern(
          [...seeds].sort((a, b) => a - b),
          false,
          wordBoundaries && nextWord,
        );
        if (next === undefined) return undefined;
        transitions.push(next);
      }

      // At the end of the input `$` holds, and `\b` iff the previous code point was a word character.
      const atEnd = this.closure(state.seeds, start | AT_END | (state.prevWord ? AT_WORD_BOUNDARY : 0));
      if (atEnd === undefined) return undefined;
      acceptAtEnd.push(atEnd.match ? 1 : 0);
    }

    const asciiClass = new Int32Array(128);
    for (let c = 0; c < 128; c++) asciiClass[c] = classOfSorted(classStarts, c);
    return {
      classCount,
      asciiClass,
      classStarts: Int32Array.from(classStarts),
      transitions: Int32Array.from(transitions),
      acceptAtEnd: Uint8Array.from(acceptAtEnd),
    };
  }

  /** The state for these seeds and flags, created if new; undefined past MAX_STATES. */
  private intern(seeds: readonly number[], initial: boolean, prevWord: boolean): number | undefined {
    const key = `${initial ? 'i' : ''}${prevWord ? 'w' : ''}:${seeds.join(',')}`;
    let index = this.stateIndex.get(key);
    if (index === undefined) {
      if (this.states.length >= MAX_STATES) return undefined;
      index = this.states.length;
      this.states.push({ seeds, initial, prevWord });
      this.stateIndex.set(key, index);
    }
    return index;
  }

  private accepts(pc: number, c: number): boolean {
    const { ops, arg1, asciiBits, setRangeStart, setRanges } = this.program;
    return ops[pc] === OP_CHAR ? arg1[pc] === c : inSet(asciiBits, setRangeStart, setRanges, arg1[pc]!, c);
  }

  /** Epsilon closure of `seeds` in `context` (as in match.ts); undefined once the work budget is spent. */
  private closure(seeds: readonly number[], context: number): Closure | undefined {
    const { ops, arg1, arg2 } = this.program;
    const marks = this.marks;
    const generation = ++this.generation;
    const consuming: number[] = [];
    const pending: number[] = [];
    const visit = (pc: number): void => {
      if (marks[pc] !== generation) {
        marks[pc] = generation;
        pending.push(pc);
      }
    };
    seeds.forEach(visit);
    for (let pc = pending.pop(); pc !== undefined; pc = pending.pop()) {
      if (++this.work > MAX_BUILD_WORK) return undefined;
      switch (ops[pc]) {
        case OP_MATCH:
          return { match: true, consuming };
        case OP_JUMP:
          visit(arg1[pc]!);
          break;
        case OP_SPLIT:
          visit(arg1[pc]!);
          visit(arg2[pc]!);
          break;
        case OP_ASSERT_START:
          if ((context & AT_START) !== 0) visit(pc + 1);
          break;
        case OP_ASSERT_END:
          if ((context & AT_END) !== 0) visit(pc + 1);
          break;
        case OP_ASSERT_WORD_BOUNDARY:
          if ((context & AT_WORD_BOUNDARY) !== 0) visit(pc + 1);
          break;
        case OP_ASSERT_NOT_WORD_BOUNDARY:
          if ((context & AT_WORD_BOUNDARY) === 0) visit(pc + 1);
          break;
        default:
          consuming.push(pc);
      }
    }
    return { match: false, consuming };
  }
}

function classOfSorted(classStarts: readonly number[], c: number): number {
  let cls = 0;
  while (cls + 1 < classStarts.length && classStarts[cls + 1]! <= c) cls++;
  return cls;
}
