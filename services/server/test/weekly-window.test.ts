import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidWeeklyWindowError,
  isInAnyWindow,
  isInWindow,
  isValidTimeZone,
  nextOpening,
  occurrences,
  WEEKDAYS,
  type Weekday,
  type WeeklyWindow,
  windowEnd,
  windowProblems,
} from '../src/calendar/weekly-window.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const EVERY_DAY: Weekday[] = [...WEEKDAYS];

/** Instants are written as local time with the offset in force, so the tables read like a wall clock. */
const t = (text: string) => new Date(text);
const iso = (date: Date | undefined) => date?.toISOString();

const berlinOffice: WeeklyWindow = {
  timeZone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu'],
  from: '09:00',
  to: '16:00',
};
const fridayNight: WeeklyWindow = { timeZone: 'Europe/Berlin', days: ['fri'], from: '22:00', to: '06:00' };
const berlin = (days: Weekday[], from: string, to: string): WeeklyWindow => ({
  timeZone: 'Europe/Berlin',
  days,
  from,
  to,
});
const newYork = (days: Weekday[], from: string, to: string): WeeklyWindow => ({
  timeZone: 'America/New_York',
  days,
  from,
  to,
});
const utc = (days: Weekday[], from: string, to: string): WeeklyWindow => ({
  timeZone: 'UTC',
  days,
  from,
  to,
});

const spans = (window: WeeklyWindow, from: string, to: string) =>
  occurrences(window, t(from), t(to)).map(({ start, end }) => [iso(start), iso(end)]);
const span = (start: string, end: string) => [iso(t(start)), iso(t(end))];

describe('Mon–Thu 09:00–16:00 in Europe/Berlin', () => {
  it.each([
    ['Monday at 09:00 exactly (from is inclusive)', '2024-06-03T09:00+02:00', true],
    ['Monday a millisecond before 09:00', '2024-06-03T08:59:59.999+02:00', false],
    ['Monday noon', '2024-06-03T12:00+02:00', true],
    ['Monday a millisecond before 16:00', '2024-06-03T15:59:59.999+02:00', true],
    ['Monday at 16:00 exactly (to is exclusive)', '2024-06-03T16:00+02:00', false],
    ['Thursday afternoon', '2024-06-06T15:00+02:00', true],
    ['Friday morning', '2024-06-07T10:00+02:00', false],
    ['Sunday morning', '2024-06-09T10:00+02:00', false],
    ['a Monday in winter time', '2024-01-08T09:00+01:00', true],
    ['08:30 in winter time, which is 09:30 in summer time', '2024-01-08T08:30+01:00', false],
  ])('%s: %s → inside %s', (_, at, inside) => {
    expect(isInWindow(berlinOffice, t(at))).toBe(inside);
  });

  it.each([
    ['Friday → next Monday 09:00', '2024-06-07T10:00+02:00', '2024-06-10T09:00+02:00'],
    ['Monday early → the same day 09:00', '2024-06-03T07:15:30+02:00', '2024-06-03T09:00+02:00'],
    ['inside → itself', '2024-06-03T12:34:56.789+02:00', '2024-06-03T12:34:56.789+02:00'],
    ['Monday at 16:00 → Tuesday 09:00', '2024-06-03T16:00+02:00', '2024-06-04T09:00+02:00'],
    ['Thursday at 16:00 → Monday 09:00', '2024-06-06T16:00+02:00', '2024-06-10T09:00+02:00'],
  ])('nextOpening: %s', (_, at, expected) => {
    expect(iso(nextOpening([berlinOffice], t(at)))).toBe(iso(t(expected)));
  });

  it.each([
    ['inside → 16:00 that day', '2024-06-03T12:00+02:00', '2024-06-03T16:00+02:00'],
    ['at 09:00 → 16:00', '2024-06-03T09:00+02:00', '2024-06-03T16:00+02:00'],
    ['closed → itself', '2024-06-07T10:00+02:00', '2024-06-07T10:00+02:00'],
    ['at 16:00 → itself', '2024-06-03T16:00+02:00', '2024-06-03T16:00+02:00'],
  ])('windowEnd: %s', (_, at, expected) => {
    expect(iso(windowEnd(berlinOffice, t(at)))).toBe(iso(t(expected)));
  });

  it('lists the occurrences of a week, clipped ones included', () => {
    expect(spans(berlinOffice, '2024-06-03T12:00+02:00', '2024-06-10T10:00+02:00')).toEqual([
      span('2024-06-03T09:00+02:00', '2024-06-03T16:00+02:00'),
      span('2024-06-04T09:00+02:00', '2024-06-04T16:00+02:00'),
      span('2024-06-05T09:00+02:00', '2024-06-05T16:00+02:00'),
      span('2024-06-06T09:00+02:00', '2024-06-06T16:00+02:00'),
      span('2024-06-10T09:00+02:00', '2024-06-10T16:00+02:00'),
    ]);
    expect(spans(berlinOffice, '2024-06-03T16:00+02:00', '2024-06-04T09:00+02:00')).toEqual([]);
    expect(spans(berlinOffice, '2024-06-04T12:00+02:00', '2024-06-04T12:00+02:00')).toEqual([]);
  });
});

describe('overnight: Fri 22:00–06:00 in Europe/Berlin', () => {
  it.each([
    ['Friday 21:59', '2024-06-07T21:59+02:00', false],
    ['Friday 22:00', '2024-06-07T22:00+02:00', true],
    ['Saturday 03:00', '2024-06-08T03:00+02:00', true],
    ['Saturday 05:59', '2024-06-08T05:59+02:00', true],
    ['Saturday 06:00', '2024-06-08T06:00+02:00', false],
    ['Friday 03:00 (Thursday night is not listed)', '2024-06-07T03:00+02:00', false],
    ['Sunday 03:00 (Saturday night is not listed)', '2024-06-09T03:00+02:00', false],
  ])('%s → inside %s', (_, at, inside) => {
    expect(isInWindow(fridayNight, t(at))).toBe(inside);
  });

  it('opens next Friday evening and closes on Saturday morning', () => {
    expect(iso(nextOpening([fridayNight], t('2024-06-08T06:00+02:00')))).toBe(
      iso(t('2024-06-14T22:00+02:00')),
    );
    expect(iso(windowEnd(fridayNight, t('2024-06-07T23:00+02:00')))).toBe(iso(t('2024-06-08T06:00+02:00')));
    expect(spans(fridayNight, '2024-06-08T05:00+02:00', '2024-06-15T00:00+02:00')).toEqual([
      span('2024-06-07T22:00+02:00', '2024-06-08T06:00+02:00'),
      span('2024-06-14T22:00+02:00', '2024-06-15T06:00+02:00'),
    ]);
  });

  it('treats to == from as a 24-hour window', () => {
    const window = utc(['mon'], '09:00', '09:00');
    expect(spans(window, '2024-06-03T00:00Z', '2024-06-05T00:00Z')).toEqual([
      span('2024-06-03T09:00Z', '2024-06-04T09:00Z'),
    ]);
  });
});

describe('DST in Europe/Berlin', () => {
  // 2024-03-31: 02:00 CET becomes 03:00 CEST. 2024-10-27: 03:00 CEST becomes 02:00 CET.
  it('a window opening in the skipped hour opens at the first instant after the gap', () => {
    const window = berlin(['sun'], '02:30', '04:00');
    expect(spans(window, '2024-03-30T00:00+01:00', '2024-04-01T00:00+02:00')).toEqual([
      span('2024-03-31T03:00+02:00', '2024-03-31T04:00+02:00'),
    ]);
    expect(isInWindow(window, t('2024-03-31T01:59+01:00'))).toBe(false);
    expect(isInWindow(window, t('2024-03-31T03:00+02:00'))).toBe(true);
    expect(iso(nextOpening([window], t('2024-03-31T00:00+01:00')))).toBe(iso(t('2024-03-31T03:00+02:00')));
  });

  it('a window lying entirely in the skipped hour does not open that day', () => {
    const window = berlin(['sun'], '02:00', '03:00');
    expect(isInWindow(window, t('2024-03-31T03:00+02:00'))).toBe(false);
    expect(iso(nextOpening([window], t('2024-03-31T00:00+01:00')))).toBe(iso(t('2024-04-07T02:00+02:00')));
  });

  it('keeps wall-clock times on both sides of each change', () => {
    const weekdays = berlin(['mon', 'tue', 'wed', 'thu', 'fri'], '09:00', '17:00');
    expect(spans(weekdays, '2024-03-29T00:00+01:00', '2024-04-02T00:00+02:00')).toEqual([
      span('2024-03-29T09:00+01:00', '2024-03-29T17:00+01:00'),
      span('2024-04-01T09:00+02:00', '2024-04-01T17:00+02:00'),
    ]);
    expect(spans(weekdays, '2024-10-25T00:00+02:00', '2024-10-29T00:00+01:00')).toEqual([
      span('2024-10-25T09:00+02:00', '2024-10-25T17:00+02:00'),
      span('2024-10-28T09:00+01:00', '2024-10-28T17:00+01:00'),
    ]);
  });

  it('an overnight window is an hour shorter in spring and an hour longer in autumn', () => {
    const saturdayNight = berlin(['sat'], '22:00', '06:00');
    expect(spans(saturdayNight, '2024-03-30T12:00+01:00', '2024-03-31T12:00+02:00')).toEqual([
      span('2024-03-30T22:00+01:00', '2024-03-31T06:00+02:00'),
    ]);
    expect(spans(saturdayNight, '2024-10-26T12:00+02:00', '2024-10-27T12:00+01:00')).toEqual([
      span('2024-10-26T22:00+02:00', '2024-10-27T06:00+01:00'),
    ]);
  });

  it('a window opening in the repeated hour opens once, at the first 02:30, and stays open', () => {
    const window = berlin(['sun'], '02:30', '05:00');
    expect(spans(window, '2024-10-26T00:00+02:00', '2024-10-28T00:00+01:00')).toEqual([
      span('2024-10-27T02:30+02:00', '2024-10-27T05:00+01:00'),
    ]);
    expect(isInWindow(window, t('2024-10-27T02:15+01:00'))).toBe(true);
  });

  it('a window closing in the repeated hour closes at the first 02:30 and does not reopen', () => {
    const window = berlin(['sun'], '01:00', '02:30');
    expect(iso(windowEnd(window, t('2024-10-27T02:00+02:00')))).toBe(iso(t('2024-10-27T02:30+02:00')));
    expect(isInWindow(window, t('2024-10-27T02:15+01:00'))).toBe(false);
    expect(iso(nextOpening([window], t('2024-10-27T02:15+01:00')))).toBe(iso(t('2024-11-03T01:00+01:00')));
  });
});

describe('DST in America/New_York', () => {
  // 2024-03-10: 02:00 EST becomes 03:00 EDT. 2024-11-03: 02:00 EDT becomes 01:00 EST.
  it('spring: times in the gap resolve to 03:00 EDT', () => {
    expect(
      spans(newYork(['sun'], '02:30', '03:30'), '2024-03-09T00:00-05:00', '2024-03-11T00:00-04:00'),
    ).toEqual([span('2024-03-10T03:00-04:00', '2024-03-10T03:30-04:00')]);
    expect(iso(windowEnd(newYork(['sun'], '00:00', '02:30'), t('2024-03-10T01:59-05:00')))).toBe(
      iso(t('2024-03-10T03:00-04:00')),
    );
  });

  it('autumn: the repeated 01:00–02:00 counts once', () => {
    expect(
      spans(newYork(['sun'], '01:30', '02:00'), '2024-11-02T00:00-04:00', '2024-11-04T00:00-05:00'),
    ).toEqual([span('2024-11-03T01:30-04:00', '2024-11-03T02:00-05:00')]);
    const closesInRepeat = newYork(['sun'], '00:00', '01:30');
    expect(isInWindow(closesInRepeat, t('2024-11-03T01:15-04:00'))).toBe(true);
    expect(isInWindow(closesInRepeat, t('2024-11-03T01:15-05:00'))).toBe(false);
  });

  it('keeps 09:00 local on both sides of the autumn change', () => {
    expect(
      spans(newYork(EVERY_DAY, '09:00', '17:00'), '2024-11-02T12:00-04:00', '2024-11-04T00:00-05:00'),
    ).toEqual([
      span('2024-11-02T09:00-04:00', '2024-11-02T17:00-04:00'),
      span('2024-11-03T09:00-05:00', '2024-11-03T17:00-05:00'),
    ]);
  });
});

describe('UTC and edge cases', () => {
  const always = utc(EVERY_DAY, '00:00', '24:00');
  const someInstant = t('2024-06-05T13:37:00.123Z');

  it('a window open all week never closes', () => {
    expect(isInWindow(always, someInstant)).toBe(true);
    expect(windowEnd(always, someInstant)).toBeUndefined();
    expect(windowEnd(utc(EVERY_DAY, '09:00', '09:00'), someInstant)).toBeUndefined();
    expect(windowEnd(berlin(EVERY_DAY, '00:00', '00:00'), t('2024-03-31T12:00+02:00'))).toBeUndefined();
    expect(nextOpening([always], someInstant)).toBe(someInstant);
  });

  it('follows back-to-back days to the real end', () => {
    expect(iso(windowEnd(utc(['mon', 'tue'], '00:00', '24:00'), t('2024-06-03T10:00Z')))).toBe(
      iso(t('2024-06-05T00:00Z')),
    );
    expect(
      iso(windowEnd(utc(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], '00:00', '24:00'), someInstant)),
    ).toBe(iso(t('2024-06-09T00:00Z')));
  });

  it('an empty day list never opens', () => {
    const never = utc([], '09:00', '17:00');
    expect(isInWindow(never, someInstant)).toBe(false);
    expect(nextOpening([never], someInstant)).toBeUndefined();
    expect(windowEnd(never, someInstant)).toBe(someInstant);
    expect(occurrences(never, someInstant, new Date(someInstant.getTime() + 30 * DAY_MS))).toEqual([]);
  });

  it('an empty list of windows means no restriction', () => {
    expect(isInAnyWindow([], someInstant)).toBe(true);
    expect(nextOpening([], someInstant)).toBe(someInstant);
  });

  it('nextOpening takes the earliest of several windows', () => {
    const fridayNoon = utc(['fri'], '12:00', '13:00');
    expect(iso(nextOpening([berlinOffice, fridayNoon], t('2024-06-07T10:00+02:00')))).toBe(
      iso(t('2024-06-07T12:00Z')),
    );
    expect(isInAnyWindow([berlinOffice, fridayNoon], t('2024-06-07T12:30Z'))).toBe(true);
    expect(isInAnyWindow([berlinOffice, fridayNoon], t('2024-06-07T13:00Z'))).toBe(false);
  });

  it('rejects invalid dates and windows it cannot compute with', () => {
    expect(() => isInWindow(berlinOffice, new Date(Number.NaN))).toThrow(RangeError);
    expect(() => isInWindow({ ...berlinOffice, timeZone: 'Mars/Olympus_Mons' }, someInstant)).toThrow(
      InvalidWeeklyWindowError,
    );
    expect(() => windowEnd({ ...berlinOffice, to: '25:00' }, someInstant)).toThrow(
      /to must be HH:MM or 24:00/,
    );
  });
});

describe('validation', () => {
  it('knows IANA zones and nothing else', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('lists every problem of a window', () => {
    expect(windowProblems(berlinOffice)).toEqual([]);
    expect(windowProblems({ ...berlinOffice, to: '24:00' })).toEqual([]);
    expect(windowProblems({ timeZone: 'Nowhere/City', days: [], from: '24:00', to: '9:00' })).toEqual([
      'unknown time zone "Nowhere/City"',
      'from must be HH:MM',
      'to must be HH:MM or 24:00',
      'days must not be empty',
    ]);
    const repeated = { ...berlinOffice, days: ['mon', 'mon', 'tue', 'mon', 'noday'] as Weekday[] };
    expect(windowProblems(repeated)).toEqual(['duplicate day "mon"', 'unknown day "noday"']);
  });
});

/**
 * An independent model of a window: read the zone's wall clock with Intl and compare. It agrees with the
 * module everywhere except in the second pass of a repeated hour, where the module keeps the first.
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string, at: number): { weekday: Weekday; minute: number; offset: string } {
  let format = wallClocks.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    wallClocks.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return {
    weekday: String(parts.weekday).toLowerCase() as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    offset: String(parts.timeZoneName),
  };
}
const offsetMinutes = (offset: string) => {
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(offset);
  return match === null ? 0 : (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
};
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

function wallClockSaysInside(window: WeeklyWindow, at: number): boolean {
  const { weekday, minute } = wallClock(window.timeZone, at);
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7]!;
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from < to) return window.days.includes(weekday) && from <= minute && minute < to;
  return (
    (window.days.includes(weekday) && minute >= from) || (window.days.includes(yesterday) && minute < to)
  );
}

/** Clocks went back within the last three hours, so this wall-clock time may have been seen before. */
function inRepeatedTime(timeZone: string, at: number): boolean {
  return (
    offsetMinutes(wallClock(timeZone, at - 3 * HOUR_MS).offset) >
    offsetMinutes(wallClock(timeZone, at).offset)
  );
}

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'UTC',
  'Australia/Lord_Howe', // 30-minute DST
  'America/Sao_Paulo', // until 2019, DST changed at midnight: 00:00 skipped in spring
  'Asia/Kathmandu', // +05:45
  'Pacific/Apia', // skipped Friday 2011-12-30 entirely
  'Pacific/Chatham', // +12:45 / +13:45
  'Europe/Dublin',
  'Antarctica/Troll', // a two-hour DST shift
];
/** Days around some of those zones' changes, so that random instants hit them often. */
const NEAR_CHANGES = [
  '2024-03-10',
  '2024-03-31',
  '2024-04-07',
  '2024-09-29',
  '2024-10-06',
  '2024-10-27',
  '2024-11-03',
  '2018-11-04',
  '2019-02-17',
  '2011-12-30',
].map(Date.parse);

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
// Times near midnight and in the usual change hours are where the mistakes would be.
const localMinute = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.constantFrom(0, 30, 60, 90, 105, 120, 150, 165, 180, 225, 1380, 1410, 1439),
);
const windowArbitrary: fc.Arbitrary<WeeklyWindow> = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  days: fc.subarray(EVERY_DAY),
  from: localMinute.map(hhmm),
  to: fc.oneof(localMinute.map(hhmm), fc.constant('24:00')),
});
const instantArbitrary = fc.oneof(
  fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2040, 0, 1) }),
  fc
    .tuple(fc.constantFrom(...NEAR_CHANGES), fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }))
    .map(([day, shift]) => day + shift),
);

/** Instants from `start` (inclusive) to `end` (exclusive) every `stride`, plus the last millisecond. */
function sample(start: number, end: number, stride: number): number[] {
  const instants: number[] = [];
  for (let instant = start; instant < end; instant += stride) instants.push(instant);
  if (end > start) instants.push(end - 1);
  return instants;
}
/** Odd so that samples drift across hour and half-hour boundaries. */
const STRIDE_MS = 47 * MINUTE_MS;
const SCAN_MS = 8 * DAY_MS;

describe('properties', () => {
  it('isInWindow agrees with reading the wall clock', () => {
    fc.assert(
      fc.property(windowArbitrary, instantArbitrary, (window, at) => {
        fc.pre(!inRepeatedTime(window.timeZone, at));
        expect(isInWindow(window, new Date(at))).toBe(wallClockSaysInside(window, at));
      }),
      { numRuns: 3_000 },
    );
  });

  it('nextOpening is the first instant at or after `at` inside any window', () => {
    fc.assert(
      fc.property(
        fc.array(windowArbitrary, { minLength: 1, maxLength: 3 }),
        instantArbitrary,
        (windows, at) => {
          const opening = nextOpening(windows, new Date(at));
          if (opening === undefined) {
            for (const instant of sample(at, at + SCAN_MS, STRIDE_MS)) {
              expect(isInAnyWindow(windows, new Date(instant))).toBe(false);
            }
            return;
          }
          expect(opening.getTime()).toBeGreaterThanOrEqual(at);
          expect(isInAnyWindow(windows, opening)).toBe(true);
          for (const instant of sample(at, opening.getTime(), STRIDE_MS)) {
            expect(isInAnyWindow(windows, new Date(instant))).toBe(false);
          }
          if (opening.getTime() > at) expect(opening.getTime() % MINUTE_MS).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('windowEnd is the first instant at or after `at` outside the window', () => {
    fc.assert(
      fc.property(windowArbitrary, instantArbitrary, (window, at) => {
        const end = windowEnd(window, new Date(at));
        if (end === undefined) {
          for (const instant of sample(at, at + SCAN_MS, STRIDE_MS)) {
            expect(isInWindow(window, new Date(instant))).toBe(true);
          }
          return;
        }
        expect(end.getTime()).toBeGreaterThanOrEqual(at);
        expect(isInWindow(window, end)).toBe(false);
        for (const instant of sample(at, end.getTime(), STRIDE_MS)) {
          expect(isInWindow(window, new Date(instant))).toBe(true);
        }
        if (end.getTime() > at) expect(end.getTime() % MINUTE_MS).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('occurrences cover exactly the inside instants of a range', () => {
    fc.assert(
      fc.property(
        windowArbitrary,
        instantArbitrary,
        fc.integer({ min: 0, max: 10 * DAY_MS }),
        (window, from, length) => {
          const to = from + length;
          const found = occurrences(window, new Date(from), new Date(to));
          found.forEach(({ start, end }, index) => {
            expect(start.getTime()).toBeLessThan(end.getTime());
            expect(start.getTime() < to && end.getTime() > from).toBe(true);
            expect(start.getTime() % MINUTE_MS).toBe(0);
            expect(end.getTime() % MINUTE_MS).toBe(0);
            expect(isInWindow(window, start)).toBe(true);
            const following = found[index + 1];
            if (following !== undefined)
              expect(following.start.getTime()).toBeGreaterThanOrEqual(end.getTime());
          });
          const covered = (instant: number) =>
            found.some(({ start, end }) => start.getTime() <= instant && instant < end.getTime());
          for (const instant of sample(from, to, STRIDE_MS)) {
            expect(covered(instant)).toBe(isInWindow(window, new Date(instant)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
