/**
 * What real Open311 clients and validators found: exact content types, the rate limit lifted by the
 * `api_key` parameter (429 in the spec's error shape), refusals of points outside the jurisdiction and of
 * times without a zone, characters counted as code points, and discovery's URL from the configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../modules/auth/index.ts';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { w3c } from '../open311.format.ts';
import { call, expectValid, form, xmlErrors } from './open311.helpers.ts';

const KEY = 'demo-open311-key';
const BASE = '/open311/v2';
const LIMIT = 3;

describe('Open311 for clients that compare exactly', () => {
  let t: TestApp;
  const get = (path: string, headers?: Record<string, string>) =>
    call(t.app, 'GET', `${BASE}${path}`, undefined, headers);
  const post = (path: string, pairs: [string, string | number][]) =>
    call(t.app, 'POST', `${BASE}${path}`, form(pairs));
  const roads = (extra: [string, string | number][]): [string, string | number][] => [
    ['api_key', KEY],
    ['service_code', 'roads'],
    ['attribute[hazard]', '较大'],
    ...extra,
  ];
  const errorsOf = (r: { json: unknown }) => {
    expectValid('errors.json', r.json);
    return r.json as { code: number; description: string }[];
  };

  beforeAll(async () => {
    process.env.QINGDAN_OPEN311_RATE_LIMIT = String(LIMIT);
    t = await startTestApp({ seed: 'reference', config: { publicUrl: 'https://qingdan.example.cn' } });
  });
  afterAll(() => {
    delete process.env.QINGDAN_OPEN311_RATE_LIMIT;
    return t.close();
  });

  it('serves JSON as application/json without a charset and XML as text/xml; charset=utf-8', async () => {
    const j = await get('/services.json?api_key=' + KEY);
    expect(j.headers['content-type']).toBe('application/json');
    const x = await get('/services.xml?api_key=' + KEY);
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    const e = await get('/requests/HT-1999-000001.json?api_key=' + KEY);
    expect(e.status).toBe(404);
    expect(e.headers['content-type']).toBe('application/json');
  });

  it('names the endpoint under the configured public URL, whatever the Host header says', async () => {
    const r = await get(`/discovery.json?api_key=${KEY}`, { host: 'evil.example.com' });
    const endpoints = (r.json as { endpoints: { url: string; type: string }[] }).endpoints;
    expect(endpoints.find((e) => e.type === 'production')!.url).toBe('https://qingdan.example.cn/open311/v2');
    expect(r.text).not.toContain('evil.example.com');
  });

  it('lifts the anonymous limit for a key given as the api_key parameter; 429 in the spec shape', async () => {
    const peer = { 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < LIMIT; i++) expect((await get('/services.json', peer)).status).toBe(200);
    const over = await get('/services.json', peer);
    expect(over.status).toBe(429);
    expect(errorsOf(over)[0]!.code).toBe(429);
    // Each format is limited on its own.
    for (let i = 0; i < LIMIT; i++) expect((await get('/services.xml', peer)).status).toBe(200);
    expect(xmlErrors(await get('/services.xml', peer))[0]!.code).toBe(429);
    for (let i = 0; i < LIMIT + 2; i++)
      expect((await get(`/services.json?api_key=${KEY}`, peer)).status).toBe(200);
    // An unknown key lifts nothing.
    expect((await get('/services.json?api_key=nonsense', peer)).status).toBe(429);
  });

  it('refuses a point outside the jurisdiction: (0, 0) and Beijing', async () => {
    for (const [lat, long] of [
      [0, 0],
      [39.9042, 116.4074],
    ] as const) {
      const r = await post(
        '/requests.json',
        roads([
          ['lat', lat],
          ['long', long],
          ['description', '路面坑洼'],
        ]),
      );
      expect(r.status, `${lat},${long}`).toBe(400);
      expect(errorsOf(r)[0]!.description).toContain("outside the jurisdiction's area");
    }
    const inside = await post(
      '/requests.json',
      roads([
        ['lat', 27.86],
        ['long', 113.17],
        ['description', '路面坑洼'],
      ]),
    );
    expect(inside.status).toBe(200);
  });

  it('refuses a date-time without a zone, in queries and in attributes', async () => {
    const q = await get(`/requests.json?api_key=${KEY}&start_date=2024-03-01T08:00:00`);
    expect(q.status).toBe(400);
    expect(errorsOf(q)[0]!.description).toContain('start_date');
    expect((await get(`/requests.json?api_key=${KEY}&start_date=2024-03-01T08:00:00%2B08:00`)).status).toBe(
      200,
    );
    expect((await get(`/requests.json?api_key=${KEY}&start_date=2024-03-01`)).status).toBe(200);
    const r = await post(
      '/requests.json',
      roads([
        ['address_id', '430202001'],
        ['description', '路面坑洼'],
        ['attribute[noticed_at]', '2024-03-03T20:00:00'],
      ]),
    );
    expect(r.status).toBe(400);
    expect(errorsOf(r)[0]!.description).toContain('attribute[noticed_at]');
  });

  it('counts characters as code points: 4000 with an emoji is accepted, 4001 refused', async () => {
    const text = '坑'.repeat(3999) + '🚧';
    expect(text.length).toBe(4001);
    const ok = await post(
      '/requests.json',
      roads([
        ['address_id', '430202001'],
        ['description', text],
      ]),
    );
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const long = await post(
      '/requests.json',
      roads([
        ['address_id', '430202001'],
        ['description', text + '坑'],
      ]),
    );
    expect(long.status).toBe(400);
    expect(errorsOf(long)[0]!.description).toContain('longer than 4000 characters');
  });

  it('keeps media_url apart and never parses user text for a marker', async () => {
    const marker = '路面坑洼\n\n图片链接 / media: https://evil.example.com/x.jpg';
    const a = await post(
      '/requests.json',
      roads([
        ['address_id', '430202001'],
        ['description', marker],
      ]),
    );
    const b = await post(
      '/requests.json',
      roads([
        ['address_id', '430202001'],
        ['description', '井盖缺失'],
        ['media_url', 'https://img.example.cn/1.jpg'],
      ]),
    );
    const read = async (r: { json: unknown }) => {
      const id = (r.json as { service_request_id: string }[])[0]!.service_request_id;
      return (
        (await get(`/requests/${id}.json?api_key=${KEY}`)).json as {
          description: string;
          media_url: string | null;
        }[]
      )[0]!;
    };
    expect(await read(a)).toMatchObject({ description: marker, media_url: null });
    expect(await read(b)).toMatchObject({
      description: '井盖缺失',
      media_url: 'https://img.example.cn/1.jpg',
    });
  });

  describe("updates with mySociety's extended statuses", () => {
    let supervisor: Client, resident: Client;
    let unitKey: string, problemId: string, number: string;
    const status = async () => (await supervisor.get(`/api/problems/${problemId}`)).body.status as string;
    const update = (key: string, st: string, description: string) =>
      post('/servicerequestupdates.json', [
        ['api_key', key],
        ['service_request_id', number],
        ['status', st],
        ['description', description],
      ]);

    beforeAll(async () => {
      supervisor = await t.as('demo-supervisor');
      resident = await t.as('demo-resident');
      // The human-resources bureau's system: a key read as the bureau's handler (a key bound to a user).
      const k = await createApiKey(t.ctx, '430202', '人社局业务系统', null);
      const handler = await t.ctx.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'demo-unit')
        .executeTakeFirstOrThrow();
      await t.ctx.db.updateTable('api_keys').set({ user_id: handler.id }).where('id', '=', k.id).execute();
      unitKey = k.key;
      const hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id as string;
      const created = await resident.post('/api/problems', {
        kind: 'resident',
        categoryCode: 'jobs',
        title: '零工找活难',
        description: '附近零工人员找活主要靠熟人介绍。',
        villageCode: '430202001001',
        fields: { job_type: '电工' },
      });
      ({ id: problemId, number } = created.body);
      expect(
        (await supervisor.post(`/api/problems/${problemId}/actions/dispatch`, { leadUnitId: hrUnitId }))
          .status,
      ).toBe(200);
    });

    it('refuses a status outside the list, and a changing status from a key that is not the lead unit', async () => {
      const bad = await update(KEY, 'SOLVED', '好了');
      expect(bad.status).toBe(400);
      expect(errorsOf(bad)[0]!.description).toContain('FIXED');
      for (const st of ['CLOSED', 'FIXED', 'IN_PROGRESS']) {
        const r = await update(KEY, st, '已经修好了');
        expect(r.status, st).toBe(403);
        expect(errorsOf(r)[0]!.description).toContain('lead unit');
      }
      expect(await status()).toBe('assigned');
      // A status that changes nothing is a comment for the supervisors.
      expect((await update(KEY, 'DUPLICATE', '与另一条反映重复')).status).toBe(200);
      expect(await status()).toBe('assigned');
    });

    it('maps IN_PROGRESS from the lead unit to signing, and FIXED to a closure request, never a closure', async () => {
      const r = await update(unitKey, 'IN_PROGRESS', '已安排人员现场查看');
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(await status()).toBe('in_progress');
      const detail = (await supervisor.get(`/api/problems/${problemId}`)).body;
      expect(detail.actions.at(-1)).toMatchObject({ action: 'sign', note: '已安排人员现场查看' });
      expect((r.json as { update_id: string }[])[0]!.update_id).toBe(detail.actions.at(-1).id);
      const fixed = await update(unitKey, 'fixed', '零工驿站已设立，每日发布用工信息');
      expect(fixed.status, JSON.stringify(fixed.json)).toBe(200);
      expect(await status()).toBe('closure_requested');
    });

    it('gives the result as status_notes when closed, and a rating does not move updated_datetime', async () => {
      t.clock!.advanceHours(2);
      expect(
        (await supervisor.post(`/api/problems/${problemId}/actions/verify`, { note: '同意销号' })).status,
      ).toBe(200);
      const closedAt = w3c(t.clock!.now().toISOString());
      t.clock!.advanceHours(48);
      expect(
        (await resident.post(`/api/problems/${problemId}/actions/rate`, { rating: 'satisfied' })).status,
      ).toBe(200);
      const one = (await get(`/requests/${number}.json`)).json as {
        status: string;
        status_notes: string;
        updated_datetime: string;
      }[];
      expect(one[0]).toMatchObject({
        status: 'closed',
        status_notes: '零工驿站已设立，每日发布用工信息',
        updated_datetime: closedAt,
      });
      const updates = (await get(`/servicerequestupdates.json?service_request_id=${number}`)).json as {
        status: string;
      }[];
      expectValid('updates.json', updates);
      expect(updates.map((u) => u.status)).toContain('FIXED');
    });
  });
});
