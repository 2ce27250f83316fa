/**
 * Timestamps for the `before` / `after` operators: a finite number is epoch milliseconds; a string must
 * be an RFC 3339 date-time (`2026-11-22T10:00:00Z`, `2026-11-22T10:00:00.5+01:00`; upper-case T and Z)
 * or a calendar date (`2026-11-22`, midnight UTC). Parsed by hand, field by field, because `Date.parse`
 * accepts different strings on different engines (V8 turns `2026-02-30` into March 2) and because a
 * hand parser allocates nothing.
 */
export function toEpochMillis(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  return parseRfc3339(value);
}

function parseRfc3339(text: string): number | undefined {
  const n = text.length;
  if (n < 10 || n > 40 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (n === 10) return utc(year, month, day, 0, 0, 0, 0);

  if (n < 20 || text.charCodeAt(10) !== 0x54 /* T */) return undefined;
  if (text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;

  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === 0x2e /* . */) {
    const start = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    const count = i - start;
    if (count === 0 || count > 9) return undefined;
    // Milliseconds are the first three fraction digits; finer digits are dropped, never rounded up.
    millis = digits(text, start, Math.min(count, 3)) * 10 ** (3 - Math.min(count, 3));
  }

  let offsetMinutes = 0;
  const zone = text.charCodeAt(i);
  if (zone === 0x5a /* Z */) {
    if (i + 1 !== n) return undefined;
  } else if (zone === 0x2b || zone === 0x2d) {
    if (i + 6 !== n || text.charCodeAt(i + 3) !== 0x3a) return undefined;
    const offsetHours = digits(text, i + 1, 2);
    const offsetMins = digits(text, i + 4, 2);
    if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return undefined;
    offsetMinutes = (zone === 0x2b ? 1 : -1) * (offsetHours * 60 + offsetMins);
  } else {
    return undefined;
  }
  return utc(year, month, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** 400 Gregorian years are exactly 146097 days. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/** Date.UTC reads years 0–99 as 1900–1999; shift such years by 400 to keep them literal. */
function utc(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, h, m, s, ms);
  return Date.UTC(year + 400, month - 1, day, h, m, s, ms) - FOUR_CENTURIES_MS;
}

/** The decimal number in text[start, start+count), or -1 if any of those characters is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
