import { api } from './api';
import type { Campaign, StatsSummary } from './types';

/** KPIs (`GET /api/stats/summary`) grouped one way. */
export function loadSummary(groupBy: string, campaign?: string): Promise<StatsSummary> {
  return api.get<StatsSummary>('/api/stats/summary', { groupBy, campaign });
}

/** The campaigns, newest first as the server lists them. */
export async function loadCampaigns(): Promise<Campaign[]> {
  return api.list<Campaign>('/api/campaigns');
}
