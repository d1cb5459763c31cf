/**
 * The State Council's yearly notice of public holidays (国务院办公厅关于YYYY年部分节假日安排的通知) read from
 * its text, as published: one line a holiday, e.g.
 * `二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。`
 * Every date is checked against the weekday the notice gives and every range against its day count, so a
 * mistyped file is refused rather than imported. Pure: the reference module writes what this returns.
 */

/** A day of the notice: a holiday (rest) or a make-up working day (调休上班). */
export interface NoticeDay {
  date: string;
  isWorkday: boolean;
  name: string;
}

/** What is wrong with a notice, in Chinese and in English, with the line it was found on. */
export interface NoticeProblem {
  line: number;
  message: string;
}

const WEEKDAYS = '日一二三四五六';
const DATE = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:（([^）]*)）)?/gu;
const HEADING = /^[一二三四五六七八九十]+、\s*([^：:]+)[：:](.*)$/u;

const iso = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The dates of a sentence in order, each month and year carried from the one before when left out. */
function datesOf(sentence: string, year: number): { date: string; weekday: string | null; valid: boolean }[] {
  const out: { date: string; weekday: string | null; valid: boolean }[] = [];
  let y = year;
  let m: number | null = null;
  for (const g of sentence.matchAll(DATE)) {
    if (g[1]) y = Number(g[1]);
    if (g[2]) m = Number(g[2]);
    if (m === null) continue;
    const d = Number(g[3]);
    const t = new Date(Date.UTC(y, m - 1, d));
    const valid = t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
    const weekday = /周([日一二三四五六天])/u.exec(g[4] ?? '')?.[1]?.replace('天', '日') ?? null;
    out.push({ date: iso(y, m, d), weekday, valid });
  }
  return out;
}

/** The weekday (日 … 六) of an ISO date. */
const weekdayOf = (date: string) => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;

/**
 * Reads a notice: its year and its days, or what is wrong with it (nothing is returned half-read: any
 * problem means no days).
 */
export function parseHolidayNotice(text: string): {
  year: number | null;
  days: NoticeDay[];
  problems: NoticeProblem[];
} {
  const problems: NoticeProblem[] = [];
  const lines = text.replace(/\r/g, '').split('\n');
  const yearMatch = /(\d{4})\s*年\s*部分节假日安排/u.exec(text);
  if (!yearMatch)
    return {
      year: null,
      days: [],
      problems: [
        {
          line: 1,
          message: "未找到“YYYY年部分节假日安排”标题 / the notice's title with its year was not found",
        },
      ],
    };
  const year = Number(yearMatch[1]);
  const days = new Map<string, NoticeDay>();
  const add = (line: number, day: NoticeDay) => {
    const seen = days.get(day.date);
    if (seen && seen.isWorkday !== day.isWorkday)
      problems.push({
        line,
        message: `${day.date} 既放假又上班 / ${day.date} is both a holiday and a working day`,
      });
    days.set(day.date, day);
  };
  lines.forEach((raw, i) => {
    const line = i + 1;
    const h = HEADING.exec(raw.trim());
    if (!h) return;
    const name = h[1]!.trim();
    for (const sentence of h[2]!.split(/[。；;]/u)) {
      if (!/放假|上班/u.test(sentence)) continue;
      const dates = datesOf(sentence, year);
      for (const d of dates) {
        if (!d.valid)
          problems.push({ line, message: `${d.date} 不是有效日期 / ${d.date} is not a real date` });
        else if (d.weekday && weekdayOf(d.date) !== d.weekday)
          problems.push({
            line,
            message: `${d.date} 是周${weekdayOf(d.date)}，通知写周${d.weekday} / ${d.date} is not the weekday the notice gives`,
          });
      }
      if (dates.some((d) => !d.valid)) continue;
      if (/放假/u.test(sentence)) {
        const [from, to] = [dates[0], /至/u.test(sentence) ? dates[1] : dates[0]];
        if (!from || !to) {
          problems.push({ line, message: `${name}：未读出放假日期 / ${name}: no dates found` });
          continue;
        }
        const span: string[] = [];
        for (let t = Date.parse(from.date); t <= Date.parse(to.date); t += 86_400_000)
          span.push(new Date(t).toISOString().slice(0, 10));
        const total = /共\s*(\d+)\s*天/u.exec(sentence) ?? /放假\s*(\d+)\s*天/u.exec(sentence);
        if (!span.length || (total && Number(total[1]) !== span.length))
          problems.push({
            line,
            message: `${name}：${from.date} 至 ${to.date} 共 ${span.length} 天，与通知所写天数不符 / ${name}: the range does not have the number of days the notice gives`,
          });
        for (const date of span) add(line, { date, isWorkday: false, name });
      } else for (const d of dates) add(line, { date: d.date, isWorkday: true, name: `${name}调休上班` });
    }
  });
  if (!problems.length && ![...days.values()].some((d) => !d.isWorkday))
    problems.push({ line: 1, message: '通知中未读出任何放假安排 / no holiday was found in the notice' });
  return {
    year,
    days: problems.length ? [] : [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
    problems,
  };
}
