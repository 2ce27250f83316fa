/**
 * Weekly recurring windows in IANA time zones (release windows, recurring freezes), computed with Intl
 * only. A window's occurrence on a local day is the instant interval [open, close), where each local time
 * is resolved to an instant as follows: a time skipped by a DST gap resolves to the first instant after
 * the gap; a time repeated when clocks go back resolves to its first (earlier) instant. So an occurrence is
 * always one contiguous interval: it opens once and closes once, even across a repeated hour.
 * Occurrence boundaries fall on whole minutes wherever the zone's offset is whole minutes (every zone
 * since 1973; before, some had offsets such as −00:44:30).
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A weekly recurring interval in an IANA time zone: on each listed day it opens at `from` (local "HH:MM")
 * and closes at `to` the same day, or the next day when `to` <= `from` (overnight). "24:00" is allowed as `to`.
 */
export interface WeeklyWindow {
  timeZone: string;
  days: Weekday[];
  from: string;
  to: string;
}

/** A window whose time zone or times cannot be computed with; `problems` are those of windowProblems. */
export class InvalidWeeklyWindowError extends Error {
  override readonly name = 'InvalidWeeklyWindowError';
  constructor(
    readonly window: WeeklyWindow,
    readonly problems: readonly string[],
  ) {
    super(`invalid weekly window: ${problems.join('; ')}`);
  }
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How many local days ahead nextOpening and windowEnd look: a week, plus one for a DST-emptied occurrence. */
const HORIZON_DAYS = 8;
/** Back-to-back occurrences lasting a week cover every weekday, so the window repeats without ever closing. */
const NEVER_CLOSES_AFTER_MS = 7 * DAY_MS;
/** Zone spellings are user input ("europe/berlin" is accepted too): bound the cache instead of trusting them. */
const MAX_CACHED_ZONES = 1_000;

const LOCAL_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_OF_DAY = '24:00';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws Intl's RangeError for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** Problems that make a window impossible to compute with (an empty or repeated day list is merely odd). */
function timeProblems(window: WeeklyWindow): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(window.timeZone)) problems.push(`unknown time zone "${window.timeZone}"`);
  if (!LOCAL_TIME.test(window.from)) problems.push('from must be HH:MM');
  if (window.to !== END_OF_DAY && !LOCAL_TIME.test(window.to)) problems.push('to must be HH:MM or 24:00');
  return problems;
}

/** Everything wrong with a window, as messages for field errors; empty when it is valid. */
export function windowProblems(window: WeeklyWindow): string[] {
  const problems = timeProblems(window);
  if (window.days.length === 0) problems.push('days must not be empty');
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const day of window.days) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) problems.push(`unknown day "${day}"`);
    else if (seen.has(day) && !reported.has(day)) {
      problems.push(`duplicate day "${day}"`);
      reported.add(day);
    }
    seen.add(day);
  }
  return problems;
}

/** Milliseconds to add to a UTC instant to read the zone's wall clock, to the second. */
function offsetAt(formatter: Intl.DateTimeFormat, instant: number): number {
  const wholeSeconds = Math.floor(instant / SECOND_MS) * SECOND_MS;
  const field = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(wholeSeconds)) {
    if (part.type in field) field[part.type as keyof typeof field] = Number(part.value);
  }
  const wall = Date.UTC(field.year, field.month - 1, field.day, field.hour, field.minute, field.second);
  return wall - wholeSeconds;
}

/**
 * The instant at which the zone's wall clock reads `wall` (a local date-time written as if it were UTC):
 * the first of two in a repeated hour, the first instant after the gap for a skipped time. Assumes at most
 * one offset change within a day either side (checked against every zone Intl knows, 1973–2037).
 */
function instantAt(formatter: Intl.DateTimeFormat, wall: number): number {
  // Reading `wall` as an instant is off by at most ±14 h, so these probes lie on either side of any change.
  const offsetBefore = offsetAt(formatter, wall - DAY_MS);
  const offsetAfter = offsetAt(formatter, wall + DAY_MS);
  if (offsetBefore === offsetAfter) return wall - offsetBefore;
  const underBefore = wall - offsetBefore;
  const underAfter = wall - offsetAfter;
  const validBefore = offsetAt(formatter, underBefore) === offsetBefore;
  const validAfter = offsetAt(formatter, underAfter) === offsetAfter;
  if (validBefore && validAfter) return Math.min(underBefore, underAfter);
  if (validBefore) return underBefore;
  if (validAfter) return underAfter;
  // Skipped: the change happens in (underAfter, underBefore]; find it to the second.
  let low = underAfter;
  let high = underBefore;
  while (high - low > SECOND_MS) {
    const middle = low + Math.floor((high - low) / 2 / SECOND_MS) * SECOND_MS;
    if (offsetAt(formatter, middle) === offsetBefore) low = middle;
    else high = middle;
  }
  return high;
}

/** Days since 1970-01-01 of the zone's calendar date at `instant`. */
function localDayOf(formatter: Intl.DateTimeFormat, instant: number): number {
  return Math.floor((instant + offsetAt(formatter, instant)) / DAY_MS);
}

/** Index into WEEKDAYS of a day counted from 1970-01-01, which was a Thursday. */
function weekdayIndexOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function minutesOf(localTime: string): number {
  return Number(localTime.slice(0, 2)) * 60 + Number(localTime.slice(3, 5));
}

interface CompiledWindow {
  formatter: Intl.DateTimeFormat;
  weekdays: ReadonlySet<number>;
  fromMinute: number;
  toMinute: number;
  /** Closes on the next local day. */
  overnight: boolean;
}

interface Interval {
  start: number;
  end: number;
}

function compile(window: WeeklyWindow): CompiledWindow {
  const problems = timeProblems(window);
  if (problems.length > 0) throw new InvalidWeeklyWindowError(window, problems);
  const fromMinute = minutesOf(window.from);
  const toMinute = minutesOf(window.to);
  return {
    formatter: formatterFor(window.timeZone),
    weekdays: new Set(window.days.map((day) => WEEKDAYS.indexOf(day))),
    fromMinute,
    toMinute,
    overnight: toMinute <= fromMinute,
  };
}

/**
 * The occurrences opening on local days firstDay..lastDay, in order. They never overlap (each closes at
 * or before the next local day's opening time), so this order is also the order of their instants. An
 * occurrence that a DST gap swallows entirely (02:00–03:00 on the spring-forward day) is left out.
 */
function* occurrencesOnDays(window: CompiledWindow, firstDay: number, lastDay: number): Generator<Interval> {
  for (let day = firstDay; day <= lastDay; day++) {
    if (!window.weekdays.has(weekdayIndexOf(day))) continue;
    const start = instantAt(window.formatter, day * DAY_MS + window.fromMinute * MINUTE_MS);
    const closingDay = window.overnight ? day + 1 : day;
    const end = instantAt(window.formatter, closingDay * DAY_MS + window.toMinute * MINUTE_MS);
    if (start < end) yield { start, end };
  }
}

/** From the occurrence containing `instant`, or else the next one, onwards, through the horizon. */
function* occurrencesEndingAfter(window: CompiledWindow, instant: number): Generator<Interval> {
  const today = localDayOf(window.formatter, instant);
  // An occurrence containing `instant` opened today or, overnight, yesterday.
  for (const occurrence of occurrencesOnDays(window, today - 1, today + HORIZON_DAYS)) {
    if (occurrence.end > instant) yield occurrence;
  }
}

function timeOf(date: Date, name: string): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`${name} is not a valid date`);
  return time;
}

/** Whether `at` falls inside the window (from inclusive, to exclusive). */
export function isInWindow(window: WeeklyWindow, at: Date): boolean {
  const instant = timeOf(at, 'at');
  const compiled = compile(window);
  const today = localDayOf(compiled.formatter, instant);
  // Tomorrow's too: a fall-back across midnight repeats part of today after tomorrow's first instant.
  for (const { start, end } of occurrencesOnDays(compiled, today - 1, today + 1)) {
    if (start <= instant && instant < end) return true;
  }
  return false;
}

/** Whether `at` falls inside any of them; an empty list means "always" (no restriction). */
export function isInAnyWindow(windows: readonly WeeklyWindow[], at: Date): boolean {
  return windows.length === 0 || windows.some((window) => isInWindow(window, at));
}

/**
 * The earliest instant >= at inside any of the windows (at itself if inside); undefined if none opens
 * within the next eight local days (e.g. days is empty). Empty list → at.
 */
export function nextOpening(windows: readonly WeeklyWindow[], at: Date): Date | undefined {
  const instant = timeOf(at, 'at');
  if (windows.length === 0) return at;
  let earliest: number | undefined;
  for (const window of windows) {
    const upcoming = occurrencesEndingAfter(compile(window), instant).next();
    if (upcoming.done) continue;
    const opening = Math.max(upcoming.value.start, instant);
    if (opening === instant) return at;
    if (earliest === undefined || opening < earliest) earliest = opening;
  }
  return earliest === undefined ? undefined : new Date(earliest);
}

/**
 * The earliest instant >= at at which the window is closed (at itself if already closed), following
 * back-to-back occurrences (Mon 00:00–24:00 and Tue 00:00–24:00 close on Wednesday); undefined if it never
 * closes (e.g. every day 00:00–24:00).
 */
export function windowEnd(window: WeeklyWindow, at: Date): Date | undefined {
  const instant = timeOf(at, 'at');
  const occurrences = occurrencesEndingAfter(compile(window), instant);
  const current = occurrences.next();
  if (current.done || current.value.start > instant) return at;
  let end = current.value.end;
  for (const next of occurrences) {
    if (next.start > end) return new Date(end);
    end = next.end;
  }
  return end - instant >= NEVER_CLOSES_AFTER_MS ? undefined : new Date(end);
}

/** The same window's occurrences [start, end) that intersect [from, to), in order (for a calendar). */
export function occurrences(window: WeeklyWindow, from: Date, to: Date): { start: Date; end: Date }[] {
  const rangeStart = timeOf(from, 'from');
  const rangeEnd = timeOf(to, 'to');
  if (rangeEnd <= rangeStart) return [];
  const compiled = compile(window);
  const firstDay = localDayOf(compiled.formatter, rangeStart) - 1;
  const lastDay = localDayOf(compiled.formatter, rangeEnd) + 1;
  const found: { start: Date; end: Date }[] = [];
  for (const { start, end } of occurrencesOnDays(compiled, firstDay, lastDay)) {
    if (start < rangeEnd && end > rangeStart) found.push({ start: new Date(start), end: new Date(end) });
  }
  return found;
}
