/**
 * Kinds of work and wages: a wage in fen with its unit, its daily equivalent, and the check against the
 * configured local minimum wage (monthly for full-time work, hourly for the rest; a piece rate through the
 * pieces an ordinary worker makes in an hour, as the minimum-wage rules require of piece work).
 */

export const JOB_KINDS = {
  full_time: '全职',
  part_time: '兼职',
  gig_day: '零工日结',
  piece: '计件',
} as const;
export type JobKind = keyof typeof JOB_KINDS;
export const JOB_KIND_CODES = Object.keys(JOB_KINDS) as [JobKind, ...JobKind[]];

export const WAGE_UNITS = { hour: '小时', day: '天', piece: '件', month: '月' } as const;
export type WageUnit = keyof typeof WAGE_UNITS;
export const WAGE_UNIT_CODES = Object.keys(WAGE_UNITS) as [WageUnit, ...WageUnit[]];

/** Hours of a standard working day, and working days of an average month (21.75, 劳社部发〔2008〕3号). */
export const HOURS_PER_DAY = 8;
export const DAYS_PER_MONTH = 21.75;

/** The local minimum wage in fen. */
export interface MinimumWage {
  monthlyFen: number;
  hourlyFen: number;
}

/** A wage as a posting states it. */
export interface Wage {
  kind: JobKind;
  wageFen: number;
  unit: WageUnit;
  /** For piece work: pieces an ordinary worker makes in an hour. */
  piecesPerHour?: number | null;
}

/** The wage per hour in fen (null for piece work without a rate of pieces per hour). */
export function hourlyFen(w: Wage): number | null {
  switch (w.unit) {
    case 'hour':
      return w.wageFen;
    case 'day':
      return w.wageFen / HOURS_PER_DAY;
    case 'month':
      return w.wageFen / (DAYS_PER_MONTH * HOURS_PER_DAY);
    case 'piece':
      return w.piecesPerHour ? w.wageFen * w.piecesPerHour : null;
  }
}

/** The wage of a standard day in fen, rounded (what workers compare). */
export function dailyFen(w: Wage): number | null {
  const h = hourlyFen(w);
  return h === null ? null : Math.round(h * HOURS_PER_DAY);
}

/** A problem with a wage, as a field path and a zh / en message; empty when the wage is lawful. */
export function wageProblems(w: Wage, min: MinimumWage): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!Number.isSafeInteger(w.wageFen) || w.wageFen <= 0)
    return [{ path: 'wageFen', message: '工资应为正的整数（分）/ wage must be a positive number of fen' }];
  if (w.kind === 'full_time' && w.unit !== 'month')
    out.push({ path: 'wageUnit', message: '全职岗位按月计薪 / full-time wages are monthly' });
  if (w.kind === 'gig_day' && w.unit !== 'day' && w.unit !== 'hour')
    out.push({ path: 'wageUnit', message: '零工日结按天或小时计薪 / gig wages are per day or hour' });
  if (w.kind === 'piece' && w.unit !== 'piece')
    out.push({ path: 'wageUnit', message: '计件岗位按件计薪 / piece work is paid per piece' });
  if (w.unit === 'piece' && !(w.piecesPerHour && w.piecesPerHour > 0))
    out.push({
      path: 'piecesPerHour',
      message: '计件工资需填写正常每小时完成件数 / piece rates need the pieces made in an hour',
    });
  if (out.length) return out;
  const yuan = (fen: number) => (fen / 100).toFixed(2);
  if (w.unit === 'month') {
    if (w.wageFen < min.monthlyFen)
      out.push({
        path: 'wageFen',
        message: `月工资低于本地最低工资标准 ${yuan(min.monthlyFen)} 元 / below the monthly minimum wage`,
      });
  } else {
    const perHour = hourlyFen(w)!;
    if (perHour < min.hourlyFen)
      out.push({
        path: 'wageFen',
        message: `折合每小时 ${yuan(perHour)} 元，低于本地小时最低工资标准 ${yuan(min.hourlyFen)} 元 / below the hourly minimum wage`,
      });
  }
  return out;
}

/** The wage as people read it: '180 元/天'. */
export function wageLabel(wageFen: number, unit: WageUnit): string {
  const yuan = wageFen % 100 === 0 ? String(wageFen / 100) : (wageFen / 100).toFixed(2);
  return `${yuan} 元/${WAGE_UNITS[unit]}`;
}

/** Days after completion by which a wage must be confirmed paid, by kind (日结: the next day). */
export const PAY_DUE_DAYS: Record<JobKind, number> = {
  gig_day: 1,
  part_time: 7,
  piece: 7,
  full_time: 30,
};
