import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { toXml, type Document, type Node } from '../open311.format.ts';
import { acceptPending, call, form, jsonOf, xmlOf } from './open311.helpers.ts';

const KEY = 'demo-open311-key';
const BASE = '/open311/v2';

/** The XML as the general-purpose builder writes it: what the hand-written writer must match. */
function builderXml(doc: Document): string {
  const items: Record<string, string> = {
    services: 'service',
    service_requests: 'request',
    errors: 'error',
    attributes: 'attribute',
  };
  type El = ReturnType<typeof create>;
  const write = (el: El, name: string, value: Node | undefined): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      const child = items[name] ?? 'item';
      for (const v of value) write(el.ele(child), child, v);
      return;
    }
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (v !== undefined) write(el.ele(k), k, v);
      return;
    }
    // eslint-disable-next-line no-control-regex
    el.txt(String(value).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
  };
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(doc.root);
  write(root, doc.root, doc.body);
  return root.end({ prettyPrint: true });
}

describe('Open311 XML writer', () => {
  it('writes what a general XML builder writes', () => {
    const docs: Document[] = [
      { root: 'errors', body: [] },
      { root: 'services', body: [{ service_code: 'roads', description: null, metadata: true }] },
      {
        root: 'service_requests',
        body: [
          {
            description: 'a & b <c> "d" \'e\' \u0001 f\r\n 第二行',
            empty: '',
            list: [],
            nested: { x: 1.5, y: false, z: undefined, w: {} },
            items: ['p', null, ['q']],
          },
          { lat: 27.86, long: -0 },
        ],
      },
      { root: 'service_definition', body: { service_code: 'x', attributes: [{ values: [] }] } },
    ];
    for (const doc of docs) expect(toXml(doc)).toBe(builderXml(doc));
  });
});

/** Answers kept for every caller (service list, request listings) stay exact after each kind of change. */
describe('Open311 answers kept per version', () => {
  let t: TestApp;
  let admin: Client, supervisor: Client;
  const get = (path: string) => call(t.app, 'GET', `${BASE}${path}`);
  const report = async (description: string) => {
    const r = await call(
      t.app,
      'POST',
      `${BASE}/requests.json`,
      form([
        ['api_key', KEY],
        ['service_code', 'roads'],
        ['lat', 27.86],
        ['long', 113.17],
        ['attribute[hazard]', '较大'],
        ['description', description],
      ]),
    );
    expect(r.status).toBe(200);
    // Public once accepted.
    await acceptPending(supervisor);
    return (r.json as { service_request_id: string }[])[0]!.service_request_id;
  };
  type Item = { service_request_id: string; service_name: string; description: string };
  const listed = async (query = '') => jsonOf<Item[]>(await get(`/requests.json${query}`), 'requests.json');

  beforeAll(async () => {
    process.env.QINGDAN_OPEN311_RATE_LIMIT = '100000';
    process.env.QINGDAN_OPEN311_WRITE_LIMIT = '100000';
    t = await startTestApp({ seed: 'reference' });
    admin = await t.as('demo-admin');
    supervisor = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('lists a new request at once, in JSON and XML alike', async () => {
    expect(await listed()).toEqual([]);
    const first = await report('第一条：路面坑洼，请尽快处理。');
    expect((await listed()).map((i) => i.service_request_id)).toEqual([first]);
    t.clock!.advanceHours(1);
    const second = await report('第二条：路灯不亮，夜间出行不便。');
    const json = await listed();
    expect(json.map((i) => i.service_request_id)).toEqual([second, first]);
    const xml = xmlOf<{ request: { service_request_id: string }[] }>(
      await get('/requests.xml'),
      'service_requests',
    );
    expect(xml.request.map((r) => r.service_request_id)).toEqual([second, first]);
    // Pages of the same listing are kept apart.
    expect((await listed('?page_size=1&page=2')).map((i) => i.service_request_id)).toEqual([first]);
  });

  it('drops a request from the default window when it turns 90 days old, with no write', async () => {
    const before = await listed();
    expect(before).toHaveLength(2);
    // The first was made an hour before the second, and the clock stands at the second's creation:
    // the first turns 90 days old in 90 days less an hour, and stays listed until then.
    t.clock!.advanceHours(90 * 24 - 1);
    expect(await listed()).toHaveLength(2);
    t.clock!.advanceHours(0.5);
    expect(await listed()).toHaveLength(1);
    t.clock!.advanceHours(1);
    expect(await listed()).toEqual([]);
    // An explicit window still finds them.
    const start = new Date(t.clock!.now().getTime() - 91 * 86_400_000).toISOString();
    expect(await listed(`?start_date=${start}`)).toHaveLength(2);
  });

  it('follows a renamed category in the service list and in the listings', async () => {
    const roads = (await admin.get('/api/categories?all=1')).body.items.find(
      (c: { code: string }) => c.code === 'roads',
    );
    const services = async () =>
      jsonOf<{ service_code: string; service_name: string }[]>(
        await get('/services.json'),
        'services.json',
      ).find((s) => s.service_code === 'roads')!.service_name;
    expect(await services()).toBe(roads.name);
    const r = await admin.request('PUT', '/api/categories/roads', { ...roads, name: '道路与桥梁' });
    expect(r.status).toBe(200);
    expect(await services()).toBe('道路与桥梁');
    const x = xmlOf<{ service: { service_code: string; service_name: string }[] }>(
      await get('/services.xml'),
      'services',
    );
    expect(x.service.find((s) => s.service_code === 'roads')!.service_name).toBe('道路与桥梁');
    const start = new Date(t.clock!.now().getTime() - 91 * 86_400_000).toISOString();
    expect((await listed(`?start_date=${start}`)).map((i) => i.service_name)).toEqual([
      '道路与桥梁',
      '道路与桥梁',
    ]);
  });

  it('sends kept listings gzip-compressed to clients that accept it, the same in both formats', async () => {
    for (let i = 0; i < 8; i++) await report(`压缩测试第${i}条：人行道地砖松动，行人容易绊倒，请尽快修复。`);
    for (const format of ['json', 'xml'] as const) {
      const path = `${BASE}/requests.${format}`;
      const plain = await t.app.inject({ method: 'GET', url: path });
      const packed = await t.app.inject({ method: 'GET', url: path, headers: { 'accept-encoding': 'gzip' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(packed.headers['content-encoding']).toBe('gzip');
      expect(packed.headers['vary']).toMatch(/accept-encoding/i);
      expect(packed.headers['content-type']).toBe(plain.headers['content-type']);
      expect(gunzipSync(packed.rawPayload).toString('utf8')).toBe(plain.body);
      expect(packed.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    }
    // A new request is in the compressed listing at once.
    const id = await report('压缩之后的新请求，也要立即出现在列表中。');
    const again = await t.app.inject({
      method: 'GET',
      url: `${BASE}/requests.json`,
      headers: { 'accept-encoding': 'gzip' },
    });
    const items = JSON.parse(gunzipSync(again.rawPayload).toString('utf8')) as Item[];
    expect(items[0]!.service_request_id).toBe(id);
  });
});
