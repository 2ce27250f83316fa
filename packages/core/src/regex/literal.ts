/**
 * Fast path for patterns without metacharacters (optionally anchored with a leading `^` and/or a
 * trailing `$`): native string search, which is linear, allocation-free and faster than any NFA.
 *
 * Sound only because code-unit search agrees with code-point matching here: a literal without lone
 * surrogates can never match half of a surrogate pair in the input, so such patterns are excluded.
 */
import type { RegexNode } from './parse.js';

const CONTAINS = 0;
const PREFIX = 1;
const SUFFIX = 2;
const EXACT = 3;

export class LiteralMatcher {
  constructor(
    private readonly literal: string,
    private readonly mode: number,
    private readonly maxInputLength: number,
  ) {}

  test(input: string): boolean {
    if (input.length > this.maxInputLength) return false;
    switch (this.mode) {
      case PREFIX:
        return input.startsWith(this.literal);
      case SUFFIX:
        return input.endsWith(this.literal);
      case EXACT:
        return input === this.literal;
      default:
        return input.includes(this.literal);
    }
  }
}

/** A matcher for `node` if it is a plain (possibly anchored) literal, else undefined. */
export function literalMatcher(node: RegexNode, maxInputLength: number): LiteralMatcher | undefined {
  const items = node.kind === 'concat' ? node.items : [node];
  let first = 0;
  let end = items.length;
  const anchoredStart = isAssertion(items[0], 'start');
  if (anchoredStart) first++;
  const anchoredEnd = end > first && isAssertion(items[end - 1], 'end');
  if (anchoredEnd) end--;
  let literal = '';
  for (let i = first; i < end; i++) {
    const item = items[i]!;
    if (item.kind === 'empty') continue;
    if (item.kind !== 'char' || (item.codePoint >= 0xd800 && item.codePoint <= 0xdfff)) return undefined;
    literal += String.fromCodePoint(item.codePoint);
  }
  const mode = anchoredStart ? (anchoredEnd ? EXACT : PREFIX) : anchoredEnd ? SUFFIX : CONTAINS;
  return new LiteralMatcher(literal, mode, maxInputLength);
}

function isAssertion(node: RegexNode | undefined, assertion: 'start' | 'end'): boolean {
  return node?.kind === 'assert' && node.assertion === assertion;
}
