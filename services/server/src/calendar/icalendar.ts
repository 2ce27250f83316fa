/** An iCalendar (RFC 5545) writer for the release calendar feed: just enough of the format for VEVENTs. */

export interface CalendarEvent {
  uid: string;
  start: Date;
  /** Without an end the event is an instant (RFC 5545 §3.6.1: it ends when it starts). */
  end?: Date;
  summary: string;
  description?: string;
  categories?: string[];
  url?: string;
  lastModified?: Date;
}

const PRODUCT_ID = '-//Unveil//Release calendar//EN';
const CRLF = '\r\n';
/** RFC 5545 §3.1: content lines are at most 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;

/** RFC 5545 §3.3.11: TEXT escapes backslash, semicolon, comma and line breaks. */
function escapeText(text: string): string {
  return (
    text
      .replace(/[\\;,]/g, (special) => `\\${special}`)
      .replace(/\r\n?|\n/g, '\\n')
      // Other control characters are not allowed in a content line at all (§3.1); tab is.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  );
}

/** UTC date-time form (§3.3.5, FORM #2): 20240603T070000Z. */
function formatDateTime(date: Date, property: string): string {
  const year = date.getUTCFullYear();
  // NaN (an invalid Date) fails this too; toISOString would write other years with a sign and six digits.
  if (!(year >= 0 && year <= 9999)) throw new RangeError(`${property} is not a date in years 0000-9999`);
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A URI is not TEXT and has no escapes, so a control character in it could forge properties. */
function checkUri(uri: string, uid: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  if (/[\u0000-\u001f\u007f]/.test(uri)) {
    throw new RangeError(`event "${uid}": url contains a control character`);
  }
  return uri;
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  // Lone surrogates included: they are encoded as U+FFFD, three octets.
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** §3.1 folding: a line break plus one space (which counts) wherever the next character would not fit. */
function fold(line: string): string {
  const pieces: string[] = [];
  let octets = 0;
  // Iterating by code point never splits a UTF-8 sequence (nor a surrogate pair).
  for (const character of line) {
    const size = utf8Length(character.codePointAt(0)!);
    if (octets + size > MAX_LINE_OCTETS) {
      pieces.push(`${CRLF} `);
      octets = 1;
    }
    pieces.push(character);
    octets += size;
  }
  return pieces.join('');
}

function eventLines(event: CalendarEvent, stamp: string): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${stamp}`,
    `DTSTART:${formatDateTime(event.start, `event "${event.uid}" start`)}`,
  ];
  if (event.end !== undefined) lines.push(`DTEND:${formatDateTime(event.end, `event "${event.uid}" end`)}`);
  lines.push(`SUMMARY:${escapeText(event.summary)}`);
  if (event.description !== undefined) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.categories !== undefined && event.categories.length > 0) {
    lines.push(`CATEGORIES:${event.categories.map(escapeText).join(',')}`);
  }
  if (event.url !== undefined) lines.push(`URL:${checkUri(event.url, event.uid)}`);
  if (event.lastModified !== undefined) {
    lines.push(`LAST-MODIFIED:${formatDateTime(event.lastModified, `event "${event.uid}" lastModified`)}`);
  }
  lines.push('END:VEVENT');
  return lines;
}

/**
 * A VCALENDAR with one VEVENT per event: CRLF line endings, lines folded at 75 octets (UTF-8 aware, never
 * splitting a multi-byte character), TEXT values escaped (backslash, ; , newline), UTC times
 * (YYYYMMDDTHHMMSSZ), DTSTAMP, PRODID "-//Unveil//Release calendar//EN", VERSION 2.0, X-WR-CALNAME from
 * `name`. Throws RangeError for a date outside years 0000–9999 or a URL with a control character.
 */
export function toICalendar(name: string, events: readonly CalendarEvent[], now: Date): string {
  const stamp = formatDateTime(now, 'now');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODUCT_ID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    ...events.flatMap((event) => eventLines(event, stamp)),
    'END:VCALENDAR',
  ];
  return lines.map((line) => fold(line) + CRLF).join('');
}
