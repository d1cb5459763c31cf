import { describe, expect, it } from 'vitest';
import {
  CN_OFFICIAL_CALENDAR,
  WorkCalendar,
  yearsWithoutHolidays,
  type CalendarOverride,
} from '../workdays.ts';

const cal = new WorkCalendar(CN_OFFICIAL_CALENDAR);
const plain = new WorkCalendar([]);

/** An instant given in Beijing time. */
const bj = (local: string): Date => new Date(`${local}+08:00`);

describe('CN_OFFICIAL_CALENDAR', () => {
  it('has well-formed, unique dates', () => {
    const dates = CN_OFFICIAL_CALENDAR.map((o) => o.date);
    expect(new Set(dates).size).toBe(dates.length);
    for (const d of dates) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('lists make-up working days only on weekends', () => {
    for (const o of CN_OFFICIAL_CALENDAR.filter((x) => x.isWorkday)) {
      const weekday = new Date(`${o.date}T00:00:00Z`).getUTCDay();
      expect([0, 6], `${o.date} ${o.name}`).toContain(weekday);
      expect(o.name).toMatch(/调休上班$/);
    }
  });

  it.each<[number, number, number]>([
    // year, holiday days listed in that year, make-up working days
    [2023, 28, 7], // includes 2023-12-30/31, the start of 元旦 2024
    [2024, 30, 8],
    [2025, 28, 5],
    [2026, 33, 6],
  ])('%i has %i holiday days and %i make-up days', (year, off, on) => {
    const list = cal.listOverrides(year);
    expect(list.filter((o) => !o.isWorkday)).toHaveLength(off);
    expect(list.filter((o) => o.isWorkday)).toHaveLength(on);
  });

  it.each<[number, number]>([
    [2023, 249],
    [2024, 251],
    [2025, 248],
    [2026, 248],
  ])('gives %i its published total of %i working days', (year, total) => {
    expect(cal.workingDaysBetween(bj(`${year - 1}-12-31T12:00:00`), bj(`${year}-12-31T12:00:00`))).toBe(
      total,
    );
  });

  it('matches the notices on the examples', () => {
    expect(cal.isWorkday('2024-02-04')).toBe(true); // Sunday, 春节调休上班
    expect(cal.isWorkday('2024-02-18')).toBe(true);
    for (let d = 10; d <= 17; d++) expect(cal.isWorkday(`2024-02-${d}`)).toBe(false);
    expect(cal.isWorkday('2024-09-29')).toBe(true);
    expect(cal.isWorkday('2024-10-12')).toBe(true);
    expect(cal.isWorkday('2025-01-26')).toBe(true);
    expect(cal.isWorkday('2025-02-04')).toBe(false);
    expect(cal.isWorkday('2025-02-08')).toBe(true);
    expect(cal.isWorkday('2025-10-08')).toBe(false);
    expect(cal.isWorkday('2025-10-11')).toBe(true);
    expect(cal.isWorkday('2026-01-04')).toBe(true);
    expect(cal.isWorkday('2026-02-23')).toBe(false);
    expect(cal.isWorkday('2026-02-28')).toBe(true);
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.listOverrides(2026).find((o) => o.date === '2026-02-16')?.name).toBe('春节');
  });
});

describe('WorkCalendar', () => {
  it('works Monday to Friday in a plain week', () => {
    // 2024-03-11 is a Monday.
    const week = ['11', '12', '13', '14', '15', '16', '17'].map((d) => plain.isWorkday(`2024-03-${d}`));
    expect(week).toEqual([true, true, true, true, true, false, false]);
    expect(cal.isWorkday('2024-03-16')).toBe(false);
  });

  it('counts deadlines in a plain week', () => {
    const monday = bj('2024-03-11T10:00:00');
    expect(cal.addWorkingDays(monday, 0)).toEqual(bj('2024-03-11T17:30:00'));
    expect(cal.addWorkingDays(monday, 1)).toEqual(bj('2024-03-12T17:30:00'));
    expect(cal.addWorkingDays(monday, 4)).toEqual(bj('2024-03-15T17:30:00'));
    expect(cal.addWorkingDays(monday, 5)).toEqual(bj('2024-03-18T17:30:00'));
    // From a Saturday: days = 0 is the end of Monday, days = 1 too (first working day after).
    expect(cal.addWorkingDays(bj('2024-03-16T12:00:00'), 0)).toEqual(bj('2024-03-18T17:30:00'));
    expect(cal.addWorkingDays(bj('2024-03-16T12:00:00'), 1)).toEqual(bj('2024-03-18T17:30:00'));
  });

  it('pushes a deadline across 2024 国庆 and counts Saturday 12 October as a working day', () => {
    // Monday 30 Sep + 3 working days: Oct 1–7 are off, so Oct 8, 9, 10.
    expect(cal.addWorkingDays(bj('2024-09-30T09:00:00'), 3)).toEqual(bj('2024-10-10T17:30:00'));
    // Friday 27 Sep + 5: Sun 29 Sep (make-up), Mon 30 Sep, Oct 8, 9, 10.
    expect(cal.addWorkingDays(bj('2024-09-27T15:00:00'), 5)).toEqual(bj('2024-10-10T17:30:00'));
    // Thursday 10 Oct + 2: Fri 11, Sat 12 (make-up).
    expect(cal.addWorkingDays(bj('2024-10-10T11:00:00'), 2)).toEqual(bj('2024-10-12T17:30:00'));
    expect(cal.isWorkday('2024-10-12')).toBe(true);
    // A plain calendar would have put it on Thursday 3 October.
    expect(plain.addWorkingDays(bj('2024-09-30T09:00:00'), 3)).toEqual(bj('2024-10-03T17:30:00'));
  });

  it('uses the local date in +08:00, not UTC', () => {
    // 2024-03-15T23:30 UTC is Saturday 07:30 in Beijing.
    const at = new Date('2024-03-15T23:30:00Z');
    expect(cal.localDate(at)).toBe('2024-03-16');
    expect(cal.addWorkingDays(at, 0)).toEqual(bj('2024-03-18T17:30:00'));
    expect(new WorkCalendar([], { utcOffsetMinutes: 0 }).localDate(at)).toBe('2024-03-15');
  });

  it('adds working hours across a night', () => {
    // Tuesday 16:30 + 2 h: 1 h left on Tuesday, then 09:00–10:00 on Wednesday.
    expect(cal.addWorkingHours(bj('2024-03-12T16:30:00'), 2)).toEqual(bj('2024-03-13T10:00:00'));
    // Ending exactly at close stays at close.
    expect(cal.addWorkingHours(bj('2024-03-12T16:30:00'), 1)).toEqual(bj('2024-03-12T17:30:00'));
    // 1.5 working days of hours: 8.5 h per day.
    expect(cal.addWorkingHours(bj('2024-03-12T09:00:00'), 12.75)).toEqual(bj('2024-03-13T13:15:00'));
  });

  it('adds working hours across a weekend and starts outside working time at the next working moment', () => {
    // Friday 17:00 + 1 h: 30 min on Friday, 30 min on Monday.
    expect(cal.addWorkingHours(bj('2024-03-15T17:00:00'), 1)).toEqual(bj('2024-03-18T09:30:00'));
    // Saturday noon + 1 h → Monday 10:00; Friday 20:00 + 0 h → Monday 09:00; early morning → same day.
    expect(cal.addWorkingHours(bj('2024-03-16T12:00:00'), 1)).toEqual(bj('2024-03-18T10:00:00'));
    expect(cal.addWorkingHours(bj('2024-03-15T20:00:00'), 0)).toEqual(bj('2024-03-18T09:00:00'));
    expect(cal.addWorkingHours(bj('2024-03-13T06:00:00'), 1)).toEqual(bj('2024-03-13T10:00:00'));
  });

  it('adds working hours across a holiday onto a make-up Sunday', () => {
    // Friday 9 Feb 2024 17:00 + 1 h: Feb 10–17 off, Sunday 18 Feb works.
    expect(cal.addWorkingHours(bj('2024-02-09T17:00:00'), 1)).toEqual(bj('2024-02-18T09:30:00'));
  });

  it('honours custom working hours', () => {
    const c = new WorkCalendar([], { dayStartMinutes: 8 * 60, dayEndMinutes: 12 * 60 });
    expect(c.addWorkingHours(bj('2024-03-11T11:00:00'), 2)).toEqual(bj('2024-03-12T09:00:00'));
    expect(c.addWorkingDays(bj('2024-03-11T11:00:00'), 1)).toEqual(bj('2024-03-12T12:00:00'));
    expect(() => new WorkCalendar([], { dayStartMinutes: 600, dayEndMinutes: 600 })).toThrow(RangeError);
  });

  it('counts working days between two instants as the inverse of addWorkingDays', () => {
    const from = bj('2024-09-25T10:00:00');
    for (let n = 1; n <= 40; n++) {
      const deadline = cal.addWorkingDays(from, n);
      expect(cal.workingDaysBetween(from, deadline)).toBe(n);
      expect(cal.workingDaysBetween(deadline, from)).toBe(-n);
    }
    expect(cal.workingDaysBetween(bj('2024-09-30T10:00:00'), bj('2024-10-08T08:00:00'))).toBe(1);
    expect(cal.workingDaysBetween(from, from)).toBe(0);
  });

  it('lets later overrides win and lists a year sorted', () => {
    const extra: CalendarOverride[] = [
      { date: '2024-03-12', isWorkday: false, name: '临时停工' },
      { date: '2024-03-02', isWorkday: true, name: '加班' },
    ];
    const c = new WorkCalendar([...CN_OFFICIAL_CALENDAR, ...extra]);
    expect(c.isWorkday('2024-03-12')).toBe(false);
    expect(c.isWorkday('2024-03-02')).toBe(true);
    const list = c.listOverrides(2024).map((o) => o.date);
    expect(list).toEqual([...list].sort());
    expect(c.listOverrides(2030)).toEqual([]);
  });

  it('rejects malformed dates and amounts', () => {
    expect(() => cal.isWorkday('2024-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkday('20240201')).toThrow(RangeError);
    expect(() => cal.addWorkingDays(new Date(), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingHours(new Date(), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingHours(new Date(Number.NaN), 1)).toThrow(RangeError);
  });

  it('is fast enough for bulk deadline computation', () => {
    const start = performance.now();
    let t = bj('2024-01-02T10:00:00');
    for (let i = 0; i < 10_000; i++) t = cal.addWorkingHours(cal.addWorkingDays(t, 15), 30);
    expect(t.getTime()).toBeGreaterThan(0);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('yearsWithoutHolidays', () => {
  const days = [
    { date: '2026-10-01', isWorkday: false },
    { date: '2026-10-10', isWorkday: true },
    { date: '2027-02-06', isWorkday: true },
  ];

  it('warns about next year from 60 days before it starts, in +08:00', () => {
    // 2026-11-02 00:00 +08:00 is 60 days before 2027-01-01 00:00 +08:00.
    expect(yearsWithoutHolidays(days, new Date('2026-11-01T15:59:59Z'))).toEqual([]);
    expect(yearsWithoutHolidays(days, new Date('2026-11-01T16:00:00Z'))).toEqual([2027]);
  });

  it('counts only days off as published, and warns about the current year too', () => {
    expect(yearsWithoutHolidays(days, new Date('2027-01-05T00:00:00Z'))).toEqual([2027]);
    expect(
      yearsWithoutHolidays(
        [...days, { date: '2027-01-01', isWorkday: false }],
        new Date('2026-12-01T00:00:00Z'),
      ),
    ).toEqual([]);
  });
});
