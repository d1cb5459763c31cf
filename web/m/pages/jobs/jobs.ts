/**
 * What the jobs pages share: the API's answers by name, the page's words for a posting's kind, wage,
 * occupation and distance (the server's labels are Chinese only), and where the map centres when the
 * phone gives no position.
 */
import type { GetAnswer, ItemOf } from '@shared/types';

export type PostingSearch = GetAnswer<'/api/jobs/postings'>;
export type Posting = GetAnswer<'/api/jobs/postings/{id}'>;
export type Station = ItemOf<'/api/jobs/stations'>;
export type Application = GetAnswer<'/api/jobs/applications/{id}'>;
export type UncoveredVillage = PostingSearch['uncoveredVillages'][number];

/** The 零工服务中心 at 合泰马路市场: the map's centre when the phone gives no position. */
export const CENTRE = { lat: 27.8652, lng: 113.1718 };

/** How far the doorstep map looks around its centre, in metres. */
export const RADIUS_M = 3000;

type T = (key: string, named?: Record<string, unknown>) => string;
type Te = (key: string) => boolean;

/** A distance as people say it: metres below a kilometre, else kilometres with one decimal. */
export function distanceText(t: T, m: number | undefined | null): string {
  if (m === undefined || m === null) return '';
  return m < 1000
    ? t('jobs.metres', { n: Math.round(m) })
    : t('jobs.kilometres', { n: (m / 1000).toFixed(1) });
}

/** A wage in yuan with its unit: "200 元/天". */
export function wageText(t: T, fen: number, unit: string): string {
  const yuan = fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2);
  return `${yuan} ${t(`jobs.units.${unit}`)}`;
}

/** The occupation's name in the page's language, else the server's (Chinese) name. */
export function occupationText(t: T, te: Te, code: string, fallback: string): string {
  const key = `jobs.occupations.o${code.replaceAll('-', '_')}`;
  return te(key) ? t(key) : fallback;
}

/** A label from a message group, or the server's label when the page has none for that value. */
export function labelOf(t: T, te: Te, group: string, value: string, fallback: string): string {
  const key = `jobs.${group}.${value}`;
  return te(key) ? t(key) : fallback;
}
