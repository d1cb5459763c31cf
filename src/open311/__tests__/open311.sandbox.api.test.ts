/**
 * The test endpoint of discovery: a sandbox jurisdiction beside Hetang with its own id, services and key.
 * Requests posted there stay there: never in the real jurisdiction's lists, KPIs, results, dashboard or
 * Open311 listings; each endpoint refuses the other's keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HETANG } from '../../demo/hetang.ts';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { openSandbox } from '../index.ts';
import { call, expectValid, form, jsonOf, xmlOf } from './open311.helpers.ts';

const KEY = HETANG.apiKey;
const PUBLIC_URL = 'https://qingdan.example.cn';
const PROD = '/open311/v2';
const TEST = '/open311/test/v2';

interface Endpoint {
  url: string;
  type: string;
  formats: string[];
  specification: string;
}

describe('Open311 test endpoint served by a sandbox jurisdiction', () => {
  let t: TestApp;
  let supervisor: Client, admin: Client;
  let testKey: string;
  let sandboxId: string;
  let sandboxOpen311Id: string;
  const post = (base: string, pairs: [string, string | number][]) =>
    call(t.app, 'POST', `${base}/requests.json`, form(pairs));
  const roads = (key: string, description: string): [string, string | number][] => [
    ['api_key', key],
    ['service_code', 'roads'],
    ['attribute[hazard]', '较大'],
    ['lat', 27.86],
    ['long', 113.17],
    ['description', description],
  ];
  /** What the real jurisdiction shows its staff and the public. */
  const realViews = async () => {
    const summary = (await supervisor.get('/api/stats/summary')).body;
    const byDomain = (await supervisor.get('/api/stats/summary?groupBy=domain')).body;
    const problems = (await supervisor.get('/api/problems?pageSize=500')).body;
    const results = (await t.client().get('/api/results')).body;
    const recent = (await t.client().get('/api/actions/recent')).body;
    const queues = (await supervisor.get('/api/problems/queues')).body;
    return {
      received: summary.totals.received,
      domains: byDomain.groups.map((g: { key: string; received: number }) => [g.key, g.received]),
      problems: problems.total,
      numbers: (problems.items as { number: string }[]).map((p) => p.number),
      results: results.total,
      recent: (recent.items as { id: string }[]).map((a) => a.id),
      pending: queues.pending_review,
    };
  };

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', config: { publicUrl: PUBLIC_URL } });
    supervisor = await t.as('demo-supervisor');
    admin = await t.as('demo-admin');
    const s = await openSandbox(t.ctx, HETANG.id);
    expect(s.key).not.toBeNull();
    ({ id: sandboxId, open311Id: sandboxOpen311Id } = s);
    testKey = s.key!;
  });
  afterAll(() => t.close());

  it('lists the production and the test endpoint in discovery, in JSON and XML, at both endpoints', async () => {
    for (const base of [PROD, TEST]) {
      const j = jsonOf<{ endpoints: Endpoint[] }>(
        await call(t.app, 'GET', `${base}/discovery.json`),
        'discovery.json',
      );
      expect(j.endpoints.map((e) => [e.type, e.url])).toEqual([
        ['production', `${PUBLIC_URL}${PROD}`],
        ['test', `${PUBLIC_URL}${TEST}`],
      ]);
      for (const e of j.endpoints) {
        expect(e.specification).toBe('http://wiki.open311.org/GeoReport_v2');
        expect(e.formats).toEqual(['text/xml', 'application/json']);
      }
      const x = xmlOf<{ endpoints: { endpoint: Endpoint[] } }>(
        await call(t.app, 'GET', `${base}/discovery.xml`),
        'discovery',
      );
      expect(x.endpoints.endpoint.map((e) => e.type)).toEqual(['production', 'test']);
    }
    // Set up once: a second call returns the same sandbox and makes no key.
    expect(await openSandbox(t.ctx, HETANG.id)).toEqual({
      id: sandboxId,
      open311Id: sandboxOpen311Id,
      key: null,
    });
  });

  it('serves the sandbox its own services; production still needs no jurisdiction_id', async () => {
    const list = async (base: string) =>
      jsonOf<{ service_code: string; service_name: string }[]>(
        await call(t.app, 'GET', `${base}/services.json`),
        'services.json',
      );
    const roads = (await admin.get('/api/categories?all=1')).body.items.find(
      (c: { code: string }) => c.code === 'roads',
    );
    expect(
      (await admin.request('PUT', '/api/categories/roads', { ...roads, name: '道路与桥梁' })).status,
    ).toBe(200);
    expect((await list(PROD)).find((s) => s.service_code === 'roads')!.service_name).toBe('道路与桥梁');
    expect((await list(TEST)).find((s) => s.service_code === 'roads')!.service_name).toBe(roads.name);
    // The sandbox answers to its own id and to the real one's (a client changes only the URL) …
    for (const id of [sandboxOpen311Id, HETANG.open311Id, HETANG.id])
      expect((await call(t.app, 'GET', `${TEST}/services.json?jurisdiction_id=${id}`)).status, id).toBe(200);
    // … and never at the production endpoint.
    const wrong = await call(t.app, 'GET', `${PROD}/services.json?jurisdiction_id=${sandboxOpen311Id}`);
    expect(wrong.status).toBe(404);
    expectValid('errors.json', wrong.json);
  });

  it('refuses each endpoint the other one’s key', async () => {
    const atTest = await post(TEST, roads(KEY, '生产密钥'));
    expect(atTest.status).toBe(403);
    expectValid('errors.json', atTest.json);
    const atProd = await post(PROD, roads(testKey, '测试密钥'));
    expect(atProd.status).toBe(403);
    expectValid('errors.json', atProd.json);
  });

  it('keeps requests posted at the test endpoint out of every real list, KPI, result and listing', async () => {
    const before = await realViews();
    const r = await post(TEST, roads(testKey, '测试端点：路面坑洼'));
    expect(r.status, r.text).toBe(200);
    const number = jsonOf<{ service_request_id: string }[]>(r, 'post-response.json')[0]!.service_request_id;
    expect(number.startsWith('TEST')).toBe(true);

    // The sandbox has it: the client reads its own request back with its key.
    const own = await call(t.app, 'GET', `${TEST}/requests/${number}.json?api_key=${testKey}`);
    expect(own.status).toBe(200);
    expect((own.json as { description: string }[])[0]!.description).toBe('测试端点：路面坑洼');
    const inSandbox = await t.ctx.db
      .selectFrom('problems')
      .select(['jurisdiction_id', 'channel'])
      .where('number', '=', number)
      .execute();
    expect(inSandbox).toEqual([{ jurisdiction_id: sandboxId, channel: 'open311' }]);

    // The real jurisdiction has nothing of it.
    expect(await realViews()).toEqual(before);
    expect((await call(t.app, 'GET', `${PROD}/requests/${number}.json?api_key=${KEY}`)).status).toBe(404);
    const listed = await call(
      t.app,
      'GET',
      `${PROD}/requests.json?api_key=${KEY}&service_request_id=${number}`,
    );
    expect(listed.json).toEqual([]);
    const updates = await call(
      t.app,
      'GET',
      `${PROD}/servicerequestupdates.json?service_request_id=${number}`,
    );
    expect(updates.json).toEqual([]);
  });
});
