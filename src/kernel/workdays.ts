/**
 * The working-day calendar used for deadlines (完成时限) and time limits (办理时限).
 * China keeps one time zone (+08:00) without daylight saving, so a day is a fixed 24 h window
 * and all arithmetic here is on whole-day numbers plus milliseconds into the day.
 */

/** One exception to the Monday–Friday rule: a holiday (放假) or a make-up working day (调休上班). */
export interface CalendarOverride {
  /** YYYY-MM-DD, local date. */
  date: string;
  isWorkday: boolean;
  name: string;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a YYYY-MM-DD string; throws on a malformed or impossible date. */
function parseDay(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`Invalid date "${date}", expected YYYY-MM-DD`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Invalid date "${date}"`);
  }
  return ms / DAY_MS;
}

/** Whether a string is a real calendar date in the form YYYY-MM-DD (2025-02-30 is not). */
export function isCalendarDate(date: string): boolean {
  try {
    parseDay(date);
    return true;
  } catch {
    return false;
  }
}

/** YYYY-MM-DD for a day number (days since 1970-01-01). */
function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Expands an inclusive date range into holiday overrides. */
function holiday(name: string, from: string, to: string): CalendarOverride[] {
  const out: CalendarOverride[] = [];
  for (let d = parseDay(from), end = parseDay(to); d <= end; d++) {
    out.push({ date: formatDay(d), isWorkday: false, name });
  }
  return out;
}

/** Make-up working days (调休上班) on weekends for a holiday. */
function makeUp(name: string, ...dates: string[]): CalendarOverride[] {
  return dates.map((date) => ({ date, isWorkday: true, name: `${name}调休上班` }));
}

/**
 * State Council holiday notices (国务院办公厅关于部分节假日安排的通知):
 * 2023 国办发明电〔2022〕16号, 2024 国办发明电〔2023〕7号, 2025 国办发明电〔2024〕12号,
 * 2026 国办发明电〔2025〕7号 (4 Nov 2025).
 * Every day of each holiday block is listed, weekend days included; where a notice says
 * "与周末连休" (joined with the weekend) the joined weekend days are listed under the holiday too.
 * Such blocks can start in the previous year (元旦 2023 and 2024), so listOverrides(2022 or 2023)
 * shows those December days. Add a year when its notice is published (usually October–November).
 */
export const CN_OFFICIAL_CALENDAR: CalendarOverride[] = [
  // 2023
  ...holiday('元旦', '2022-12-31', '2023-01-02'),
  ...holiday('春节', '2023-01-21', '2023-01-27'),
  ...makeUp('春节', '2023-01-28', '2023-01-29'),
  ...holiday('清明节', '2023-04-05', '2023-04-05'),
  ...holiday('劳动节', '2023-04-29', '2023-05-03'),
  ...makeUp('劳动节', '2023-04-23', '2023-05-06'),
  ...holiday('端午节', '2023-06-22', '2023-06-24'),
  ...makeUp('端午节', '2023-06-25'),
  ...holiday('中秋节、国庆节', '2023-09-29', '2023-10-06'),
  ...makeUp('中秋节、国庆节', '2023-10-07', '2023-10-08'),
  // 2024
  ...holiday('元旦', '2023-12-30', '2024-01-01'),
  ...holiday('春节', '2024-02-10', '2024-02-17'),
  ...makeUp('春节', '2024-02-04', '2024-02-18'),
  ...holiday('清明节', '2024-04-04', '2024-04-06'),
  ...makeUp('清明节', '2024-04-07'),
  ...holiday('劳动节', '2024-05-01', '2024-05-05'),
  ...makeUp('劳动节', '2024-04-28', '2024-05-11'),
  ...holiday('端午节', '2024-06-08', '2024-06-10'),
  ...holiday('中秋节', '2024-09-15', '2024-09-17'),
  ...makeUp('中秋节', '2024-09-14'),
  ...holiday('国庆节', '2024-10-01', '2024-10-07'),
  ...makeUp('国庆节', '2024-09-29', '2024-10-12'),
  // 2025 (first year under the revised 《全国年节及纪念日放假办法》: 春节 and 劳动节 one day longer)
  ...holiday('元旦', '2025-01-01', '2025-01-01'),
  ...holiday('春节', '2025-01-28', '2025-02-04'),
  ...makeUp('春节', '2025-01-26', '2025-02-08'),
  ...holiday('清明节', '2025-04-04', '2025-04-06'),
  ...holiday('劳动节', '2025-05-01', '2025-05-05'),
  ...makeUp('劳动节', '2025-04-27'),
  ...holiday('端午节', '2025-05-31', '2025-06-02'),
  ...holiday('国庆节、中秋节', '2025-10-01', '2025-10-08'),
  ...makeUp('国庆节、中秋节', '2025-09-28', '2025-10-11'),
  // 2026
  ...holiday('元旦', '2026-01-01', '2026-01-03'),
  ...makeUp('元旦', '2026-01-04'),
  ...holiday('春节', '2026-02-15', '2026-02-23'),
  ...makeUp('春节', '2026-02-14', '2026-02-28'),
  ...holiday('清明节', '2026-04-04', '2026-04-06'),
  ...holiday('劳动节', '2026-05-01', '2026-05-05'),
  ...makeUp('劳动节', '2026-05-09'),
  ...holiday('端午节', '2026-06-19', '2026-06-21'),
  ...holiday('中秋节', '2026-09-25', '2026-09-27'),
  ...holiday('国庆节', '2026-10-01', '2026-10-07'),
  ...makeUp('国庆节', '2026-09-20', '2026-10-10'),
];

/** Options of a {@link WorkCalendar}; minutes are counted from local midnight. */
export interface WorkCalendarOptions {
  /** Start of the working day, default 9:00. */
  dayStartMinutes?: number;
  /** End of the working day, default 17:30. */
  dayEndMinutes?: number;
  /** Offset of local time from UTC, default +480 (Asia/Shanghai). */
  utcOffsetMinutes?: number;
}

// Far beyond any real deadline; only guards against a calendar with no working days at all.
const MAX_SCAN_DAYS = 366 * 50;

/** Working days and working hours in one local time zone, with official overrides. */
export class WorkCalendar {
  private readonly overrides = new Map<number, CalendarOverride>();
  private readonly dayStartMs: number;
  private readonly dayEndMs: number;
  private readonly offsetMs: number;

  /** Builds a calendar; a later override for the same date wins. */
  constructor(overrides: CalendarOverride[], options: WorkCalendarOptions = {}) {
    const start = options.dayStartMinutes ?? 9 * 60;
    const end = options.dayEndMinutes ?? 17 * 60 + 30;
    const offset = options.utcOffsetMinutes ?? 480;
    if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end > 24 * 60 || start >= end) {
      throw new RangeError(`Invalid working day ${start}–${end} minutes`);
    }
    if (!Number.isFinite(offset) || Math.abs(offset) > 18 * 60) {
      throw new RangeError(`Invalid UTC offset ${offset} minutes`);
    }
    this.dayStartMs = start * MINUTE_MS;
    this.dayEndMs = end * MINUTE_MS;
    this.offsetMs = offset * MINUTE_MS;
    for (const o of overrides) this.overrides.set(parseDay(o.date), { ...o });
  }

  /** Whether a local date (YYYY-MM-DD) is a working day: Mon–Fri unless overridden. */
  isWorkday(date: string): boolean {
    return this.isWorkdayNumber(parseDay(date));
  }

  /** The local calendar date (YYYY-MM-DD) of an instant. */
  localDate(at: Date): string {
    return formatDay(this.dayOf(at));
  }

  /** An instant as local date and minute, `YYYY-MM-DD HH:mm` (the time people read in a notification). */
  localDateTime(at: Date | string): string {
    const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
    return new Date(t + this.offsetMs).toISOString().slice(0, 16).replace('T', ' ');
  }

  /**
   * The instant after `hours` of working time from `from`, counting only [dayStart, dayEnd) on
   * working days; a start outside working time counts from the next working moment, and a result
   * that lands exactly on dayEnd stays there rather than moving to the next morning.
   */
  addWorkingHours(from: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be >= 0, got ${hours}`);
    let remaining = Math.round(hours * 3_600_000);
    let day = this.dayOf(from);
    let t = this.localMs(from) - day * DAY_MS;
    for (let scanned = 0; scanned < MAX_SCAN_DAYS; scanned++, day++, t = 0) {
      if (!this.isWorkdayNumber(day)) continue;
      const begin = Math.max(t, this.dayStartMs);
      if (begin >= this.dayEndMs) continue;
      const available = this.dayEndMs - begin;
      if (remaining <= available) return this.instant(day, begin + remaining);
      remaining -= available;
    }
    throw new RangeError('addWorkingHours: no working time found');
  }

  /**
   * The deadline `days` working days after `from`: dayEnd of the N-th working day after the local
   * day of `from` (whether or not that day works); days = 0 gives dayEnd of that day if it works,
   * else of the next working day.
   */
  addWorkingDays(from: Date, days: number): Date {
    if (!Number.isInteger(days) || days < 0)
      throw new RangeError(`days must be an integer >= 0, got ${days}`);
    let day = this.dayOf(from);
    if (days === 0) {
      day = this.nextWorkday(day, true);
    } else {
      for (let n = 0; n < days; n++) day = this.nextWorkday(day, false);
    }
    return this.instant(day, this.dayEndMs);
  }

  /**
   * Working days d with localDay(a) < d <= localDay(b), negative when b is earlier; so
   * workingDaysBetween(x, addWorkingDays(x, n)) === n for n >= 1.
   */
  workingDaysBetween(a: Date, b: Date): number {
    const da = this.dayOf(a);
    const db = this.dayOf(b);
    const [lo, hi, sign] = da <= db ? [da, db, 1] : [db, da, -1];
    let count = 0;
    for (let d = lo + 1; d <= hi; d++) if (this.isWorkdayNumber(d)) count++;
    return sign * count;
  }

  /** The overrides whose date falls in `year`, sorted by date. */
  listOverrides(year: number): CalendarOverride[] {
    const prefix = `${String(year).padStart(4, '0')}-`;
    return [...this.overrides.values()]
      .filter((o) => o.date.startsWith(prefix))
      .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))
      .map((o) => ({ ...o }));
  }

  private isWorkdayNumber(day: number): boolean {
    const o = this.overrides.get(day);
    if (o) return o.isWorkday;
    // 1970-01-01 was a Thursday: weekday index 0 = Thursday, so 2 = Saturday and 3 = Sunday.
    const w = ((day % 7) + 7) % 7;
    return w !== 2 && w !== 3;
  }

  /** The first working day >= day (inclusive) or > day (exclusive). */
  private nextWorkday(day: number, inclusive: boolean): number {
    let d = inclusive ? day : day + 1;
    for (let scanned = 0; scanned < MAX_SCAN_DAYS; scanned++, d++) {
      if (this.isWorkdayNumber(d)) return d;
    }
    throw new RangeError('WorkCalendar: no working day found');
  }

  private localMs(at: Date): number {
    const ms = at.getTime();
    if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
    return ms + this.offsetMs;
  }

  private dayOf(at: Date): number {
    return Math.floor(this.localMs(at) / DAY_MS);
  }

  private instant(day: number, msOfDay: number): Date {
    return new Date(day * DAY_MS + msOfDay - this.offsetMs);
  }
}

/** How many days before a calendar year starts a year without published holidays is warned about. */
export const HOLIDAY_WARNING_DAYS = 60;

/**
 * The years that need the State Council's holiday notice and have none: the current year, and the next
 * one from HOLIDAY_WARNING_DAYS before it starts (dates in China Standard Time). A year counts as
 * published when the calendar holds at least one day off in it.
 */
export function yearsWithoutHolidays(days: { date: string; isWorkday: boolean }[], now: Date): number[] {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  const year = local.getUTCFullYear();
  const nextStarts = Date.UTC(year + 1, 0, 1) - 8 * 3_600_000;
  const years = [year];
  if (nextStarts - now.getTime() <= HOLIDAY_WARNING_DAYS * 86_400_000) years.push(year + 1);
  const published = new Set(days.filter((d) => !d.isWorkday).map((d) => Number(d.date.slice(0, 4))));
  return years.filter((y) => !published.has(y));
}
