// Over 500 lines: one walk through the GeoReport v2 spec in its order (discovery, services, requests,
// tokens, errors); it splits by endpoint when the next endpoint is added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { createApiKey, revokeApiKey } from '../../modules/auth/index.ts';
import { w3c } from '../open311.format.ts';
import {
  acceptPending,
  call,
  expectValid,
  form,
  jsonOf,
  xmlErrors,
  xmlOf,
  type Open311Response,
} from './open311.helpers.ts';

const KEY = 'demo-open311-key';
const BASE = '/open311/v2';

interface RequestJson {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** GeoReport v2 at /open311/v2 over the problems module, in both formats, with every error of the spec. */
describe('Open311 GeoReport v2', () => {
  let t: TestApp;
  let supervisor: Client;
  let unit: Client;
  let hrUnitId: string;

  const get = (path: string, headers?: Record<string, string>) =>
    call(t.app, 'GET', `${BASE}${path}`, undefined, headers);
  const post = (path: string, pairs: [string, string | number][], headers?: Record<string, string>) =>
    call(t.app, 'POST', `${BASE}${path}`, form(pairs), headers);
  const errorsOf = (r: Open311Response) => {
    expectValid('errors.json', r.json);
    return r.json as { code: number; description: string }[];
  };
  const roads = (extra: [string, string | number][] = []): [string, string | number][] => [
    ['api_key', KEY],
    ['service_code', 'roads'],
    ['lat', 27.86],
    ['long', 113.17],
    ['attribute[hazard]', '较大'],
    ['description', '文化路与建设路交叉口有一个大坑，雨天积水，车辆经过很危险。'],
    ...extra,
  ];

  beforeAll(async () => {
    process.env.QINGDAN_OPEN311_RATE_LIMIT = '100000';
    t = await startTestApp({ seed: 'reference' });
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  describe('discovery and services', () => {
    it('serves discovery in JSON and XML with both formats listed', async () => {
      const j = jsonOf<{ endpoints: { url: string; specification: string; formats: string[] }[] }>(
        await get('/discovery.json'),
        'discovery.json',
      );
      expect(j.endpoints[0]!.specification).toBe('http://wiki.open311.org/GeoReport_v2');
      expect(j.endpoints[0]!.url).toMatch(/\/open311\/v2$/);
      expect(j.endpoints[0]!.formats).toEqual(['text/xml', 'application/json']);
      const x = xmlOf<{ changeset: string; endpoints: { endpoint: { formats: { format: string[] } }[] } }>(
        await get('/discovery.xml'),
        'discovery',
      );
      expect(x.endpoints.endpoint[0]!.formats.format).toEqual(['text/xml', 'application/json']);
      expect(x.changeset).toMatch(/\+08:00$/);
    });

    it('lists the categories as services with metadata and type', async () => {
      const r = await get('/services.json');
      const list = jsonOf<
        { service_code: string; metadata: boolean; type: string; group: string; keywords: string | null }[]
      >(r, 'services.json');
      const byCode = new Map(list.map((s) => [s.service_code, s]));
      expect(byCode.get('roads')).toMatchObject({
        metadata: true,
        type: 'realtime',
        group: '民生保障',
        keywords: '道路, 坑洼, 路灯',
      });
      expect(byCode.get('utilities')).toMatchObject({ metadata: false, type: 'realtime' });
      expect(byCode.get('other_matters')).toMatchObject({ metadata: false, type: 'batch', keywords: null });
      expect(r.headers['access-control-allow-origin']).toBe('*');

      const x = xmlOf<{ service: Record<string, string>[] }>(
        await get('/services.xml?jurisdiction_id=hetang.gov.cn'),
        'services',
      );
      expect(x.service).toHaveLength(list.length);
      const xr = x.service.find((s) => s.service_code === 'roads')!;
      expect(xr).toMatchObject({ service_name: '道路设施', metadata: 'true', type: 'realtime' });
      expect(Object.keys(xr)).toEqual([
        'service_code',
        'service_name',
        'description',
        'metadata',
        'type',
        'keywords',
        'group',
      ]);
    });

    it('defines a service: attributes with datatypes, order, required and values', async () => {
      const d = jsonOf<{ service_code: string; attributes: Record<string, unknown>[] }>(
        await get('/services/roads.json'),
        'service-definition.json',
      );
      expect(d.service_code).toBe('roads');
      expect(d.attributes).toHaveLength(2);
      expect(d.attributes[0]).toMatchObject({
        variable: true,
        code: 'hazard',
        datatype: 'singlevaluelist',
        required: true,
        order: 1,
        values: [
          { key: '一般', name: '一般' },
          { key: '较大', name: '较大' },
          { key: '严重', name: '严重' },
        ],
      });
      expect(d.attributes[1]).toMatchObject({
        code: 'noticed_at',
        datatype: 'datetime',
        required: false,
        order: 2,
      });
      expect(d.attributes[1]).not.toHaveProperty('values');

      const m = jsonOf<{ attributes: { datatype: string }[] }>(
        await get('/services/elderly_care.json'),
        'service-definition.json',
      );
      expect(m.attributes[0]!.datatype).toBe('multivaluelist');
      const f = jsonOf<{ attributes: { code: string; datatype: string }[] }>(
        await get('/services/financing.json'),
        'service-definition.json',
      );
      expect(f.attributes.map((a) => [a.code, a.datatype])).toEqual([
        ['amount_needed', 'number'],
        ['purpose', 'singlevaluelist'],
      ]);

      const x = xmlOf<{
        service_code: string;
        attributes: { attribute: { code: string; values: { value: { key: string; name: string }[] } }[] };
      }>(await get('/services/roads.xml'), 'service_definition');
      expect(x.service_code).toBe('roads');
      expect(x.attributes.attribute[0]!.values.value.map((v) => v.key)).toEqual(['一般', '较大', '严重']);
      // A service without fields has an empty definition.
      expect(
        jsonOf<{ attributes: unknown[] }>(await get('/services/utilities.json'), 'service-definition.json')
          .attributes,
      ).toEqual([]);
    });

    it('answers 404 for an unknown service_code and an unknown jurisdiction_id, in both formats', async () => {
      let r = await get('/services/no_such.json');
      expect(r.status).toBe(404);
      expect(errorsOf(r)[0]).toMatchObject({
        code: 404,
        description: expect.stringContaining("service_code 'no_such'"),
      });
      r = await get('/services/no_such.xml');
      expect(r.status).toBe(404);
      expect(xmlErrors(r)[0]!.code).toBe(404);

      for (const path of [
        '/services.json',
        '/requests.json',
        '/services/roads.json',
        '/requests/HT-2024-000001.json',
        '/tokens/abc.json',
        '/servicerequestupdates.json',
      ]) {
        r = await get(`${path}?jurisdiction_id=nowhere.gov.cn`);
        expect(r.status, path).toBe(404);
        expect(errorsOf(r)[0]!.description).toContain("jurisdiction_id 'nowhere.gov.cn' was not found");
      }
      r = await get('/services.xml?jurisdiction_id=nowhere.gov.cn');
      expect(r.status).toBe(404);
      expect(xmlErrors(r)[0]!.description).toContain('nowhere.gov.cn');
      // The division code is accepted as well as the Open311 id.
      expect((await get('/services.json?jurisdiction_id=430202')).status).toBe(200);
      // An empty parameter is the same as none.
      expect((await get('/services.json?jurisdiction_id=')).status).toBe(200);
    });

    it('answers unknown resources and formats with 404 in the spec shape', async () => {
      const r = await get('/nothing.json');
      expect(r.status).toBe(404);
      errorsOf(r);
      const x = await get('/services/roads.html');
      expect(x.status).toBe(404);
      xmlErrors(x);
    });
  });

  describe('POST Service Request errors', () => {
    it('403 without an api_key, with a bad one, or a bad Bearer key', async () => {
      const pairs = roads().filter(([k]) => k !== 'api_key');
      let r = await post('/requests.json', pairs);
      expect(r.status).toBe(403);
      expect(errorsOf(r)).toEqual([
        { code: 403, description: expect.stringContaining('api_key was not provided') },
      ]);
      r = await post('/requests.json', [['api_key', 'wrong-key'], ...pairs]);
      expect(r.status).toBe(403);
      expect(errorsOf(r)[0]!.description).toContain('Invalid api_key');
      r = await post('/requests.xml', [['api_key', 'wrong-key'], ...pairs]);
      expect(r.status).toBe(403);
      expect(xmlErrors(r)[0]).toMatchObject({
        code: 403,
        description: expect.stringContaining('Invalid api_key'),
      });
      r = await post('/requests.json', pairs, { authorization: 'Bearer wrong-key' });
      expect(r.status).toBe(403);
      expect(errorsOf(r)[0]!.code).toBe(403);
      // A signed-in console user is not an API key.
      const res = await supervisor.request('POST', `${BASE}/requests.json`, form(pairs), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(403);
    });

    it('accepts a new key and refuses it once revoked', async () => {
      const k = await createApiKey(t.ctx, '430202', 'test client', null);
      const pairs = roads().filter(([key]) => key !== 'api_key');
      expect((await post('/requests.json', [['api_key', k.key], ...pairs])).status).toBe(200);
      expect(await revokeApiKey(t.ctx, '430202', k.id, null)).toBe(true);
      const r = await post('/requests.json', [['api_key', k.key], ...pairs]);
      expect(r.status).toBe(403);
      expect(errorsOf(r)[0]!.description).toContain('Invalid api_key');
      const b = await post('/requests.xml', pairs, { authorization: `Bearer ${k.key}` });
      expect(b.status).toBe(403);
      expect(xmlErrors(b)[0]!.code).toBe(403);
    });

    it('400 without service_code, 404 for an unknown one', async () => {
      let r = await post(
        '/requests.json',
        roads().filter(([k]) => k !== 'service_code'),
      );
      expect(r.status).toBe(400);
      expect(errorsOf(r)).toEqual([{ code: 400, description: 'service_code was not provided' }]);
      r = await post('/requests.json', [
        ...roads().filter(([k]) => k !== 'service_code'),
        ['service_code', 'potholes'],
      ]);
      expect(r.status).toBe(404);
      expect(errorsOf(r)).toEqual([{ code: 404, description: "service_code 'potholes' was not found" }]);
      r = await post('/requests.xml', [
        ...roads().filter(([k]) => k !== 'service_code'),
        ['service_code', 'potholes'],
      ]);
      expect(r.status).toBe(404);
      expect(xmlErrors(r)).toEqual([{ code: 404, description: "service_code 'potholes' was not found" }]);
    });

    it('400 for a missing required attribute and for values outside the list', async () => {
      let r = await post(
        '/requests.json',
        roads().filter(([k]) => k !== 'attribute[hazard]'),
      );
      expect(r.status).toBe(400);
      expect(errorsOf(r)).toEqual([
        { code: 400, description: expect.stringContaining('attribute[hazard] is required') },
      ]);
      r = await post('/requests.json', [
        ...roads().filter(([k]) => k !== 'attribute[hazard]'),
        ['attribute[hazard]', '致命'],
      ]);
      expect(r.status).toBe(400);
      expect(errorsOf(r)[0]!.description).toContain("attribute[hazard]: '致命' is not one of the values");
      r = await post('/requests.json', [
        ['api_key', KEY],
        ['service_code', 'elderly_care'],
        ['address_string', '月塘街道'],
        ['attribute[services][]', '助餐'],
        ['attribute[services][]', '跳舞'],
      ]);
      expect(r.status).toBe(400);
      expect(errorsOf(r)[0]!.description).toContain("attribute[services]: '跳舞' not among the values");
      r = await post('/requests.json', [...roads(), ['attribute[noticed_at]', 'yesterday']]);
      expect(r.status).toBe(400);
      expect(errorsOf(r)[0]!.description).toContain('attribute[noticed_at] must be an ISO 8601 date-time');
      r = await post('/requests.json', [
        ['api_key', KEY],
        ['service_code', 'financing'],
        ['address_string', '荷塘区'],
        ['attribute[amount_needed]', 'lots'],
        ['attribute[purpose]', '设备购置'],
      ]);
      expect(r.status).toBe(400);
      expect(errorsOf(r)[0]!.description).toContain('attribute[amount_needed] must be a number');
    });

    it('400 without a location, and for half or bad coordinates', async () => {
      let r = await post(
        '/requests.json',
        roads().filter(([k]) => k !== 'lat' && k !== 'long'),
      );
      expect(r.status).toBe(400);
      expect(errorsOf(r)).toEqual([
        {
          code: 400,
          description:
            'A full location parameter must be submitted: lat & long, address_string or address_id',
        },
      ]);
      r = await post(
        '/requests.xml',
        roads().filter(([k]) => k !== 'lat' && k !== 'long'),
      );
      expect(xmlErrors(r)[0]!.description).toContain('A full location parameter');
      r = await post(
        '/requests.json',
        roads().filter(([k]) => k !== 'long'),
      );
      expect(r.status).toBe(400);
      expect(errorsOf(r).map((e) => e.description)).toContain(
        'lat and long must be sent together; long is missing',
      );
      r = await post('/requests.json', [...roads().filter(([k]) => k !== 'lat'), ['lat', '97']]);
      expect(errorsOf(r)[0]!.description).toContain('lat must be a WGS84 latitude');
      r = await post('/requests.json', [
        ...roads().filter(([k]) => k !== 'lat' && k !== 'long'),
        ['address_id', '999999999999'],
      ]);
      expect(r.status).toBe(400);
      expect(errorsOf(r)[0]!.description).toContain("address_id '999999999999' is not a known address");
    });

    it('reports several errors at once', async () => {
      const r = await post('/requests.json', [
        ['api_key', KEY],
        ['service_code', 'roads'],
        ['attribute[noticed_at]', 'soon'],
        ['media_url', 'not a url'],
      ]);
      expect(r.status).toBe(400);
      const list = errorsOf(r).map((e) => e.description);
      expect(list).toHaveLength(4);
      expect(list.join('\n')).toMatch(
        /A full location parameter[\s\S]*media_url must be an http\(s\) URL[\s\S]*attribute\[hazard\] is required[\s\S]*attribute\[noticed_at\] must be/,
      );
      // 404 wins the HTTP status when something named does not exist, and the other errors still come.
      const n = await post('/requests.xml', [
        ['api_key', KEY],
        ['service_code', 'potholes'],
      ]);
      expect(n.status).toBe(404);
      expect(xmlErrors(n).map((e) => e.code)).toEqual([404, 400]);
    });

    it('404 for an unknown jurisdiction_id on POST', async () => {
      const r = await post('/requests.json', [...roads(), ['jurisdiction_id', 'nowhere.gov.cn']]);
      expect(r.status).toBe(404);
      expect(errorsOf(r)[0]!.description).toContain("jurisdiction_id 'nowhere.gov.cn' was not found");
    });
  });

  describe('service requests', () => {
    it('creates a request from a form and shows it in both formats without contact details', async () => {
      const r = await post('/requests.json', [
        ...roads(),
        ['attribute[noticed_at]', '2024-03-03T20:00:00+08:00'],
        ['address_string', '文化路与建设路交叉口'],
        ['email', 'zhang.san@example.cn'],
        ['first_name', '三'],
        ['last_name', '张'],
        ['phone', '13907331234'],
        ['device_id', 'dev-42'],
        ['account_id', 'acc-7'],
        ['media_url', 'https://img.example.cn/pothole.jpg'],
        ['jurisdiction_id', 'hetang.gov.cn'],
      ]);
      expect(r.status).toBe(200);
      const [created] = jsonOf<{ service_request_id: string; service_notice: string }[]>(
        r,
        'post-response.json',
      );
      expect(created!.service_request_id).toMatch(/^HT-2024-\d{6}$/);
      expect(created!.service_notice).toContain('10 个工作日内办结');

      // Still 待审核: not public, but the client reads its own request back with its key.
      expect((await get(`/requests/${created!.service_request_id}.json`)).status).toBe(404);
      const one = await get(`/requests/${created!.service_request_id}.json?api_key=${KEY}`);
      const [req] = jsonOf<RequestJson[]>(one, 'requests.json');
      expect(req).toMatchObject({
        service_request_id: created!.service_request_id,
        status: 'open',
        status_notes: null,
        service_code: 'roads',
        description: '文化路与建设路交叉口有一个大坑，雨天积水，车辆经过很危险。',
        agency_responsible: null,
        requested_datetime: '2024-03-04T09:00:00+08:00',
        updated_datetime: '2024-03-04T09:00:00+08:00',
        address: '文化路与建设路交叉口',
        lat: 27.86,
        long: 113.17,
        media_url: 'https://img.example.cn/pothole.jpg',
      });
      expect(req!.address_id).toMatch(/^430202\d{6}$/);
      for (const secret of ['13907331234', 'zhang.san', '张三', 'dev-42', 'acc-7']) {
        expect(one.text).not.toContain(secret);
      }

      const x = xmlOf<{ request: Record<string, string>[] }>(
        await get(`/requests/${created!.service_request_id}.xml`, { authorization: `Bearer ${KEY}` }),
        'service_requests',
      );
      expect(x.request).toHaveLength(1);
      expect(Object.keys(x.request[0]!)).toEqual([
        'service_request_id',
        'status',
        'status_notes',
        'service_name',
        'service_code',
        'description',
        'agency_responsible',
        'service_notice',
        'requested_datetime',
        'updated_datetime',
        'expected_datetime',
        'address',
        'address_id',
        'zipcode',
        'lat',
        'long',
        'media_url',
      ]);
      expect(x.request[0]).toMatchObject({
        status: 'open',
        service_code: 'roads',
        lat: '27.86',
        long: '113.17',
        status_notes: '',
        zipcode: '',
      });

      // In the console it is an ordinary problem of channel open311 with its fields and reporter.
      const list = await supervisor.get(`/api/problems?q=${encodeURIComponent(created!.service_request_id)}`);
      const p = (await supervisor.get(`/api/problems/${list.body.items[0].id}`)).body;
      expect(p).toMatchObject({
        channel: 'open311',
        status: 'submitted',
        categoryCode: 'roads',
        reporter: { name: '张三', phone: '13907331234' },
      });
      expect(p.fields).toEqual({ hazard: '较大', noticed_at: '2024-03-03T12:00:00.000Z' });
    });

    it('takes lists as attribute[code][]=… and a bearer key; finds the place by address', async () => {
      const r = await post(
        '/requests.xml',
        [
          ['service_code', 'elderly_care'],
          ['address_string', '月塘街道 某小区 3 栋'],
          ['attribute[services][]', '助餐'],
          ['attribute[services][]', '助医'],
          ['description', '独居老人需要助餐和助医服务'],
        ],
        { authorization: `Bearer ${KEY}` },
      );
      expect(r.status).toBe(200);
      const x = xmlOf<{
        request: { service_request_id: string; service_notice: string; account_id: string }[];
      }>(r, 'service_requests');
      const id = x.request[0]!.service_request_id;
      expect(id).toMatch(/^HT-/);
      expect(x.request[0]!.account_id).toBe('');
      const found = await supervisor.get(`/api/problems?q=${encodeURIComponent(id)}`);
      const p = (await supervisor.get(`/api/problems/${found.body.items[0].id}`)).body;
      expect(p.fields).toEqual({ services: ['助餐', '助医'] });
      expect(p.townshipCode).toBe('430202001');
    });

    it('answers a batch service with a token that resolves to the id', async () => {
      const r = await post('/requests.json', [
        ['api_key', KEY],
        ['service_code', 'other_matters'],
        ['address_id', '430202001'],
        ['description', '建议在社区增设便民信息公告栏'],
      ]);
      expect(r.status).toBe(200);
      const [answer] = jsonOf<{ token?: string; service_request_id?: string }[]>(r, 'post-response.json');
      expect(answer!.token).toBeTruthy();
      expect(answer).not.toHaveProperty('service_request_id');

      const tk = jsonOf<{ token: string; service_request_id: string }[]>(
        await get(`/tokens/${answer!.token}.json`),
        'token.json',
      );
      expect(tk[0]!.token).toBe(answer!.token);
      expect(tk[0]!.service_request_id).toMatch(/^HT-2024-/);
      const x = xmlOf<{ request: { token: string; service_request_id: string }[] }>(
        await get(`/tokens/${answer!.token}.xml`),
        'service_requests',
      );
      expect(x.request[0]).toEqual({ service_request_id: tk[0]!.service_request_id, token: answer!.token });
      const [req] = jsonOf<RequestJson[]>(
        await get(`/requests/${tk[0]!.service_request_id}.json?api_key=${KEY}`),
        'requests.json',
      );
      expect(req!.address_id).toBe('430202001');

      const missing = await get('/tokens/no-such-token.json');
      expect(missing.status).toBe(404);
      expect(errorsOf(missing)[0]!.description).toContain("token 'no-such-token' was not found");
      expect(xmlErrors(await get('/tokens/no-such-token.xml'))[0]!.code).toBe(404);
    });

    it('404 for an unknown service_request_id', async () => {
      const r = await get('/requests/HT-1999-000001.json');
      expect(r.status).toBe(404);
      expect(errorsOf(r)[0]!.description).toContain("service_request_id 'HT-1999-000001' was not found");
    });

    it('queries by ids, service_code, status, dates and pages', async () => {
      await acceptPending(supervisor);
      const all = jsonOf<RequestJson[]>(await get('/requests.json'), 'requests.json');
      expect(all.length).toBeGreaterThanOrEqual(3);
      const ids = all.map((r) => r.service_request_id);
      // Newest first; the ids override every other argument.
      const some = jsonOf<RequestJson[]>(
        await get(
          `/requests.json?service_request_id=${ids[0]},${ids[2]}&status=closed&start_date=2000-01-01T00:00:00Z`,
        ),
        'requests.json',
      );
      expect(some.map((r) => r.service_request_id).sort()).toEqual([ids[0], ids[2]].sort());
      const roadsOnly = jsonOf<RequestJson[]>(
        await get('/requests.json?service_code=roads,elderly_care'),
        'requests.json',
      );
      expect(new Set(roadsOnly.map((r) => r.service_code))).toEqual(new Set(['roads', 'elderly_care']));
      expect(jsonOf<RequestJson[]>(await get('/requests.json?status=closed'), 'requests.json')).toEqual([]);
      expect(
        jsonOf<RequestJson[]>(await get('/requests.json?status=open,closed'), 'requests.json'),
      ).toHaveLength(all.length);
      // The window: before the requests, none; around them, all.
      expect(
        jsonOf<RequestJson[]>(
          await get('/requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-03-01T00:00:00Z'),
          'requests.json',
        ),
      ).toEqual([]);
      expect(
        jsonOf<RequestJson[]>(
          await get('/requests.json?start_date=2024-03-01T00:00:00%2B08:00&end_date=2024-03-04'),
          'requests.json',
        ),
      ).toHaveLength(all.length);
      // An unencoded '+' arrives as a space and is still understood.
      expect(
        jsonOf<RequestJson[]>(
          await get('/requests.json?start_date=2024-03-04T08:59:00+08:00'),
          'requests.json',
        ),
      ).toHaveLength(all.length);
      // Pages of the extension.
      const p1 = jsonOf<RequestJson[]>(await get('/requests.json?page_size=2&page=1'), 'requests.json');
      const p2 = jsonOf<RequestJson[]>(await get('/requests.json?page_size=2&page=2'), 'requests.json');
      expect([...p1, ...p2].map((r) => r.service_request_id)).toEqual(ids.slice(0, 4));
      expect(
        jsonOf<RequestJson[]>(
          await get('/requests.json?updated_after=2024-03-04T09:00:00%2B08:00'),
          'requests.json',
        ),
      ).toEqual([]);
      expect(
        jsonOf<RequestJson[]>(await get('/requests.json?updated_before=2024-03-05'), 'requests.json'),
      ).toHaveLength(all.length);
      const x = xmlOf<{ request: unknown[] }>(
        await get('/requests.xml?service_code=roads'),
        'service_requests',
      );
      expect(x.request.length).toBe(all.filter((r) => r.service_code === 'roads').length);
      // Nothing found is an empty list, not an error.
      const empty = await get('/requests.xml?service_code=no_such');
      expect(xmlOf(empty, 'service_requests')).toEqual({});
    });

    it('rejects bad query arguments with several errors', async () => {
      let r = await get('/requests.json?status=pending&start_date=yesterday&page_size=5000');
      expect(r.status).toBe(400);
      expect(errorsOf(r).map((e) => e.description)).toEqual([
        "status must be open or closed, got 'pending'",
        "start_date must be a W3C date-time such as 2010-01-01T00:00:00Z, got 'yesterday'",
        "page_size must be an integer from 1 to 1000, got '5000'",
      ]);
      r = await get('/requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z');
      expect(r.status).toBe(400);
      expect(errorsOf(r)[0]!.description).toBe('start_date and end_date may not span more than 90 days');
      r = await get('/requests.xml?status=pending');
      expect(xmlErrors(r)[0]).toMatchObject({ code: 400 });
    });
  });

  describe('the whole path: Open311 → normal API → Open311', () => {
    it('reports dispatch, signing and closure, with status_notes and updated_datetime, and lists the updates', async () => {
      t.clock!.set(new Date('2024-03-11T01:00:00Z'));
      const r = await post('/requests.json', [
        ['api_key', KEY],
        ['service_code', 'jobs'],
        ['address_string', '茨菇塘街道'],
        ['description', '希望在社区设立零工驿站，方便找活。'],
        ['attribute[job_type]', '电工'],
      ]);
      const id = jsonOf<{ service_request_id: string }[]>(r, 'post-response.json')[0]!.service_request_id;
      const problemId = (await supervisor.get(`/api/problems?q=${encodeURIComponent(id)}`)).body.items[0]
        .id as string;
      const act = async (c: Client, action: string, body: unknown) => {
        const res = await c.post(`/api/problems/${problemId}/actions/${action}`, body);
        expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
        return res.body;
      };
      const open311 = async () =>
        jsonOf<RequestJson[]>(await get(`/requests/${id}.json`), 'requests.json')[0]!;

      t.clock!.advanceHours(1);
      const dispatched = await act(supervisor, 'dispatch', {
        leadUnitId: hrUnitId,
        note: '请人社局牵头办理',
      });
      let o = await open311();
      expect(o).toMatchObject({
        status: 'open',
        status_notes: '请人社局牵头办理',
        agency_responsible: '区人力资源和社会保障局',
      });
      expect(o.expected_datetime).toBe(w3c(dispatched.closeDueAt));
      expect(o.updated_datetime).toBe('2024-03-11T10:00:00+08:00');

      t.clock!.advanceHours(1);
      await act(unit, 'bounce', { reason: '职能不符' });
      o = await open311();
      // A bounce is internal: the public notes still say what the last public action said.
      expect(o.status_notes).toBe('请人社局牵头办理');
      await act(supervisor, 'dispatch', { leadUnitId: hrUnitId });
      t.clock!.advanceHours(1);
      await act(unit, 'sign', {});
      expect((await open311()).status_notes).toBe('签收');
      t.clock!.advanceHours(24);
      await act(unit, 'progress', { note: '已在茨菇塘街道设立零工驿站' });
      t.clock!.advanceHours(24);
      await act(unit, 'request_closure', {
        summary: '零工驿站已投入使用，每日发布用工信息',
        indicators: [{ code: 'new_jobs', value: 12 }],
      });
      expect((await open311()).status).toBe('open');
      t.clock!.advanceHours(2);
      const verified = await act(supervisor, 'verify', { note: '经核实已办结，予以销号' });

      o = await open311();
      expect(o.status).toBe('closed');
      // Closed: the notes are the result, the public reason for the status.
      expect(o.status_notes).toBe('零工驿站已投入使用，每日发布用工信息');
      expect(o.updated_datetime).toBe(w3c(verified.updatedAt));
      expect(o.updated_datetime).toBe('2024-03-13T14:00:00+08:00');
      expect(o.expected_datetime).toBeNull();
      const closed = jsonOf<RequestJson[]>(await get('/requests.json?status=closed'), 'requests.json');
      expect(closed.map((c) => c.service_request_id)).toContain(id);
      const x = xmlOf<{ request: Record<string, string>[] }>(
        await get(`/requests/${id}.xml`),
        'service_requests',
      );
      expect(x.request[0]).toMatchObject({
        status: 'closed',
        status_notes: '零工驿站已投入使用，每日发布用工信息',
        updated_datetime: '2024-03-13T14:00:00+08:00',
      });

      const updates = jsonOf<
        {
          update_id: string;
          service_request_id: string;
          status: string;
          updated_datetime: string;
          description: string;
        }[]
      >(await get(`/servicerequestupdates.json?service_request_id=${id}`), 'updates.json');
      expect(updates.map((u) => [u.status, u.description])).toEqual([
        ['OPEN', '请人社局牵头办理'],
        ['OPEN', '交办'],
        ['IN_PROGRESS', '签收'],
        ['IN_PROGRESS', '已在茨菇塘街道设立零工驿站'],
        ['IN_PROGRESS', '零工驿站已投入使用，每日发布用工信息'],
        ['FIXED', '经核实已办结，予以销号'],
      ]);
      expect(updates.every((u) => u.service_request_id === id)).toBe(true);
      expect(updates.at(-1)!.updated_datetime).toBe('2024-03-13T14:00:00+08:00');
      // The window of the whole list: since the second day only the later updates.
      const later = jsonOf<{ service_request_id: string; status: string }[]>(
        await get(
          '/servicerequestupdates.json?start_date=2024-03-12T00:00:00%2B08:00&end_date=2024-03-14T00:00:00%2B08:00',
        ),
        'updates.json',
      );
      expect(later.map((u) => u.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'FIXED']);
      const ux = xmlOf<{ request_update: Record<string, string>[] }>(
        await get(`/servicerequestupdates.xml?service_request_id=${id}`),
        'service_request_updates',
      );
      expect(ux.request_update).toHaveLength(6);
      expect(Object.keys(ux.request_update[0]!)).toEqual([
        'update_id',
        'service_request_id',
        'status',
        'updated_datetime',
        'description',
        'media_url',
      ]);
    });

    it('takes a client update into the log without changing the status', async () => {
      const before = (await supervisor.get('/api/problems?category=elderly_care')).body.items[0];
      const id = before.number as string;
      let r = await post('/servicerequestupdates.json', [
        ['service_request_id', id],
        ['description', '老人已搬家'],
      ]);
      expect(r.status).toBe(403);
      expect(errorsOf(r)[0]!.code).toBe(403);
      r = await post('/servicerequestupdates.json', [
        ['api_key', KEY],
        ['service_request_id', 'HT-1999-000001'],
      ]);
      expect(r.status).toBe(404);
      expect(errorsOf(r).map((e) => e.code)).toEqual([400, 404]);
      r = await post('/servicerequestupdates.xml', [
        ['api_key', KEY],
        ['service_request_id', id],
        ['status', 'OPEN'],
        ['update_id', 'fms-991'],
        ['updated_datetime', '2024-03-14T10:00:00+08:00'],
        ['description', '补充：老人周末由子女照顾，工作日需要助餐'],
        ['email', 'someone@example.cn'],
      ]);
      expect(r.status).toBe(200);
      const x = xmlOf<{ request_update: { update_id: string }[] }>(r, 'service_request_updates');
      const updateId = x.request_update[0]!.update_id;
      const j = await post('/servicerequestupdates.json', [
        ['api_key', KEY],
        ['service_request_id', id],
        ['description', '再补充一句'],
      ]);
      jsonOf(j, 'update-response.json');

      const found = await supervisor.get(`/api/problems?q=${encodeURIComponent(id)}`);
      const p = (await supervisor.get(`/api/problems/${found.body.items[0].id}`)).body;
      const logged = p.actions.find((a: { id: string }) => a.id === updateId);
      expect(logged).toMatchObject({
        action: 'open311_update',
        note: '补充：老人周末由子女照顾，工作日需要助餐',
        public: false,
      });
      expect(p.status).toBe(before.status);
    });
  });

  describe('Idempotency-Key on Open311 POSTs', () => {
    it('replays the first answer in the format it was given, without a second request', async () => {
      const key = { 'idempotency-key': 'o311-retry-0001' };
      const first = await post('/requests.xml', roads(), key);
      expect(first.status).toBe(200);
      const again = await post('/requests.xml', roads(), key);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(String(again.headers['content-type'])).toBe('text/xml; charset=utf-8');
      expect(again.text).toBe(first.text);
    });
  });
});
