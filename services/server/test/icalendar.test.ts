import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CalendarEvent, toICalendar } from '../src/calendar/icalendar.js';

const NOW = new Date('2024-06-03T07:00:00.456Z');
const release: CalendarEvent = {
  uid: 'release-checkout-v2-stage-2@unveil',
  start: new Date('2024-06-04T09:00:00Z'),
  end: new Date('2024-06-04T09:30:00Z'),
  summary: 'checkout-v2: stage 2 (25 %)',
};

/** RFC 5545 §3.1 unfolding: a line break followed by one space or tab is removed. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');
/** Content lines after unfolding, without the final empty string after the last CRLF. */
const contentLines = (text: string) => unfold(text).split('\r\n').slice(0, -1);
/** §3.3.11 unescaping, the inverse of what the writer does. */
const unescapeText = (value: string) =>
  value.replace(/\\([\\;,nN])/g, (_, escaped: string) => (escaped.toLowerCase() === 'n' ? '\n' : escaped));

/** A list value (CATEGORIES) split on its unescaped commas, each value unescaped. */
function splitTextList(value: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index++) {
    const character = value[index]!;
    if (character === '\\') {
      current += character + (value[index + 1] ?? '');
      index++;
    } else if (character === ',') {
      values.push(unescapeText(current));
      current = '';
    } else current += character;
  }
  values.push(unescapeText(current));
  return values;
}

type ParsedEvent = Record<string, string>;
/** A tiny reader for what the writer produces: no parameters, one VCALENDAR, flat VEVENTs. */
function parse(text: string): { calendar: Record<string, string>; events: ParsedEvent[] } {
  const calendar: Record<string, string> = {};
  const events: ParsedEvent[] = [];
  let current: ParsedEvent | undefined;
  for (const line of contentLines(text)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT' && current !== undefined) {
      events.push(current);
      current = undefined;
    } else (current ?? calendar)[name] = value;
  }
  return { calendar, events };
}

const octets = (text: string) => Buffer.byteLength(text, 'utf8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** A line holding half a surrogate pair encodes it as U+FFFD, so it does not survive a round trip. */
const isWholeUtf8 = (line: string) => strictUtf8.decode(Buffer.from(line, 'utf8')) === line;
const physicalLines = (text: string) => text.split('\r\n').slice(0, -1);

describe('toICalendar', () => {
  it('writes a calendar with the required properties, CRLF everywhere', () => {
    const text = toICalendar('Unveil releases: production', [release], NOW);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(contentLines(text)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Unveil//Release calendar//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Unveil releases: production',
      'BEGIN:VEVENT',
      'UID:release-checkout-v2-stage-2@unveil',
      'DTSTAMP:20240603T070000Z',
      'DTSTART:20240604T090000Z',
      'DTEND:20240604T093000Z',
      'SUMMARY:checkout-v2: stage 2 (25 %)',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });

  it('writes the optional properties when given, and an empty calendar without events', () => {
    const text = toICalendar(
      'r',
      [
        {
          ...release,
          description: 'Ramp to 25 %',
          categories: ['release', 'production'],
          url: 'https://unveil.example/releases/checkout-v2?tab=plan',
          lastModified: new Date('2024-06-01T12:00:00Z'),
        },
      ],
      NOW,
    );
    const [event] = parse(text).events;
    expect(event).toMatchObject({
      DESCRIPTION: 'Ramp to 25 %',
      CATEGORIES: 'release,production',
      URL: 'https://unveil.example/releases/checkout-v2?tab=plan',
      'LAST-MODIFIED': '20240601T120000Z',
    });
    const { end: _, ...instant } = release;
    expect(parse(toICalendar('r', [instant], NOW)).events[0]).not.toHaveProperty('DTEND');
    expect(parse(toICalendar('r', [], NOW)).events).toEqual([]);
  });

  it('escapes backslash, semicolon, comma and line breaks in TEXT, and each category separately', () => {
    const text = toICalendar(
      'a;b,c\\d',
      [
        {
          ...release,
          summary: 'one\ntwo\r\nthree\rfour',
          categories: ['a,b', 'c;d'],
          description: 'tab\there',
        },
      ],
      NOW,
    );
    const lines = contentLines(text);
    expect(lines).toContain('X-WR-CALNAME:a\\;b\\,c\\\\d');
    expect(lines).toContain('SUMMARY:one\\ntwo\\nthree\\nfour');
    expect(lines).toContain('CATEGORIES:a\\,b,c\\;d');
    expect(lines).toContain('DESCRIPTION:tab\there');
  });

  it('drops control characters, which a content line may not contain', () => {
    const text = toICalendar('r', [{ ...release, summary: 'bell\u0007 and null\u0000 and del\u007f' }], NOW);
    expect(contentLines(text)).toContain('SUMMARY:bell and null and del');
  });

  it('refuses a URL that would break out of its line, and dates it cannot write', () => {
    expect(() => toICalendar('r', [{ ...release, url: 'https://x\r\nATTENDEE:evil' }], NOW)).toThrow(
      /release-checkout-v2-stage-2@unveil.*control character/,
    );
    expect(() => toICalendar('r', [{ ...release, start: new Date(Number.NaN) }], NOW)).toThrow(RangeError);
    expect(() => toICalendar('r', [release], new Date('+012024-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('folds long lines at 75 octets and unfolding restores them', () => {
    const description = 'x'.repeat(232);
    const text = toICalendar('r', [{ ...release, description }], NOW);
    const folded = physicalLines(text).filter(
      (line) => line.startsWith('DESCRIPTION:') || line.startsWith(' '),
    );
    // "DESCRIPTION:" and 63 x, then a space and 74 x twice, then a space and the last 21.
    expect(folded.map(octets)).toEqual([75, 75, 75, 22]);
    expect(parse(text).events[0]?.DESCRIPTION).toBe(description);
  });

  it('never splits a multi-byte character when folding', () => {
    // 2-, 3- and 4-octet characters after 0–3 ASCII ones, so that the 75th octet falls inside each kind.
    for (let shift = 0; shift < 4; shift++) {
      const summary = `${'a'.repeat(shift)}${'é'.repeat(40)}${'漢'.repeat(40)}${'🚀'.repeat(40)}`;
      const text = toICalendar('r', [{ ...release, summary }], NOW);
      for (const line of physicalLines(text)) {
        expect(octets(line)).toBeLessThanOrEqual(75);
        expect(isWholeUtf8(line)).toBe(true);
      }
      expect(parse(text).events[0]?.SUMMARY).toBe(summary);
    }
  });

  it('round-trips arbitrary text through escaping, folding, unfolding and unescaping', () => {
    const special = fc.constantFrom('\\', ';', ',', '\n', ':', '"', ' ', '\t', 'é', '漢', '🚀', 'n');
    const text = fc.string({
      unit: fc.oneof(special, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
      maxLength: 200,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text, fc.array(text, { maxLength: 4 })), { maxLength: 4 }),
        text,
        (texts, name) => {
          const events = texts.map(([summary, description, categories], index) => ({
            ...release,
            uid: `${index}-${summary}`,
            summary,
            description,
            categories,
          }));
          const ics = toICalendar(name, events, NOW);
          for (const line of physicalLines(ics)) {
            expect(octets(line)).toBeLessThanOrEqual(75);
            expect(isWholeUtf8(line)).toBe(true);
          }
          expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
          const parsed = parse(ics);
          expect(unescapeText(parsed.calendar['X-WR-CALNAME']!)).toBe(name);
          expect(parsed.events).toHaveLength(events.length);
          parsed.events.forEach((event, index) => {
            const written = events[index]!;
            expect(unescapeText(event.UID!)).toBe(written.uid);
            expect(unescapeText(event.SUMMARY!)).toBe(written.summary);
            expect(unescapeText(event.DESCRIPTION!)).toBe(written.description);
            if (written.categories.length > 0)
              expect(splitTextList(event.CATEGORIES!)).toEqual(written.categories);
            else expect(event).not.toHaveProperty('CATEGORIES');
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
