/**
 * Opening hours as RFC 5545 RRULEs on the working-day calendar: which days a place opens (the rule),
 * what the official calendar changes (holidays close a place that keeps them; a make-up working day
 * opens a place that follows working days), and when it is open now or opens next.
 * Times are local (+08:00); the rule is evaluated in "floating" time, as iCalendar does without a zone.
 */
import * as rruleModule from 'rrule';
import type { WorkCalendar } from '../../kernel/workdays.ts';

/** How a rule meets the official calendar. */
export const CALENDAR_MODES = ['rrule', 'rrule_except_holidays', 'workdays'] as const;
export type CalendarMode = (typeof CALENDAR_MODES)[number];

/** One opening rule: on the days of `rrule` (or of the calendar), from `opens` to `closes` (HH:MM). */
export interface OpeningRule {
  rrule: string;
  opens: string;
  closes: string;
  calendar: CalendarMode;
  /** What the opening is (午餐, 晚餐), shown with it. */
  label?: string;
}

/** When a place is next open. */
export interface OpeningState {
  openNow: boolean;
  /** The current opening's end when open, else null. */
  closesAt: string | null;
  /** The next opening's start (ISO, UTC) after `now`, within 30 days; null when none. */
  nextOpening: string | null;
  nextLabel: string | null;
}

// The package's Node entry is a UMD bundle, whose names Node's ESM loader cannot see (they sit on the
// default export); bundlers and the test runner read its ESM build, which has them directly.
const { RRule } = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule;
type RRule = InstanceType<typeof RRule>;

const DAY_MS = 86_400_000;
const LOCAL_OFFSET_MS = 8 * 3_600_000;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes of an HH:MM time. */
function minutes(t: string): number {
  const m = TIME_RE.exec(t);
  if (!m) throw new RangeError(`invalid time ${t}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Parses a rule's RRULE (without DTSTART): a RangeError names what is wrong. */
export function parseRule(rrule: string): RRule {
  if (!/^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Z0-9,+-]+)*$/.test(rrule))
    throw new RangeError(`RRULE must be FREQ=…;KEY=VALUE…, got "${rrule}"`);
  if (/BY(HOUR|MINUTE|SECOND)|COUNT|UNTIL/.test(rrule))
    throw new RangeError('RRULE gives days only: opening times go in opens/closes, validity in the place');
  try {
    return RRule.fromString(`DTSTART:20240101T000000Z\nRRULE:${rrule}`);
  } catch (e) {
    throw new RangeError(`invalid RRULE "${rrule}": ${(e as Error).message}`);
  }
}

/** Checks a rule (RRULE, times, mode); returns the problems found, empty when valid. */
export function ruleProblems(r: OpeningRule): string[] {
  const out: string[] = [];
  try {
    parseRule(r.rrule);
  } catch (e) {
    out.push((e as Error).message);
  }
  if (!TIME_RE.test(r.opens) || !TIME_RE.test(r.closes)) out.push('opens/closes must be HH:MM');
  else if (minutes(r.opens) >= minutes(r.closes)) out.push('opens must be before closes');
  if (!(CALENDAR_MODES as readonly string[]).includes(r.calendar))
    out.push(`calendar must be one of ${CALENDAR_MODES.join(', ')}`);
  return out;
}

// Monday 2024-01-01: the anchor of rules with an INTERVAL (every other week), whose phase it fixes.
const ANCHOR_DAY = Date.UTC(2024, 0, 1) / DAY_MS;

/**
 * The rule started close to `day`, so that finding its occurrences does not walk from a distant start:
 * the Monday of the week (weekly), the first of the month (monthly) or of the year; rules with an
 * INTERVAL keep the fixed anchor.
 */
function anchored(rule: RRule, day: number): RRule {
  const o = rule.origOptions;
  if ((o.interval ?? 1) !== 1) return new RRule({ ...o, dtstart: new Date(ANCHOR_DAY * DAY_MS) });
  const d = new Date(day * DAY_MS);
  const start =
    o.freq === RRule.WEEKLY
      ? day - ((d.getUTCDay() + 6) % 7)
      : o.freq === RRule.MONTHLY
        ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS
        : o.freq === RRule.YEARLY
          ? Date.UTC(d.getUTCFullYear(), 0, 1) / DAY_MS
          : day;
  return new RRule({ ...o, dtstart: new Date(start * DAY_MS) });
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * The weekdays (0 = Sunday) of a rule that says no more than a frequency of days or weeks and plain
 * weekdays (FREQ=DAILY, FREQ=WEEKLY;BYDAY=MO,TU), the rules places mostly have; null for any other,
 * which only the RRULE engine can answer. Read from the text, as answering it through the engine for
 * every place and day of a list costs more than the list.
 */
export function plainWeekdays(rrule: string): ReadonlySet<number> | null {
  const parts = new Map(rrule.split(';').map((kv) => kv.split('=') as [string, string]));
  if ([...parts.keys()].some((k) => k !== 'FREQ' && k !== 'BYDAY' && k !== 'WKST')) return null;
  const freq = parts.get('FREQ');
  const byday = parts.get('BYDAY');
  if (freq === 'DAILY' && byday === undefined) return new Set([0, 1, 2, 3, 4, 5, 6]);
  if ((freq !== 'WEEKLY' && freq !== 'DAILY') || byday === undefined) return null;
  const days = byday.split(',').map((d) => WEEKDAYS.indexOf(d));
  return days.every((d) => d >= 0) ? new Set(days) : null;
}

/** Whether a rule opens on a local day (days since 1970-01-01). */
function opensOn(
  rule: () => RRule,
  weekdays: ReadonlySet<number> | null,
  mode: CalendarMode,
  day: number,
  calendar: WorkCalendar,
): boolean {
  const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
  if (mode === 'workdays') return calendar.isWorkday(date);
  const hit = weekdays
    ? weekdays.has(new Date(day * DAY_MS).getUTCDay())
    : anchored(rule(), day).between(new Date(day * DAY_MS), new Date(day * DAY_MS + DAY_MS - 1), true)
        .length > 0;
  if (!hit) return false;
  // An official day off (放假) closes it; an ordinary weekend follows the rule.
  if (mode === 'rrule_except_holidays' && !calendar.isWorkday(date))
    return !calendar.listOverrides(Number(date.slice(0, 4))).some((o) => o.date === date);
  return true;
}

/** Whether a place with these rules is open at `now`, and when it opens next. */
export function openingState(rules: readonly OpeningRule[], now: Date, calendar: WorkCalendar): OpeningState {
  const localMs = now.getTime() + LOCAL_OFFSET_MS;
  const today = Math.floor(localMs / DAY_MS);
  const parsed = rules.map((r) => {
    let engine: RRule | undefined;
    return {
      r,
      rule: () => (engine ??= parseRule(r.rrule)),
      weekdays: plainWeekdays(r.rrule),
      opens: minutes(r.opens) * 60_000,
      closes: minutes(r.closes) * 60_000,
    };
  });
  let closesAt: string | null = null;
  let next: { at: number; label: string | null } | null = null;
  for (let day = today; day <= today + 30 && next === null; day++) {
    const windows = parsed
      .filter((p) => opensOn(p.rule, p.weekdays, p.r.calendar, day, calendar))
      .map((p) => ({ start: day * DAY_MS + p.opens, end: day * DAY_MS + p.closes, label: p.r.label ?? null }))
      .sort((a, b) => a.start - b.start);
    for (const w of windows) {
      if (w.start <= localMs && localMs < w.end) closesAt ??= new Date(w.end - LOCAL_OFFSET_MS).toISOString();
      if (w.start > localMs && next === null) next = { at: w.start, label: w.label };
    }
  }
  return {
    openNow: closesAt !== null,
    closesAt,
    nextOpening: next ? new Date(next.at - LOCAL_OFFSET_MS).toISOString() : null,
    nextLabel: next?.label ?? null,
  };
}

/** The RRULE's parts as HSDS schedule fields (freq WEEKLY or MONTHLY, byday, bymonthday). */
export function hsdsScheduleParts(rrule: string): {
  freq: 'WEEKLY' | 'MONTHLY';
  byday?: string;
  bymonthday?: string;
  interval?: number;
} {
  const parts = Object.fromEntries(rrule.split(';').map((kv) => kv.split('=') as [string, string]));
  const freq = parts.FREQ === 'MONTHLY' ? 'MONTHLY' : 'WEEKLY';
  const byday = parts.BYDAY ?? (parts.FREQ === 'DAILY' ? 'MO,TU,WE,TH,FR,SA,SU' : undefined);
  return {
    freq,
    ...(byday && { byday }),
    ...(parts.BYMONTHDAY && { bymonthday: parts.BYMONTHDAY }),
    ...(parts.INTERVAL && { interval: Number(parts.INTERVAL) }),
  };
}
