/**
 * 导入节假日安排: the State Council's yearly notice imported as a file (kernel/holidayNotice.ts reads it). The
 * notice is the whole of its year: the year's days are replaced by the notice's, in one transaction,
 * recorded in the administrative chain. Nothing is written when any line of it is wrong.
 */
import type { Principal } from '../../kernel/roles.ts';
import { parseHolidayNotice } from '../../kernel/holidayNotice.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { referenceRepository } from './reference.repository.ts';
import type { CalendarDay } from './reference.schema.ts';

/** What an import wrote. */
export interface CalendarImport {
  year: number;
  holidays: number;
  workdays: number;
  days: CalendarDay[];
}

/** Imports a holiday notice's text into the admin's jurisdiction (400 with each wrong line). */
export async function importHolidayNotice(
  ctx: AppContext,
  p: Principal,
  text: string,
): Promise<CalendarImport> {
  const notice = parseHolidayNotice(text);
  if (notice.problems.length || notice.year === null)
    throw badRequest(
      notice.problems.map((x) => `第 ${x.line} 行 / line ${x.line}: ${x.message}`).join('; '),
      notice.problems.map((x) => ({ path: `file.line.${x.line}`, message: x.message })),
    );
  const year = notice.year;
  const days = notice.days;
  await ctx.db.transaction().execute(async (trx) => {
    await referenceRepository.replaceCalendarYear(trx, p.jurisdictionId, year, days);
    await recordAudit(ctx, trx, p.jurisdictionId, {
      kind: 'calendar.import',
      refId: String(year),
      actorUserId: p.userId,
      summary: `导入 ${year} 年节假日安排（${days.filter((d) => !d.isWorkday).length} 天放假，${days.filter((d) => d.isWorkday).length} 天调休上班）`,
      data: days,
    });
  });
  await ctx.reference.invalidate(p.jurisdictionId);
  return {
    year,
    holidays: days.filter((d) => !d.isWorkday).length,
    workdays: days.filter((d) => d.isWorkday).length,
    days,
  };
}
