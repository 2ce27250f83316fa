/**
 * Pattern → AST for the supported subset of JavaScript `u`-mode regular expression syntax (see
 * docs/regex.md). Everything outside the subset is rejected here with a message naming the position
 * (a 0-based UTF-16 offset into the pattern), so later stages never see an unsupported construct.
 *
 * The AST is deliberately capture-free: groups only group, and lazy quantifiers are parsed as greedy,
 * because the engine answers "is there a match?" and neither affects that answer.
 */
import {
  DIGIT_RANGES,
  DOT_RANGES,
  negateRanges,
  normalizeRanges,
  type Ranges,
  SPACE_RANGES,
  WORD_RANGES,
} from './char-set.js';

export type Assertion = 'start' | 'end' | 'word-boundary' | 'not-word-boundary';

export type RegexNode =
  | { readonly kind: 'empty' }
  | { readonly kind: 'char'; readonly codePoint: number }
  | { readonly kind: 'set'; readonly ranges: Ranges }
  | { readonly kind: 'assert'; readonly assertion: Assertion }
  | { readonly kind: 'concat'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly items: readonly RegexNode[] }
  /** `max` is `Infinity` for `*`, `+` and `{n,}`. */
  | { readonly kind: 'repeat'; readonly item: RegexNode; readonly min: number; readonly max: number };

export type ParseResult = { ok: true; node: RegexNode } | { ok: false; error: string };

/**
 * Counts above this are clamped while parsing: anything that large exceeds the program-size limit
 * anyway, and clamping keeps the arithmetic exact.
 */
const MAX_COUNT = 1_000_000;

const EMPTY: RegexNode = { kind: 'empty' };

// Code points of the syntax characters.
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BANG = 0x21;
const DOLLAR = 0x24;
const LPAREN = 0x28;
const RPAREN = 0x29;
const STAR = 0x2a;
const PLUS = 0x2b;
const COMMA = 0x2c;
const HYPHEN = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const COLON = 0x3a;
const LT = 0x3c;
const EQUALS = 0x3d;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const LBRACE = 0x7b;
const PIPE = 0x7c;
const RBRACE = 0x7d;

/** Characters that `\` may escape to stand for themselves (JS's SyntaxCharacter, `/` and `-`). */
const IDENTITY_ESCAPES = new Set([
  CARET,
  DOLLAR,
  BACKSLASH,
  DOT,
  STAR,
  PLUS,
  QUESTION,
  LPAREN,
  RPAREN,
  LBRACKET,
  RBRACKET,
  LBRACE,
  RBRACE,
  PIPE,
  SLASH,
  HYPHEN,
]);

class PatternError extends Error {
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
  }
}

export function parsePattern(pattern: string): ParseResult {
  try {
    return { ok: true, node: new Parser(pattern).parse() };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, error: error.message };
    throw error;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** `\d \D \w \W \s \S` → their set, or undefined for any other escape letter. */
function classEscapeRanges(c: number): Ranges | undefined {
  if (c < 0) return undefined;
  switch (String.fromCodePoint(c)) {
    case 'd':
      return DIGIT_RANGES;
    case 'D':
      return negateRanges(DIGIT_RANGES);
    case 'w':
      return WORD_RANGES;
    case 'W':
      return negateRanges(WORD_RANGES);
    case 's':
      return SPACE_RANGES;
    case 'S':
      return negateRanges(SPACE_RANGES);
    default:
      return undefined;
  }
}

/** A concatenation, flattened (groups are transparent) and without empty items. */
function concat(items: RegexNode[]): RegexNode {
  if (items.length === 0) return EMPTY;
  return items.length === 1 ? items[0]! : { kind: 'concat', items };
}

/** A set with a single member is a literal character, which keeps literal-only patterns recognizable. */
function setNode(ranges: Ranges): RegexNode {
  if (ranges.length === 2 && ranges[0] === ranges[1]) return { kind: 'char', codePoint: ranges[0]! };
  return { kind: 'set', ranges };
}

class Parser {
  private pos = 0;

  constructor(private readonly pattern: string) {}

  parse(): RegexNode {
    const node = this.parseAlternation();
    // The alternation only stops early at a ')' that no group opened.
    if (this.pos < this.pattern.length) throw new PatternError("unmatched ')'", this.pos);
    return node;
  }

  /** The code point at `pos` (or at `at`) without consuming it; -1 at the end. */
  private peek(at = this.pos): number {
    return at < this.pattern.length ? this.pattern.codePointAt(at)! : -1;
  }

  /** Consumes and returns the code point at `pos`; -1 at the end. */
  private next(): number {
    const c = this.peek();
    if (c !== -1) this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  private parseAlternation(): RegexNode {
    const branches = [this.parseSequence()];
    while (this.peek() === PIPE) {
      this.pos++;
      branches.push(this.parseSequence());
    }
    return branches.length === 1 ? branches[0]! : { kind: 'alt', items: branches };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1 || c === PIPE || c === RPAREN) break;
      const term = this.parseTerm();
      if (term.kind === 'concat') items.push(...term.items);
      else if (term.kind !== 'empty') items.push(term);
    }
    return concat(items);
  }

  private parseTerm(): RegexNode {
    const start = this.pos;
    const atom = this.parseAtom();
    const quantifierStart = this.pos;
    const quantifier = this.parseQuantifier();
    if (quantifier === undefined) return atom;
    // JS `u` mode forbids quantifying a bare assertion (`^*`, `\b+`); a group holding one is fine.
    if (atom.kind === 'assert' && this.pattern.charCodeAt(start) !== LPAREN) {
      throw new PatternError('quantifier after an assertion (nothing to repeat)', quantifierStart);
    }
    const [min, max] = quantifier;
    if (max === 0 || atom.kind === 'empty') return EMPTY;
    if (min === 1 && max === 1) return atom;
    return { kind: 'repeat', item: atom, min, max };
  }

  /** `* + ? {n} {n,} {n,m}`, each optionally followed by `?` (lazy, treated as greedy). */
  private parseQuantifier(): readonly [number, number] | undefined {
    let bounds: readonly [number, number];
    switch (this.peek()) {
      case STAR:
        this.pos++;
        bounds = [0, Number.POSITIVE_INFINITY];
        break;
      case PLUS:
        this.pos++;
        bounds = [1, Number.POSITIVE_INFINITY];
        break;
      case QUESTION:
        this.pos++;
        bounds = [0, 1];
        break;
      case LBRACE:
        bounds = this.parseBraces();
        break;
      default:
        return undefined;
    }
    if (this.peek() === QUESTION) this.pos++;
    return bounds;
  }

  private parseBraces(): readonly [number, number] {
    const start = this.pos;
    this.pos++; // '{'
    const min = this.parseCount();
    let max = min;
    if (this.peek() === COMMA) {
      this.pos++;
      max = isDigit(this.peek()) ? this.parseCount() : Number.POSITIVE_INFINITY;
    }
    if (Number.isNaN(min) || Number.isNaN(max) || this.peek() !== RBRACE) {
      throw new PatternError("incomplete quantifier '{' (use \\{ for a literal brace)", start);
    }
    this.pos++;
    if (max < min) throw new PatternError('numbers out of order in {} quantifier', start);
    return [min, max];
  }

  /** Decimal digits at `pos`, clamped to MAX_COUNT; NaN if there are none. */
  private parseCount(): number {
    if (!isDigit(this.peek())) return Number.NaN;
    let value = 0;
    while (isDigit(this.peek())) {
      value = Math.min(value * 10 + (this.pattern.charCodeAt(this.pos) - 0x30), MAX_COUNT);
      this.pos++;
    }
    return value;
  }

  private parseAtom(): RegexNode {
    const start = this.pos;
    const c = this.next();
    switch (c) {
      case DOT:
        return { kind: 'set', ranges: DOT_RANGES };
      case CARET:
        return { kind: 'assert', assertion: 'start' };
      case DOLLAR:
        return { kind: 'assert', assertion: 'end' };
      case LPAREN:
        return this.parseGroup(start);
      case LBRACKET:
        return this.parseClass(start);
      case BACKSLASH:
        return this.parseEscape(start);
      case STAR:
      case PLUS:
      case QUESTION:
        throw new PatternError(`nothing to repeat before '${String.fromCharCode(c)}'`, start);
      case LBRACE:
        throw new PatternError("unescaped '{' (nothing to repeat; use \\{ for a literal brace)", start);
      case RBRACE:
        throw new PatternError("unescaped '}' (use \\} for a literal brace)", start);
      case RBRACKET:
        throw new PatternError("unescaped ']' (use \\] for a literal bracket)", start);
      default:
        return { kind: 'char', codePoint: c };
    }
  }

  private parseGroup(start: number): RegexNode {
    if (this.peek() === QUESTION) {
      const kind = this.peek(this.pos + 1);
      if (kind === COLON) {
        this.pos += 2;
      } else if (kind === EQUALS || kind === BANG) {
        throw new PatternError('lookahead (?= / (?! is not supported', start);
      } else if (kind === LT && (this.peek(this.pos + 2) === EQUALS || this.peek(this.pos + 2) === BANG)) {
        throw new PatternError('lookbehind (?<= / (?<! is not supported', start);
      } else if (kind === LT) {
        throw new PatternError('named groups (?<name>...) are not supported', start);
      } else {
        throw new PatternError("invalid group: only '(...)' and '(?:...)' are supported", start);
      }
    }
    const inner = this.parseAlternation();
    if (this.peek() !== RPAREN) throw new PatternError("unterminated group: missing ')'", start);
    this.pos++;
    return inner;
  }

  /** An escape outside a character class; `start` is the position of the backslash. */
  private parseEscape(start: number): RegexNode {
    const c = this.next();
    if (c === 0x62 /* b */) return { kind: 'assert', assertion: 'word-boundary' };
    if (c === 0x42 /* B */) return { kind: 'assert', assertion: 'not-word-boundary' };
    const ranges = classEscapeRanges(c);
    if (ranges !== undefined) return setNode(ranges);
    return { kind: 'char', codePoint: this.parseCharacterEscape(c, start) };
  }

  /**
   * The code point of a single-character escape, `c` being the character after the backslash
   * (already consumed). Rejects every escape outside the supported subset.
   */
  private parseCharacterEscape(c: number, start: number): number {
    if (c === -1) throw new PatternError("'\\' at end of pattern", start);
    if (IDENTITY_ESCAPES.has(c)) return c;
    const letter = String.fromCodePoint(c);
    switch (letter) {
      case 't':
        return TAB;
      case 'n':
        return LF;
      case 'r':
        return CR;
      case 'u':
        return this.parseUnicodeEscape(start);
      case 'k':
        throw new PatternError('named backreferences (\\k<name>) are not supported', start);
      case 'p':
      case 'P':
        throw new PatternError(`Unicode property escapes (\\${letter}{...}) are not supported`, start);
      default:
        if (c >= 0x31 && c <= 0x39) {
          throw new PatternError(`backreferences (\\${letter}) are not supported`, start);
        }
        throw new PatternError(`unsupported escape '\\${letter}'`, start);
    }
  }

  /** After `\u`: `XXXX` (a surrogate pair written as two escapes is one code point) or `{X...}`. */
  private parseUnicodeEscape(start: number): number {
    if (this.peek() === LBRACE) {
      this.pos++;
      let value = 0;
      let digits = 0;
      for (let digit = hexValue(this.peek()); digit !== -1; digit = hexValue(this.peek())) {
        value = value * 16 + digit;
        if (value > 0x10ffff) throw new PatternError('\\u{...} escape beyond U+10FFFF', start);
        this.pos++;
        digits++;
      }
      if (digits === 0 || this.peek() !== RBRACE) {
        throw new PatternError('invalid \\u{...} escape: expected hex digits and }', start);
      }
      this.pos++;
      return value;
    }
    const unit = this.readHex4();
    if (unit === -1) throw new PatternError('invalid \\u escape: expected 4 hex digits or {...}', start);
    if (isHighSurrogate(unit) && this.pattern.startsWith('\\u', this.pos)) {
      const save = this.pos;
      this.pos += 2;
      const low = this.readHex4();
      if (low !== -1 && isLowSurrogate(low)) return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      this.pos = save;
    }
    return unit;
  }

  /** Four hex digits at `pos` (consumed), or -1 (nothing consumed). */
  private readHex4(): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const digit = hexValue(this.peek(this.pos + i));
      if (digit === -1) return -1;
      value = value * 16 + digit;
    }
    this.pos += 4;
    return value;
  }

  private parseClass(start: number): RegexNode {
    let negated = false;
    if (this.peek() === CARET) {
      this.pos++;
      negated = true;
    }
    const ranges: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1) throw new PatternError("unterminated character class: missing ']'", start);
      if (c === RBRACKET) {
        this.pos++;
        break;
      }
      const atomStart = this.pos;
      const first = this.parseClassAtom();
      // A '-' right before ']' (or at the end, reported as unterminated next round) is a literal.
      const afterHyphen = this.peek(this.pos + 1);
      if (this.peek() === HYPHEN && afterHyphen !== RBRACKET && afterHyphen !== -1) {
        const hyphen = this.pos;
        this.pos++;
        const last = this.parseClassAtom();
        if (typeof first !== 'number' || typeof last !== 'number') {
          throw new PatternError('a class escape (\\d, \\w, \\s, ...) cannot be a range endpoint', hyphen);
        }
        if (first > last) throw new PatternError('character class range out of order', atomStart);
        ranges.push(first, last);
      } else if (typeof first === 'number') {
        ranges.push(first, first);
      } else {
        ranges.push(...first);
      }
    }
    const normalized = normalizeRanges(ranges);
    return setNode(negated ? negateRanges(normalized) : normalized);
  }

  /** One member of a class: a code point, or the ranges of `\d \D \w \W \s \S`. */
  private parseClassAtom(): number | Ranges {
    const start = this.pos;
    const c = this.next();
    if (c !== BACKSLASH) return c;
    const escaped = this.next();
    const ranges = classEscapeRanges(escaped);
    if (ranges !== undefined) return ranges;
    if (escaped === 0x62 /* b */) {
      throw new PatternError('\\b inside a character class is not supported', start);
    }
    return this.parseCharacterEscape(escaped, start);
  }
}
