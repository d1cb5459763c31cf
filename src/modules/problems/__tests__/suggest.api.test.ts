import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/** Issue 22: the routing suggestion learned from the demo's closed problems, and similar open problems. */
describe('GET /api/problems/suggest', () => {
  let t: TestApp;
  let operator: Client, supervisor: Client, resident: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo', clock: new Date('2024-12-20T02:00:00Z') });
    operator = await t.as('demo-operator');
    supervisor = await t.as('demo-supervisor');
    resident = await t.as('demo-resident');
  });
  afterAll(() => t.close());

  const suggest = (c: Client, q: Record<string, string | number>) =>
    c.get(`/api/problems/suggest?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`);

  it('names the unit that handled such problems, with words of the text as reasons', async () => {
    const r = await suggest(operator, {
      text: '小区垃圾站清运不及时，夏天异味很重，蚊蝇很多',
      categoryCode: 'sanitation',
      villageCode: '430202001001',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.units[0].name).toBe('区城市管理和综合执法局');
    expect(r.body.units[0].score).toBeGreaterThan(0.5);
    expect(r.body.units.length).toBeLessThanOrEqual(3);
    // The reasons quote the text: stretches of it that weighed most for the unit.
    const quoted = r.body.units[0].reasons.filter((x: string) => x.startsWith('「'));
    expect(quoted.length).toBeGreaterThan(0);
    for (const q of quoted) expect('小区垃圾站清运不及时，夏天异味很重，蚊蝇很多').toContain(q.slice(1, -1));
    expect(quoted.join('')).toMatch(/垃圾|清运|异味|蚊蝇/);

    // Without a category the words alone still point to the right unit.
    const byText = await suggest(supervisor, { text: '独居老人做饭不便，希望就近开设老年食堂或者送餐' });
    expect(byText.body.units[0].name).toBe('区民政局');
    expect(byText.body.units[0].reasons.join('')).toMatch(/老人|食堂|送餐|独居/);
  });

  it('offers the same text in another category or 14 km away, and not an unrelated neighbour', async () => {
    const base = { lat: 27.86, lng: 113.17 };
    const made = await supervisor.post('/api/problems', {
      categoryCode: 'roads',
      title: '红旗广场喷泉水管爆裂漏水',
      description: '红旗广场东侧喷泉水管爆裂，路面大面积漏水结冰，行人容易滑倒。',
      villageCode: '430202001001',
      fields: { hazard: '一般' },
      ...base,
    });
    expect(made.status).toBe(201);
    const neighbour = await supervisor.post('/api/problems', {
      categoryCode: 'education',
      title: '幼儿园报名咨询',
      description: '想咨询明年秋季幼儿园报名需要准备的材料。',
      villageCode: '430202001002',
      lat: base.lat + 0.002,
      lng: base.lng,
    });
    expect(neighbour.status).toBe(201);
    const text = '红旗广场东侧喷泉水管爆裂，路面漏水结冰，行人容易滑倒';
    // 14 km north, reported under another category.
    const far = await suggest(operator, {
      text,
      categoryCode: 'utilities',
      lat: base.lat + 0.126,
      lng: base.lng,
    });
    const hit = far.body.similar.find((s: { id: string }) => s.id === made.body.id);
    expect(hit, JSON.stringify(far.body.similar)).toBeTruthy();
    expect(hit.distanceM).toBeGreaterThan(13_500);
    expect(hit.distanceM).toBeLessThan(14_500);
    const near = await suggest(operator, { text, categoryCode: 'education', ...base });
    expect(near.body.similar[0].id).toBe(made.body.id);
    expect(near.body.similar.map((s: { id: string }) => s.id)).not.toContain(neighbour.body.id);

    // The merge dialog's list is the same function's answer.
    const merge = await supervisor.get(`/api/problems/${neighbour.body.id}/similar`);
    expect(merge.status).toBe(200);
    expect(merge.body.items.map((s: { id: string }) => s.id)).not.toContain(made.body.id);
  });

  it('answers 400 for bad input and 403 to those who do not triage', async () => {
    expect((await suggest(operator, { text: '' })).status).toBe(400);
    const half = await suggest(operator, { text: '路灯不亮', lat: 27.86 });
    expect(half.status).toBe(400);
    expect(half.body.error.details[0].path).toBe('lng');
    expect((await suggest(operator, { text: '路灯不亮', villageCode: '12' })).status).toBe(400);
    expect((await suggest(resident, { text: '路灯不亮' })).status).toBe(403);
    expect((await t.client().get('/api/problems/suggest?text=x')).status).toBe(401);
  });
});
