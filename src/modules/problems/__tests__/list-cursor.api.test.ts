/**
 * Keyset pages: following `nextCursor` from the first page gives exactly the list that page numbers give, in
 * every order (including the deadline order, where problems without a deadline come last), and a cursor
 * that does not belong to the request is refused with a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

interface Page {
  items: { id: string; closeDueAt: string | null }[];
  total: number;
  nextCursor: string | null;
}

describe('list pages by cursor', () => {
  let t: TestApp;
  let sup: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  const byPages = async (query: string, size: number): Promise<string[]> => {
    const out: string[] = [];
    for (let page = 1; ; page++) {
      const r = await sup.get(`/api/problems?${query}&pageSize=${size}&page=${page}`);
      expect(r.status).toBe(200);
      out.push(...(r.body as Page).items.map((i) => i.id));
      if ((r.body as Page).items.length < size) return out;
    }
  };
  const byCursor = async (query: string, size: number): Promise<{ ids: string[]; pages: number }> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await sup.get(
        `/api/problems?${query}&pageSize=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.status).toBe(200);
      const body = r.body as Page;
      ids.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    return { ids, pages };
  };

  it('walks every order to the same list as page numbers, each problem once', async () => {
    const total = (await sup.get('/api/problems?pageSize=1')).body.total as number;
    expect(total).toBeGreaterThan(20);
    const withDeadline = (await sup.get('/api/problems?pageSize=500')).body.items.filter(
      (i: { closeDueAt: string | null }) => i.closeDueAt,
    ).length;
    // The deadline order has both kinds of problem, so that its place for the empty ones is tested.
    expect(withDeadline).toBeGreaterThan(0);
    expect(withDeadline).toBeLessThan(total);
    for (const sort of [
      '-createdAt',
      'createdAt',
      '-updatedAt',
      'closeDueAt',
      '-closeDueAt',
      'number',
      '-number',
    ]) {
      const expected = await byPages(`sort=${sort}`, 7);
      expect(expected).toHaveLength(total);
      const { ids, pages } = await byCursor(`sort=${sort}`, 7);
      expect(ids, sort).toEqual(expected);
      expect(new Set(ids).size).toBe(total);
      expect(pages).toBe(Math.ceil(total / 7) + (total % 7 === 0 ? 1 : 0));
    }
    // Deadlines: the problems without one come after the others in both directions, each part in the
    // order asked for, ties by id; the second page by number (one sorted query) continues the first (two
    // parts) where a single page of all leaves it.
    for (const sort of ['closeDueAt', '-closeDueAt']) {
      const items = (await sup.get(`/api/problems?sort=${sort}&pageSize=500`)).body.items as Page['items'];
      const sign = sort.startsWith('-') ? -1 : 1;
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const sorted = [...items].sort((a, b) =>
        !a.closeDueAt || !b.closeDueAt
          ? Number(!a.closeDueAt) - Number(!b.closeDueAt) || sign * cmp(a.id, b.id)
          : sign * (cmp(a.closeDueAt, b.closeDueAt) || cmp(a.id, b.id)),
      );
      expect(items.map((i) => i.id)).toEqual(sorted.map((i) => i.id));
      const firstEmpty = items.findIndex((i) => !i.closeDueAt);
      expect(firstEmpty).toBeGreaterThan(0);
      const size = firstEmpty + 2;
      const second = (await sup.get(`/api/problems?sort=${sort}&pageSize=${size}&page=2`)).body.items;
      expect(second.map((i: { id: string }) => i.id)).toEqual(items.slice(size, 2 * size).map((i) => i.id));
    }
  });

  it('keeps the filters and the total along the way', async () => {
    const expected = await byPages('status=closed&sort=-createdAt', 3);
    const { ids } = await byCursor('status=closed&sort=-createdAt', 3);
    expect(ids).toEqual(expected);
    const first = await sup.get('/api/problems?status=closed&pageSize=3');
    const second = await sup.get(
      `/api/problems?status=closed&pageSize=3&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.total).toBe(first.body.total);
  });

  it('refuses a cursor that is not one, belongs to another order, or comes with a page', async () => {
    const first = await sup.get('/api/problems?pageSize=2&sort=-createdAt');
    const cursor = encodeURIComponent(first.body.nextCursor as string);
    let r = await sup.get('/api/problems?cursor=not-a-cursor');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('nextCursor');
    r = await sup.get(`/api/problems?cursor=${cursor}&sort=number`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('sort=-createdAt');
    r = await sup.get(`/api/problems?cursor=${cursor}&page=2`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('no page');
  });
});
