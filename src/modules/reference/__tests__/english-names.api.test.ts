import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

const CJK = /[\u3400-\u9fff]/;
const EN = { 'accept-language': 'en-US,en;q=0.9' };
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9' };

/**
 * Reference names in the caller's language (issue 21): categories, domains and indicators carry an English
 * name the admin sets in the category dialog (the demo's are set); answers give it to a client asking for
 * English (Accept-Language), so the English console shows no Chinese reference names, and Chinese to the rest.
 */
describe('reference names in English', () => {
  let t: TestApp;
  let sup: Client;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
    admin = await t.as('demo-admin');
  });
  afterAll(() => t.close());

  it('gives the demo every category, domain and indicator an English name', async () => {
    for (const path of ['/api/categories?all=1', '/api/domains', '/api/indicators']) {
      const r = await sup.get(path);
      expect(r.status).toBe(200);
      for (const item of r.body.items as { name: string; nameEn: string }[]) {
        expect(item.nameEn, `${path} ${item.name}`).toMatch(/^[\x20-\x7e]+$/);
      }
    }
  });

  it('names categories and domains of the problem list in the language asked for', async () => {
    const zh = await sup.get('/api/problems?pageSize=100', ZH);
    const en = await sup.get('/api/problems?pageSize=100', EN);
    expect(en.body.items.map((i: { id: string }) => i.id)).toEqual(
      zh.body.items.map((i: { id: string }) => i.id),
    );
    const categories = new Map(
      (
        (await sup.get('/api/categories?all=1')).body.items as {
          code: string;
          name: string;
          nameEn: string;
        }[]
      ).map((c) => [c.code, c]),
    );
    for (const [i, item] of (
      en.body.items as { categoryCode: string; categoryName: string; domainName: string }[]
    ).entries()) {
      expect(item.categoryName).toBe(categories.get(item.categoryCode)!.nameEn);
      expect(item.domainName).not.toMatch(CJK);
      expect(zh.body.items[i].categoryName).toBe(categories.get(item.categoryCode)!.name);
      expect(zh.body.items[i].domainName).toMatch(CJK);
    }
    // Without a language the API answers as before, in Chinese.
    const plain = await sup.get('/api/problems?pageSize=1');
    expect(plain.body.items[0].categoryName).toMatch(CJK);
  });

  it('names the indicators of a result, the groups of a summary and the category list’s domains', async () => {
    const closed = await sup.get('/api/problems?status=closed&category=financing&pageSize=20');
    const withResult = await Promise.all(
      (closed.body.items as { id: string }[]).map((i) => sup.get(`/api/problems/${i.id}`, EN)),
    );
    const indicators = withResult.flatMap((d) => d.body.result?.indicators ?? []) as { name: string }[];
    expect(indicators.length).toBeGreaterThan(0);
    for (const i of indicators) expect(i.name).not.toMatch(CJK);

    for (const groupBy of ['domain', 'category']) {
      const s = await sup.get(`/api/stats/summary?groupBy=${groupBy}`, EN);
      expect(s.status).toBe(200);
      for (const g of s.body.groups as { key: string | null; label: string }[])
        if (g.key) expect(g.label, g.key).not.toMatch(CJK);
      const zh = await sup.get(`/api/stats/summary?groupBy=${groupBy}`, ZH);
      expect((zh.body.groups as { label: string }[]).some((g) => CJK.test(g.label))).toBe(true);
    }

    const list = await t.client().get('/api/categories', EN);
    for (const c of list.body.items as { name: string; domainName: string }[]) {
      expect(c.domainName).not.toMatch(CJK);
      // The stored names stay as they are: the console edits them.
      expect(c.name).toMatch(CJK);
    }
  });

  it('shows the English name the admin sets in the category dialog', async () => {
    const jobs = (await admin.get('/api/categories?all=1')).body.items.find(
      (c: { code: string }) => c.code === 'jobs',
    );
    const { domainName: _d, version: _v, ...input } = jobs;
    const r = await admin.request('PUT', '/api/categories/jobs', { ...input, nameEn: 'Jobs and start-ups' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const en = await sup.get('/api/problems?category=jobs&pageSize=5', EN);
    expect(en.body.items.length).toBeGreaterThan(0);
    for (const i of en.body.items as { categoryName: string }[])
      expect(i.categoryName).toBe('Jobs and start-ups');
    const zh = await sup.get('/api/problems?category=jobs&pageSize=5', ZH);
    for (const i of zh.body.items as { categoryName: string }[]) expect(i.categoryName).toBe('就业创业');
  });
});
