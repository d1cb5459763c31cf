/**
 * The jobs tiles of the dashboard and the big screen (荷塘大就业), declared once: which figure of
 * `GET /api/jobs/kpis` each tile shows and how. The pages render the list they are given and never
 * name a figure themselves; each app spreads the tiles' words into its messages.
 */
import { api } from './api';
import type { GetAnswer } from './types';

export type JobsKpis = GetAnswer<'/api/jobs/kpis'>;

export interface JobsTile {
  /** Its words: `jobsKpi.<key>` (and `jobsKpi.<key>Hint`). */
  key: string;
  value: (k: JobsKpis) => number | null;
  format: 'count' | 'percent' | 'yuan';
  tone: 'green' | 'blue' | 'orange' | 'red';
}

/** Every jobs tile, in the dashboard's order. */
export const JOBS_TILES: readonly JobsTile[] = [
  { key: 'placements', value: (k) => k.placements, format: 'count', tone: 'green' },
  { key: 'openPositions', value: (k) => k.postings.openPositions, format: 'count', tone: 'blue' },
  { key: 'openPostings', value: (k) => k.postings.open, format: 'count', tone: 'blue' },
  { key: 'workers', value: (k) => k.workers.registered, format: 'count', tone: 'blue' },
  { key: 'matches', value: (k) => k.matches, format: 'count', tone: 'blue' },
  { key: 'fillRate', value: (k) => k.postings.fillRate, format: 'percent', tone: 'green' },
  { key: 'wagesPaid', value: (k) => k.wages.confirmedPaid, format: 'count', tone: 'green' },
  { key: 'paidYuan', value: (k) => k.wages.paidFen / 100, format: 'yuan', tone: 'orange' },
  { key: 'unpaidRaised', value: (k) => k.wages.unpaidRaised, format: 'count', tone: 'red' },
  { key: 'stationVisits', value: (k) => k.stationVisits.total, format: 'count', tone: 'blue' },
];

/** The tiles the big screen has room for. */
export const SCREEN_JOBS_TILES: readonly JobsTile[] = JOBS_TILES.filter((t) =>
  ['placements', 'openPositions', 'wagesPaid', 'unpaidRaised'].includes(t.key),
);

/** The jobs figures, or null where the reader may not see them (they are for staff). */
export function loadJobsKpis(): Promise<JobsKpis | null> {
  return api.get<JobsKpis>('/api/jobs/kpis').catch(() => null);
}

/** A tile's figure as text: a count, a percentage, or yuan (with 万 for large sums in Chinese). */
export function tileText(tile: JobsTile, k: JobsKpis | null, locale: string): string {
  const v = k ? tile.value(k) : null;
  if (v === null) return '—';
  if (tile.format === 'percent') return `${v}%`;
  if (tile.format === 'yuan' && v >= 10_000 && locale.startsWith('zh')) return `${(v / 10_000).toFixed(1)}万`;
  return v.toLocaleString(locale.startsWith('zh') ? 'zh-CN' : 'en-US', { maximumFractionDigits: 0 });
}

/** The tiles' words; each app spreads them into its own messages. */
export const jobsKpiZh = {
  jobsKpi: {
    title: '荷塘大就业',
    placements: '新增就业',
    placementsHint: '到岗及以后的用工，计入新增就业',
    openPositions: '在招岗位数',
    openPostings: '在招招聘信息',
    workers: '登记求职者',
    matches: '匹配对接',
    fillRate: '招满率',
    wagesPaid: '工资确认已付',
    paidYuan: '已付工资（元）',
    unpaidRaised: '欠薪转人社局',
    stationVisits: '驿站服务人次',
  },
};

export const jobsKpiEn: typeof jobsKpiZh = {
  jobsKpi: {
    title: 'Hetang jobs',
    placements: 'New jobs',
    placementsHint: 'Workers on site or past it: counted as new jobs',
    openPositions: 'Open positions',
    openPostings: 'Open postings',
    workers: 'Job seekers registered',
    matches: 'Matches',
    fillRate: 'Fill rate',
    wagesPaid: 'Wages confirmed paid',
    paidYuan: 'Wages paid (yuan)',
    unpaidRaised: 'Unpaid wages to labour bureau',
    stationVisits: 'Station visits',
  },
};
