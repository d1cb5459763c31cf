import { describe, expect, it } from 'vitest';
import { CN_OFFICIAL_CALENDAR, WorkCalendar } from '../../../kernel/workdays.ts';
import { openingState, ruleProblems, type OpeningRule } from '../index.ts';

const calendar = new WorkCalendar(CN_OFFICIAL_CALENDAR);
/** A local (+08:00) time as an instant. */
const at = (local: string) => new Date(`${local}+08:00`);

const lunchWeekdays: OpeningRule = {
  rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  opens: '11:00',
  closes: '13:00',
  calendar: 'rrule_except_holidays',
  label: '午餐',
};
const everyDaySupper: OpeningRule = {
  rrule: 'FREQ=DAILY',
  opens: '17:00',
  closes: '18:30',
  calendar: 'rrule',
  label: '晚餐',
};
const officeHours: OpeningRule = {
  rrule: 'FREQ=DAILY',
  opens: '09:00',
  closes: '17:00',
  calendar: 'workdays',
};

describe('opening hours: RRULE on the working-day calendar', () => {
  it('is open inside a window and names its end', () => {
    const s = openingState([lunchWeekdays], at('2024-03-04T11:30:00'), calendar);
    expect(s).toMatchObject({ openNow: true, closesAt: '2024-03-04T05:00:00.000Z' });
    expect(s.nextOpening).toBe('2024-03-05T03:00:00.000Z');
  });

  it('is closed after hours and opens next working morning', () => {
    // Friday 2024-03-08 14:00 → Monday 2024-03-11 11:00.
    expect(openingState([lunchWeekdays], at('2024-03-08T14:00:00'), calendar)).toEqual({
      openNow: false,
      closesAt: null,
      nextOpening: '2024-03-11T03:00:00.000Z',
      nextLabel: '午餐',
    });
  });

  it('stays closed on a public holiday and opens after it (国庆节 2024-10-01…07)', () => {
    const s = openingState([lunchWeekdays], at('2024-09-30T14:00:00'), calendar);
    expect(s.nextOpening).toBe('2024-10-08T03:00:00.000Z');
  });

  it('keeps a rule that ignores holidays open on them', () => {
    const s = openingState([lunchWeekdays, everyDaySupper], at('2024-10-01T12:00:00'), calendar);
    expect(s.openNow).toBe(false);
    expect(s.nextOpening).toBe('2024-10-01T09:00:00.000Z');
    expect(s.nextLabel).toBe('晚餐');
  });

  it('opens on a make-up working day when it follows working days (调休 Sunday 2024-09-29)', () => {
    expect(calendar.isWorkday('2024-09-29')).toBe(true);
    const s = openingState([officeHours], at('2024-09-28T18:00:00'), calendar);
    expect(s.nextOpening).toBe('2024-09-29T01:00:00.000Z');
  });

  it('reports what is wrong with a rule', () => {
    expect(ruleProblems(lunchWeekdays)).toEqual([]);
    expect(ruleProblems({ ...lunchWeekdays, rrule: 'FREQ=HOURLY' })[0]).toMatch(/RRULE/);
    expect(ruleProblems({ ...lunchWeekdays, rrule: 'FREQ=DAILY;BYHOUR=11' })[0]).toMatch(/days only/);
    expect(ruleProblems({ ...lunchWeekdays, opens: '13:00', closes: '11:00' })).toEqual([
      'opens must be before closes',
    ]);
  });
});

describe('plain weekday rules', () => {
  it('answer as the RRULE engine does, day by day over two months', () => {
    for (const rrule of [
      'FREQ=DAILY',
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      'FREQ=WEEKLY;BYDAY=SA,SU',
      'FREQ=DAILY;BYDAY=TU,TH',
    ])
      for (const calendarMode of ['rrule', 'rrule_except_holidays'] as const) {
        const plain: OpeningRule = { rrule, opens: '08:30', closes: '17:30', calendar: calendarMode };
        // INTERVAL=1 says the same days but takes the engine's path.
        const engine: OpeningRule = { ...plain, rrule: `${rrule};INTERVAL=1` };
        for (let d = 0; d < 60; d++) {
          const now = new Date(Date.parse('2024-09-20T10:00:00+08:00') + d * 86_400_000);
          expect(openingState([plain], now, calendar), `${rrule} ${calendarMode} day ${d}`).toEqual(
            openingState([engine], now, calendar),
          );
        }
      }
  });
});
