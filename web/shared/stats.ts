import { api } from './api';
import type { Campaign, StatsSummary } from './types';

/** KPIs (`GET /api/stats/summary`) grouped one way, for a campaign and a period (`to` not included). */
export function loadSummary(
  groupBy: string,
  campaign?: string,
  period: { from?: string; to?: string } = {},
): Promise<StatsSummary> {
  return api.get<StatsSummary>('/api/stats/summary', { groupBy, campaign, ...period });
}

/** The day after a date (YYYY-MM-DD): the API's `to` leaves its own day out, a date picker's end keeps it. */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A month (YYYY-MM) as the list's period: its first day and the first day of the next month. */
export function monthPeriod(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

/** The campaigns, newest first as the server lists them. */
export async function loadCampaigns(): Promise<Campaign[]> {
  return api.list<Campaign>('/api/campaigns');
}
