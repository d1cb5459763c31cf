import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

interface Item {
  id: string;
  number: string;
  title: string;
  description: string;
  categoryCode: string;
  status: string;
  address: string | null;
}

/**
 * Search as a person types it, on the demo data (issue 21): a word finds its category's problems, a
 * phrase finds the problems holding part of it, best match first, and a reporter's phone or name finds his
 * problems for the supervising office only. Filters and cursor pages keep working with a search.
 */
describe('searching the problem list', () => {
  let t: TestApp;
  let sup: Client;
  const search = async (c: Client, q: string, extra = '') => {
    const r = await c.get(`/api/problems?q=${encodeURIComponent(q)}&pageSize=500${extra}`);
    expect(r.status).toBe(200);
    return r.body as { items: Item[]; total: number; nextCursor: string | null };
  };
  const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('就业 finds every problem of the 就业创业 category, whatever its title says', async () => {
    const jobs = await t.ctx.db
      .selectFrom('problems')
      .select('id')
      // Hetang's own: the demo's other districts are not the supervisor's.
      .where('jurisdiction_id', '=', '430202')
      .where('category_code', '=', 'jobs')
      .execute();
    expect(jobs.length).toBeGreaterThanOrEqual(20);
    const found = await search(sup, '就业');
    expect(found.total).toBe(found.items.length);
    const foundIds = new Set(found.items.map((i) => i.id));
    for (const j of jobs) expect(foundIds.has(j.id)).toBe(true);
    // Nothing unrelated: each is of the category, or says 就业 itself.
    for (const i of found.items)
      expect(i.categoryCode === 'jobs' || `${i.title}${i.description}`.includes('就业')).toBe(true);
    // Before, the words had to be in the text: a title such as 零工人员找活信息不畅 was not found.
    expect(found.items.some((i) => !`${i.title}${i.description}`.includes('就业'))).toBe(true);
  });

  it('路灯不亮 finds the street-light problems, though none says 不亮', async () => {
    const lights = await t.ctx.db
      .selectFrom('problems')
      .select('id')
      // Hetang's own: the demo's other districts are not the supervisor's.
      .where('jurisdiction_id', '=', '430202')
      .where((eb) => eb.or([eb('title', 'like', '%路灯%'), eb('description', 'like', '%路灯%')]))
      .execute();
    expect(lights.length).toBeGreaterThan(0);
    const found = await search(sup, '路灯不亮');
    const foundIds = new Set(found.items.map((i) => i.id));
    for (const l of lights) expect(foundIds.has(l.id)).toBe(true);
    // The best matches first: the first page is street lights.
    const first = found.items.slice(0, Math.min(lights.length, 10));
    for (const i of first) expect(`${i.title}${i.description}`).toContain('路灯');
  });

  it('ranks a problem holding more of the words above one holding fewer', async () => {
    const resident = await t.as('demo-resident');
    const made = await resident.post('/api/problems', {
      categoryCode: 'roads',
      title: '小区门口路灯不亮',
      description: '晚上一直黑着，行人看不清路。',
      villageCode: '430202001001',
      fields: { hazard: '一般' },
    });
    expect(made.status).toBe(201);
    const found = await search(sup, '路灯不亮');
    const held = (i: Item) =>
      ['路灯', '灯不', '不亮'].filter((w) =>
        `${i.number}\n${i.title}\n${i.description}\n${i.address ?? ''}`.includes(w),
      ).length;
    const scores = found.items.map(held);
    expect(scores[0]).toBe(3);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(found.items.filter((i) => held(i) === 3).map((i) => i.id)).toContain(made.body.id);
  });

  it("a reporter's phone or name finds his problems for the supervisor, and for nobody else", async () => {
    const his = await t.ctx.db
      .selectFrom('problems')
      .select('id')
      // Hetang's own: the demo's other districts are not the supervisor's.
      .where('jurisdiction_id', '=', '430202')
      .where('reporter_phone', '=', '13907330001')
      .execute();
    expect(his.length).toBeGreaterThan(0);
    const byPhone = await search(sup, '13907330001');
    expect(ids(byPhone.items)).toEqual(ids(his));
    // Written as people write it.
    expect(ids((await search(sup, '139 0733 0001')).items)).toEqual(ids(his));
    const byName = await search(sup, '张居民');
    for (const h of his) expect(byName.items.map((i) => i.id)).toContain(h.id);

    for (const who of ['demo-leader', 'demo-unit', 'demo-street']) {
      const other = await t.as(who);
      const r = await search(other, '13907330001');
      expect(r.total, who).toBe(0);
    }
  });

  it('a number prefix finds the problems numbered so', async () => {
    const some = (await sup.get('/api/problems?pageSize=1&sort=number')).body.items[0] as Item;
    const prefix = some.number.slice(0, some.number.length - 2);
    const found = await search(sup, prefix);
    expect(found.total).toBeGreaterThan(0);
    for (const i of found.items) expect(i.number.startsWith(prefix)).toBe(true);
    expect(found.items.map((i) => i.number)).toContain(some.number);
  });

  it('an English name finds its category too', async () => {
    const found = await search(sup, 'jobs');
    expect(found.total).toBeGreaterThan(0);
    expect(found.items.every((i) => i.categoryCode === 'jobs')).toBe(true);
  });

  it('keeps the other filters and walks the ranked list by cursor exactly as one page', async () => {
    const closed = await search(sup, '就业', '&status=closed');
    expect(closed.total).toBeGreaterThan(0);
    expect(closed.items.every((i) => i.status === 'closed')).toBe(true);

    const whole = (await search(sup, '路灯不亮')).items.map((i) => i.id);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/problems?q=${encodeURIComponent('路灯不亮')}&pageSize=3${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await sup.get(url);
      expect(r.status).toBe(200);
      walked.push(...(r.body.items as Item[]).map((i) => i.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(whole);

    // An order asked for is kept; a cursor of another order is refused in words.
    const newest = await search(sup, '就业', '&sort=-createdAt');
    expect(ids(newest.items)).toEqual(ids((await search(sup, '就业')).items));
    const first = await sup.get(`/api/problems?q=${encodeURIComponent('就业')}&pageSize=2`);
    const wrong = await sup.get(
      `/api/problems?q=${encodeURIComponent('就业')}&pageSize=2&sort=-createdAt&cursor=${first.body.nextCursor}`,
    );
    expect(wrong.status).toBe(400);
  });
});
