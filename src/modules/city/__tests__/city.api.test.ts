import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { isDistrictOf } from '../../../platform/jurisdictions.ts';

/** Fields of the city's answer that would be personal data if they ever appeared in it. */
const PERSONAL = /reporter|phone|description|"title"|address|actor/i;

describe('the city above its districts (株洲市 430200)', () => {
  let t: TestApp;
  let city: Client, hetang: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    city = await t.as('demo-city');
    hetang = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('tells districts from the city by their division codes', () => {
    expect(['430202', '430203', '430204', '430211'].every((c) => isDistrictOf('430200', c))).toBe(true);
    expect(isDistrictOf('430200', '430200')).toBe(false);
    expect(isDistrictOf('430200', '430102')).toBe(false);
    expect(isDistrictOf('430202', '430203')).toBe(false);
    expect(isDistrictOf('430000', '430200')).toBe(false);
  });

  it('shows demo-city the four districts’ KPIs and unit scores side by side, without personal data', async () => {
    const r = await city.get('/api/city/districts?month=2024-01');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.city).toEqual({ divisionCode: '430200', name: '株洲市' });
    const byCode = Object.fromEntries(
      (r.body.districts as { divisionCode: string }[]).map((d) => [d.divisionCode, d]),
    ) as Record<string, any>;
    expect(Object.keys(byCode).sort()).toEqual(['430202', '430203', '430204', '430211']);
    expect(byCode['430202'].name).toBe('荷塘区');
    // Hetang's figures are its own public summary's, exactly.
    const own = (await t.client().get('/api/stats/summary')).body.totals;
    expect(byCode['430202'].totals.received).toBe(own.received);
    expect(byCode['430202'].totals.resolved).toBe(own.resolved);
    // The other districts' story problems: 芦淞 4, 石峰 4, 天元 3, received in January 2024.
    expect(byCode['430203'].totals.received).toBe(4);
    expect(byCode['430204'].totals.received).toBe(4);
    expect(byCode['430211'].totals.received).toBe(3);
    expect(byCode['430203'].month.received).toBe(4);
    expect(byCode['430211'].month.resolved).toBe(2);
    expect(byCode['430211'].month.satisfactionRate).toBe(1);
    // 天元区's town that passed its problem down to 建龙村 is ranked among its units.
    const tianyuan = byCode['430211'].units as { name: string; score: number | null; rank: number | null }[];
    expect(tianyuan.map((u) => u.name)).toEqual(expect.arrayContaining(['雷打石镇', '区民政局']));
    expect(tianyuan.find((u) => u.name === '雷打石镇')!.score).not.toBeNull();
    expect(JSON.stringify(r.body)).not.toMatch(PERSONAL);
    // Without a month: the latest month in which a district received a problem.
    const latest = await city.get('/api/city/districts');
    expect(latest.status).toBe(200);
    expect(latest.body.month).toMatch(/^\d{4}-\d{2}$/);
    expect((await city.get('/api/city/districts?month=2024-13')).status).toBe(400);
  });

  it('names each user’s jurisdiction and its level for the console', async () => {
    const me = await city.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('demo-city');
    expect(me.body.jurisdiction).toEqual({
      id: '430200',
      name: '株洲市',
      divisionCode: '430200',
      level: 'city',
    });
    const district = (await hetang.get('/api/auth/me')).body.jurisdiction;
    expect(district).toMatchObject({ name: '荷塘区', divisionCode: '430202', level: 'district' });
    // Signing in answers it too, so the console needs no second request.
    const signIn = await t
      .client()
      .post('/api/auth/login', { username: 'demo-city', password: 'qingdan-demo' });
    expect(signIn.status).toBe(200);
    expect(signIn.body.jurisdiction).toMatchObject({ name: '株洲市', level: 'city' });
  });

  it('gives demo-city no district’s problem: detail 404, lists and actions empty or refused', async () => {
    for (const jid of ['430202', '430203', '430211']) {
      const rows = await t.ctx.db
        .selectFrom('problems')
        .select('id')
        .where('jurisdiction_id', '=', jid)
        .limit(3)
        .execute();
      expect(rows.length).toBeGreaterThan(0);
      for (const { id } of rows) {
        const r = await city.get(`/api/problems/${id}`);
        expect([403, 404], `${jid} ${id}`).toContain(r.status);
        expect((await city.post(`/api/problems/${id}/actions/press`, { note: '加快' })).status).toBe(404);
        expect((await city.get(`/api/problems/${id}/press-notice.pdf`)).status).toBe(404);
      }
    }
    // Asking for another jurisdiction by header changes nothing for a signed-in user.
    const list = await city.get('/api/problems?pageSize=5', { 'x-jurisdiction': '430202' });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(0);
  });

  it('keeps each district to itself: a district’s office has no city view and cannot read the others', async () => {
    const r = await hetang.get('/api/city/districts');
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain('没有区县');
    const tianyuan = await t.ctx.db
      .selectFrom('problems')
      .select('id')
      .where('jurisdiction_id', '=', '430211')
      .executeTakeFirstOrThrow();
    expect((await hetang.get(`/api/problems/${tianyuan.id}`)).status).toBe(404);
    expect((await t.client().get('/api/city/districts')).status).toBe(401);
  });

  it('leaves Hetang’s campaign figures as the article has them (15 / 36 / 53)', async () => {
    const campaigns = (await hetang.get('/api/campaigns')).body.items as { id: string }[];
    const s = await hetang.get(
      `/api/stats/summary?campaign=${campaigns[0]!.id}&to=2024-01-08&groupBy=domain`,
    );
    const resolved = Object.fromEntries(
      (s.body.groups as { key: string; resolved: number }[]).map((g) => [g.key, g.resolved]),
    );
    expect([resolved.enterprise_development, resolved.business_environment, resolved.livelihood]).toEqual([
      15, 36, 53,
    ]);
  });
});
