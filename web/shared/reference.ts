import { api } from './api';
import type { Category, Division, Indicator } from './types';

export const ROOT_DIVISION = '430202';

let categories: Promise<Category[]> | null = null;

/** Keeps the last good answer on the device, so that field pages work offline. */
export async function cached<T>(key: string, fetcher: () => Promise<T>): Promise<T> {
  const storeKey = `qingdan.cache.${key}`;
  try {
    const value = await fetcher();
    try {
      localStorage.setItem(storeKey, JSON.stringify(value));
    } catch {
      /* storage full or unavailable */
    }
    return value;
  } catch (e) {
    const stored = localStorage.getItem(storeKey);
    if (stored) return JSON.parse(stored) as T;
    throw e;
  }
}
const divisionCache = new Map<string, Promise<Division[]>>();
let indicators: Promise<Indicator[]> | null = null;

/** Result indicators (`GET /api/indicators`) with their English names, fetched once per page load. */
export function loadIndicators(): Promise<Indicator[]> {
  indicators ??= api.list<Indicator>('/api/indicators');
  indicators.catch(() => (indicators = null));
  return indicators;
}

/** Categories (`GET /api/categories`), fetched once per page load. */
export function loadCategories(): Promise<Category[]> {
  categories ??= cached('categories', () => api.list<Category>('/api/categories'));
  categories.catch(() => (categories = null));
  return categories;
}

/** Children of a division (`GET /api/divisions?parent=`), cached. */
export function loadDivisions(parent = ROOT_DIVISION): Promise<Division[]> {
  let p = divisionCache.get(parent);
  if (!p) {
    p = cached(`divisions.${parent}`, () => api.list<Division>('/api/divisions', { parent }));
    p.catch(() => divisionCache.delete(parent));
    divisionCache.set(parent, p);
  }
  return p;
}

/** Categories grouped by domain, in the order the server lists them. */
export function groupByDomain(list: Category[]): { domain: string; domainName: string; items: Category[] }[] {
  const groups = new Map<string, { domain: string; domainName: string; items: Category[] }>();
  for (const c of list) {
    let g = groups.get(c.domain);
    if (!g) {
      g = { domain: c.domain, domainName: c.domainName ?? c.domain, items: [] };
      groups.set(c.domain, g);
    }
    g.items.push(c);
  }
  return [...groups.values()];
}
