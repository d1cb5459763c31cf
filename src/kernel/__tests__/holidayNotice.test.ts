import { describe, expect, it } from 'vitest';
import { parseHolidayNotice } from '../holidayNotice.ts';
import { CN_OFFICIAL_CALENDAR } from '../workdays.ts';

/** The schedule of 国办发明电〔2024〕12号 as published. */
const NOTICE_2025 = `国务院办公厅关于2025年部分节假日安排的通知
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。`;

describe("reading the State Council's holiday notice", () => {
  it('reads the 2025 notice into the days the built-in calendar holds', () => {
    const r = parseHolidayNotice(NOTICE_2025);
    expect(r.problems).toEqual([]);
    expect(r.year).toBe(2025);
    const want = CN_OFFICIAL_CALENDAR.filter((d) => d.date.startsWith('2025')).sort((a, b) =>
      a.date.localeCompare(b.date),
    );
    expect(r.days).toEqual(want);
  });

  it('reads dates with their year given (a 元旦 starting in December)', () => {
    const r = parseHolidayNotice(
      '国务院办公厅关于2023年部分节假日安排的通知\n一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。',
    );
    expect(r.days.map((d) => d.date)).toEqual(['2022-12-31', '2023-01-01', '2023-01-02']);
  });

  it('names the line of a wrong weekday, a wrong count, an impossible date, and returns no days', () => {
    const bad = parseHolidayNotice(
      NOTICE_2025.replace('4月27日（周日）', '4月27日（周六）')
        .replace('共3天', '共4天')
        .replace('2月8日', '2月30日'),
    );
    expect(bad.days).toEqual([]);
    expect(bad.problems.map((p) => p.line)).toEqual([3, 4, 5]);
  });
});
