import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { problemSearchText, queryTokens, tokenize } from '../../../kernel/text.ts';

/**
 * The ranked search equals its plain definition (docs/decisions/0010-ranked-search.md), computed here from
 * every row of the jurisdiction: a problem scores a point per query token held in its text or in the names
 * of its category, domain, township, village or lead unit; an exact key (number prefix, reporter's phone or
 * name for staff who may see reporters) is worth more than all tokens; it is found when it holds a longer
 * token (or any, where the query has no longer one) or an exact key, and reaches a third of the tokens;
 * ranked by score, then newest, then id. Every page walked by cursor and the total must be exactly that.
 */
describe('ranked search equals its plain definition', () => {
  let t: TestApp;
  let sup: Client;
  const JID = '430202';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  /** The found problems' ids in rank order, computed from all rows. */
  async function plain(q: string): Promise<string[]> {
    const rows = await t.ctx.db
      .selectFrom('problems')
      .selectAll()
      .where('jurisdiction_id', '=', JID)
      .execute();
    const names = (await t.ctx.reference.get(JID)).searchNames();
    const text = q.trim();
    const compact = text.replace(/[\s-]/g, '');
    const upper = text.toUpperCase().replace(/\s/g, '');
    const numberPrefix = /^[A-Z]{1,8}-\d{1,4}(-\d{0,8})?$/.test(upper) ? upper : null;
    const phone = /^(?:\+?86)?(1\d{10}|0\d{9,11})$/.exec(compact)?.[1] ?? null;
    const reporterName = !phone && !numberPrefix && text.length <= 40 ? text : null;
    const tokens = numberPrefix || phone ? [] : queryTokens(text);
    const strong = tokens.filter((w) => [...w].length >= 2);
    const finders = new Set(strong.length ? strong : tokens);
    const need = Math.max(1, Math.ceil(tokens.length / 3));
    const holds = (list: { key: string; tokens: Set<string> }[], key: string | null, w: string) =>
      !!key && list.some((n) => n.key === key && n.tokens.has(w));
    const found: { id: string; score: number; createdAt: string }[] = [];
    for (const r of rows) {
      const own = new Set(tokenize(problemSearchText(r)));
      const held = tokens.filter(
        (w) =>
          own.has(w) ||
          holds(names.categories, r.category_code, w) ||
          holds(names.domains, r.domain, w) ||
          holds(names.divisions, r.township_code, w) ||
          holds(names.divisions, r.village_code, w) ||
          holds(names.units, r.lead_unit_id, w),
      );
      const exact =
        (numberPrefix !== null && r.number.startsWith(numberPrefix)) ||
        (phone !== null && r.reporter_phone === phone) ||
        (reporterName !== null && r.reporter_name === reporterName);
      const score = held.length + (exact ? tokens.length + 1 : 0);
      const candidate = exact || held.some((w) => finders.has(w));
      if (candidate && score >= need) found.push({ id: r.id, score, createdAt: r.created_at });
    }
    found.sort(
      (a, b) =>
        b.score - a.score ||
        (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) ||
        (a.id < b.id ? 1 : -1),
    );
    return found.map((f) => f.id);
  }

  /**
   * The ranked list as the API walks it, page by page, and its total. Without other filters the page comes
   * from the kinds of match, reading only the rows that decide it (problems.search.arms.ts); `filter` adds
   * one that keeps every problem, which reads every candidate's row instead: both must be the definition.
   */
  async function walked(
    q: string,
    pageSize: number,
    filter = '',
  ): Promise<{ ids: string[]; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await sup.get(
        `/api/problems?q=${encodeURIComponent(q)}&pageSize=${pageSize}${filter}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status, q).toBe(200);
      ids.push(...(r.body.items as { id: string }[]).map((i) => i.id));
      totals.push(r.body.total as number);
      cursor = r.body.nextCursor as string | null;
    } while (cursor);
    return { ids, totals };
  }

  const QUERIES = [
    // A township's, a unit's and villages' names (月塘街道), with a word of the text.
    '月塘',
    '月塘 路灯',
    '东湖社区',
    '就业',
    '路灯不亮',
    '垃圾清运不及时',
    '井盖',
    '老年食堂',
    '消防通道堵塞',
    '技能培训',
    '荷塘 路灯',
    '第114号 路灯',
    'jobs',
    '13907330001',
    '张居民',
    'HT-2024',
  ];

  it.each(QUERIES)('%s: every page and the total, as defined', async (q) => {
    const expected = await plain(q);
    for (const [pageSize, filter] of [
      [7, ''],
      [500, ''],
      [7, '&from=2000-01-01T00:00:00Z'],
    ] as const) {
      const got = await walked(q, pageSize, filter);
      expect(got.ids, `${q} by ${pageSize}${filter}`).toEqual(expected);
      for (const total of got.totals) expect(total, q).toBe(expected.length);
    }
  });

  it('pages by number stay exact too', async () => {
    for (const q of ['路灯不亮', '就业', '第114号 路灯']) {
      const expected = await plain(q);
      for (const page of [1, 2, 3]) {
        const r = await sup.get(`/api/problems?q=${encodeURIComponent(q)}&pageSize=5&page=${page}`);
        expect(
          (r.body.items as { id: string }[]).map((i) => i.id),
          `${q} page ${page}`,
        ).toEqual(expected.slice((page - 1) * 5, page * 5));
      }
    }
  });
});
