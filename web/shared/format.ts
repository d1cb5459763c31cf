import type { ProblemStatus } from './types';

/** "2024-01-15 09:30" in local time. */
export function formatDateTime(iso?: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "2024-01-15" in local time. */
export function formatDate(iso?: string | null): string {
  return formatDateTime(iso).slice(0, 10);
}

/** A rate given as 0..1 (or already as a percentage) shown as "93.5%"; "—" when unknown. */
export function formatRate(v?: number | null): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const pct = v <= 1 ? v * 100 : v;
  return `${pct.toFixed(1)}%`;
}

/** A rate as a number 0..100 for charts. */
export function ratePct(v?: number | null): number {
  if (v === null || v === undefined || Number.isNaN(v)) return 0;
  return Math.round((v <= 1 ? v * 100 : v) * 10) / 10;
}

/** A rate as a number 0..100 for charts, or null where there is nothing to rate: the chart leaves a gap. */
export function rateOrGap(v?: number | null): number | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  return ratePct(v);
}

/** Colours per status, shared by tags, map markers and charts. */
export const statusColor: Record<ProblemStatus, string> = {
  submitted: '#909399',
  returned: '#b88230',
  rejected: '#a8abb2',
  assigned: '#409eff',
  bounced: '#e6a23c',
  in_progress: '#1989fa',
  closure_requested: '#7a5af8',
  closed: '#19a15f',
  merged: '#b1b3b8',
};

/** A status's colour; an unknown status (a newer server) gets the neutral blue. */
export function colorOfStatus(status: string): string {
  const colors: Record<string, string | undefined> = statusColor;
  return colors[status] ?? '#409eff';
}

/** The status tag type used by Vant and Element Plus. */
export function statusTagType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (s) {
    case 'closed':
      return 'success';
    case 'bounced':
    case 'returned':
    case 'closure_requested':
      return 'warning';
    case 'rejected':
      return 'danger';
    case 'submitted':
    case 'merged':
      return 'info';
    default:
      return 'primary';
  }
}

/** The status tag type for Vant (which calls the neutral type "default"). */
export function statusVantType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  const v = statusTagType(s);
  return v === 'info' ? 'default' : v;
}

/** English names of the indicator units the categories use. */
const UNITS_EN: Record<string, string> = {
  元: 'yuan',
  家: 'enterprises',
  亩: 'mu',
  天: 'days',
  人: 'people',
  人次: 'person-times',
  个: 'items',
  项: 'items',
  次: 'times',
};

/** An indicator's unit in the given language (units are stored in Chinese). */
export function indicatorUnit(unit: string, locale: string): string {
  return locale.startsWith('en') ? (UNITS_EN[unit] ?? unit) : unit;
}

/** A category's (or domain's) name in the UI language: its English name in English, where the admin gave one. */
export function refName(item: { name: string; nameEn?: string | null }, locale: string): string {
  return locale.startsWith('en') && item.nameEn ? item.nameEn : item.name;
}

/** An indicator's name in the given language, from the reference list when it knows an English name. */
export function indicatorName(
  ind: { code: string; name?: string },
  locale: string,
  known: { code: string; nameEn?: string }[] = [],
): string {
  const en = locale.startsWith('en') ? known.find((k) => k.code === ind.code)?.nameEn : undefined;
  return en || ind.name || ind.code;
}

/**
 * An indicator value with its unit; yuan amounts of 10,000 and more are shown in 万元 as the article does. In
 * English, where nobody counts in ten thousands, large amounts are in millions (35 million yuan) and the rest
 * in yuan with thousands separated.
 */
export function formatIndicator(value: number, unit: string, wan = '万元', locale = 'zh-CN'): string {
  if (unit === '元' && locale.startsWith('en')) {
    const round = (v: number) => v.toLocaleString('en', { maximumFractionDigits: 2 });
    return Math.abs(value) >= 1_000_000 ? `${round(value / 1_000_000)} million yuan` : `${round(value)} yuan`;
  }
  if (unit === '元' && Math.abs(value) >= 10000) {
    const v = value / 10000;
    return `${Number.isInteger(v) ? v : v.toFixed(2)} ${wan}`;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(2)} ${indicatorUnit(unit, locale)}`;
}

/** The name of a unit given as a name or as `{id, name}`. */
export function unitName(u: string | { name: string } | null | undefined): string {
  return typeof u === 'string' ? u : (u?.name ?? '');
}
