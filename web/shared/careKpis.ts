/**
 * The home-care tiles of the big screen, declared once: which figure of `GET /api/care/today` each tile
 * shows and how. The screen renders the list and never names a figure itself; its words are spread into
 * the screen's messages.
 */
import { api } from './api';
import { CARE_KIND_WORDS_EN, CARE_KIND_WORDS_ZH } from './careWords';
import type { GetAnswer } from './types';

export type CareToday = GetAnswer<'/api/care/today'>;

export interface CareTile {
  /** Its words: `careKpi.<key>`. */
  key: string;
  value: (k: CareToday) => number | null;
  format: 'count' | 'percent' | 'yuan';
  tone: 'green' | 'blue' | 'orange' | 'red';
}

/** The screen's tiles, in order. */
export const SCREEN_CARE_TILES: readonly CareTile[] = [
  { key: 'orders', value: (k) => k.orders, format: 'count', tone: 'blue' },
  { key: 'mealsServed', value: (k) => k.mealsServed, format: 'count', tone: 'green' },
  { key: 'subsidySpent', value: (k) => k.subsidySpentFen / 100, format: 'yuan', tone: 'orange' },
  {
    key: 'satisfaction',
    value: (k) => (k.satisfaction.rate === null ? null : Math.round(k.satisfaction.rate * 1000) / 10),
    format: 'percent',
    tone: 'green',
  },
];

/** Today's figures, or null where the reader may not see them. */
export function loadCareToday(): Promise<CareToday | null> {
  return api.get<CareToday>('/api/care/today').catch(() => null);
}

/** A tile's figure as text: a count, a percentage, or yuan with two decimals. */
export function careTileText(tile: CareTile, k: CareToday | null, locale: string): string {
  const v = k ? tile.value(k) : null;
  if (v === null) return '—';
  if (tile.format === 'percent') return `${v}%`;
  const lang = locale.startsWith('zh') ? 'zh-CN' : 'en-US';
  if (tile.format === 'yuan')
    return v.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return v.toLocaleString(lang, { maximumFractionDigits: 0 });
}

/** The tiles' words. */
export const careKpiZh = {
  careKpi: {
    title: '居家养老 · 今日',
    orders: '今日服务订单',
    mealsServed: '食堂就餐人次',
    subsidySpent: '今日补贴支出（元）',
    satisfaction: '本月服务满意率',
    kinds: CARE_KIND_WORDS_ZH,
  },
};

export const careKpiEn: typeof careKpiZh = {
  careKpi: {
    title: 'Home care · today',
    orders: 'Care orders today',
    mealsServed: 'Canteen meals served',
    subsidySpent: 'Subsidy spent today (yuan)',
    satisfaction: 'Satisfaction this month',
    kinds: CARE_KIND_WORDS_EN,
  },
};
