import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { verifyChains } from '../../modules/audit/index.ts';
import { DEMO_USERS } from '../hetang.ts';
import { STATUSES, verifyProblemStates } from '../../modules/problems/index.ts';

/** The Hetang demo reproduces the article's figures through the dashboard's own API. */
describe('Hetang demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo', clock: 'system' });
  });
  afterAll(() => t.close());

  it('shows 15 / 36 / 53 resolved, 3 firms financed with 35,000,000 yuan and 34.23 亩 for the campaign', async () => {
    const anon = t.client();
    const campaigns = (await anon.get('/api/campaigns')).body.items;
    const campaign = campaigns.find((c: { name: string }) => c.name === '走基层、找问题、想办法、促发展');
    expect(campaign).toBeTruthy();
    const s = (await anon.get(`/api/stats/summary?campaign=${campaign.id}&groupBy=domain`)).body;
    const resolved = Object.fromEntries(
      s.groups.map((g: { key: string; resolved: number }) => [g.key, g.resolved]),
    );
    expect(resolved).toEqual({ enterprise_development: 15, business_environment: 36, livelihood: 53 });
    expect(s.totals.resolved).toBe(104);
    const ind = Object.fromEntries(
      s.totals.indicators.map((i: { code: string; value: number }) => [i.code, i.value]),
    );
    expect(ind.financed_enterprises).toBe(3);
    expect(ind.financing_amount).toBe(35_000_000);
    expect(ind.idle_land_area).toBe(34.23);
    expect((await anon.get('/api/topics')).body.items).toHaveLength(34);
  });

  it("reproduces the article's figures from records as of its date, Hetang's story only", async () => {
    const anon = t.client();
    const campaign = (await anon.get('/api/campaigns')).body.items.find(
      (c: { name: string }) => c.name === '走基层、找问题、想办法、促发展',
    );
    expect(campaign.description).toContain('34名在职处级以上干部');
    const asOf = (await anon.get(`/api/stats/summary?campaign=${campaign.id}&to=2024-01-08&groupBy=domain`))
      .body;
    const resolved = Object.fromEntries(
      asOf.groups.map((g: { key: string; resolved: number }) => [g.key, g.resolved]),
    );
    expect(resolved).toEqual({ enterprise_development: 15, business_environment: 36, livelihood: 53 });
    const ind = Object.fromEntries(
      asOf.totals.indicators.map((i: { code: string; value: number }) => [i.code, i.value]),
    );
    expect([ind.financed_enterprises, ind.financing_amount, ind.idle_land_area]).toEqual([
      3, 35_000_000, 34.23,
    ]);
    // Resolved by then, not only reported by then: every one closed before the article's day.
    const sup = await t.as('demo-supervisor');
    const closed = await t.ctx.db
      .selectFrom('problems')
      .select(['closed_at'])
      .where('campaign_id', '=', campaign.id)
      .where('resolved', '=', 1)
      .execute();
    expect(closed).toHaveLength(104);
    for (const c of closed)
      expect(Date.parse(c.closed_at!)).toBeLessThan(Date.parse('2024-01-08T00:00:00+08:00'));
    // The work goes on after the article: campaign problems found later, still being handled.
    const later = (await sup.get(`/api/problems?campaign=${campaign.id}&from=2024-01-08&pageSize=1`)).body;
    expect(later.total).toBeGreaterThan(0);
    // Hetang's topics only: 爱蕾小屋 is 天元区's, the CO warning a public notice; 单证速办 is 民呼我为.
    const topics = (await anon.get('/api/topics')).body.items as { title: string; domain: string }[];
    expect(topics).toHaveLength(34);
    expect(topics.filter((x) => /爱蕾小屋|一氧化碳|燃气/.test(x.title))).toEqual([]);
    expect(topics.find((x) => x.title.includes('单证速办'))?.domain).toBe('livelihood');
    const idCards = (
      await sup.get(
        `/api/problems?campaign=${campaign.id}&q=${encodeURIComponent('临时身份证')}&pageSize=100`,
      )
    ).body;
    expect(idCards.total).toBeGreaterThan(0);
    for (const p of idCards.items) expect(p.domain).toBe('livelihood');
  });

  it('has problems in every state, 7 townships, 62 villages, about 25 units and the demo users', async () => {
    const sup = await t.as('demo-supervisor');
    for (const status of STATUSES) {
      const r = await sup.get(`/api/problems?status=${status}&pageSize=1`);
      expect(r.body.total, status).toBeGreaterThan(0);
    }
    const all = await sup.get('/api/problems?pageSize=1');
    expect(all.body.total).toBeGreaterThanOrEqual(300);
    const townships = (await sup.get('/api/divisions?parent=430202')).body.items;
    expect(townships).toHaveLength(7);
    let villages = 0;
    for (const tw of townships)
      villages += (await sup.get(`/api/divisions?parent=${tw.code}`)).body.items.length;
    expect(villages).toBe(62);
    const units = (await sup.get('/api/units')).body.items;
    expect(units.length).toBeGreaterThanOrEqual(20);
    expect(units.length).toBeLessThanOrEqual(30);
    for (const u of DEMO_USERS) {
      expect((await t.client().login(u)).status, u).toBe(200);
    }
    const official = await t.as('demo-official');
    expect((await official.get('/api/topics?mine=1')).body.items).toHaveLength(1);
  });

  it('spreads the problems over 2023-2024 and keeps its logs intact', async () => {
    const sup = await t.as('demo-supervisor');
    const y23 = await sup.get('/api/problems?from=2023-01-01&to=2024-01-01&pageSize=1');
    const y24 = await sup.get('/api/problems?from=2024-01-01&to=2025-01-01&pageSize=1');
    expect(y23.body.total).toBeGreaterThan(50);
    expect(y24.body.total).toBeGreaterThan(50);
    const report = await verifyChains(t.ctx.db);
    expect(report.ok).toBe(true);
    expect(report.checked.actions).toBeGreaterThan(1000);
    // Every problem's status, deadlines, units and result equal what its log says.
    const state = await verifyProblemStates(t.ctx.db, '430202', await t.ctx.reference.get('430202'));
    expect(state.differences).toEqual([]);
    expect(state.checked).toBeGreaterThanOrEqual(300);
  });

  it('finds problems by Chinese full-text search', async () => {
    const sup = await t.as('demo-supervisor');
    const r = await sup.get(`/api/problems?q=${encodeURIComponent('独居老人')}&pageSize=50`);
    const texts: string[] = r.body.items.map(
      (p: { title: string; description: string }) => p.title + p.description,
    );
    const whole = texts.filter((text) => text.includes('独居老人')).length;
    expect(whole).toBeGreaterThan(0);
    // Ranked: the problems holding the whole phrase come before those holding only some of its words.
    expect(texts.slice(0, whole).every((text) => text.includes('独居老人'))).toBe(true);
    const none = await sup.get(`/api/problems?q=${encodeURIComponent('火星基地')}`);
    expect(none.body.total).toBe(0);
  });
});
