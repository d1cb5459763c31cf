import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { usccFor } from '../../../test/services.factories.ts';

/**
 * The HSDS 3 schemas as the product's shared documents keep them, beside the repository (`../shared/hsds`),
 * read from there where they are; a checkout alone uses the unchanged copy in fixtures/hsds, and where both
 * are present a test shows the copy has not drifted from them.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SHARED = path.resolve(REPO, '../shared/hsds/schema');
const COPY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/hsds');
const SCHEMAS =
  process.env.QINGDAN_HSDS_SCHEMAS ?? (fs.existsSync(path.join(SHARED, 'service.json')) ? SHARED : COPY);
/** Not table schemas: the API description, and the compiled copy that repeats the tables' ids. */
const NOT_TABLES = new Set(['openapi.json', 'service_with_definitions.json']);

/** Ajv with every HSDS 3 table schema, each under its file name (their `$ref`s are file names). */
function hsdsValidator() {
  if (!fs.existsSync(path.join(SCHEMAS, 'service.json')))
    throw new Error(`the HSDS 3 schemas are not at ${SCHEMAS} (set QINGDAN_HSDS_SCHEMAS)`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const f of fs.readdirSync(SCHEMAS).filter((x) => x.endsWith('.json') && !NOT_TABLES.has(x)))
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8')), f);
  return ajv;
}

/** The service directory: providers checked, places with hours, and the HSDS 3 export. */
describe('service directory', () => {
  let t: TestApp;
  let sup: Client;
  let providerId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('refuses a provider whose USCC check character is wrong, accepts a valid one', async () => {
    const good = usccFor(1);
    const bad = good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A');
    const base = {
      name: '荷塘区康乐居家养老服务中心',
      serviceArea: ['430202001'],
      services: ['助洁', '助餐'],
    };
    expect((await sup.post('/api/directory/providers', { ...base, uscc: bad })).status).toBe(400);
    expect(
      (await sup.post('/api/directory/providers', { ...base, uscc: good, serviceArea: ['999999999'] }))
        .status,
    ).toBe(400);
    const r = await sup.post('/api/directory/providers', {
      ...base,
      uscc: good,
      licenceNo: '湘养服字2024001',
      phone: '0731-28880001',
    });
    expect(r.status).toBe(201);
    providerId = r.body.id;
    const w = await sup.post(`/api/directory/providers/${providerId}/workers`, {
      name: '王护理',
      phone: '13907339999',
      qualifications: [{ name: '养老护理员（四级）', number: 'YL2024-01' }],
    });
    expect(w.status).toBe(201);
    expect(
      (await (await t.as('demo-resident')).post('/api/directory/providers', { ...base, uscc: good })).status,
    ).toBe(403);
  });

  it('refuses a place with a bad RRULE and lists places near a point with their opening state', async () => {
    const place = {
      kind: 'canteen',
      name: '桂花路健康公益食堂',
      providerId,
      villageCode: '430202001001',
      address: '桂花路 88 号',
      lat: 27.8601,
      lng: 113.1702,
      phone: '0731-28880002',
      capacity: 80,
      hours: [
        { rrule: 'FREQ=DAILY', opens: '11:00', closes: '13:00', calendar: 'rrule', label: '午餐' },
        { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', opens: '17:00', closes: '18:30', label: '晚餐' },
      ],
    };
    const bad = await sup.post('/api/directory/places', {
      ...place,
      hours: [{ rrule: 'FREQ=SOMETIMES', opens: '11:00', closes: '13:00' }],
    });
    expect(bad.status).toBe(400);
    expect((await sup.post('/api/directory/places', place)).status).toBe(201);
    expect(
      (await sup.post('/api/directory/places', { ...place, name: '远处食堂', lat: 27.95, lng: 113.3 }))
        .status,
    ).toBe(201);
    // The test clock: Monday 2024-03-04 09:00 local.
    const near = await t
      .client()
      .get('/api/directory/places?kind=canteen&lat=27.861&lng=113.171&radius=2000');
    expect(near.status).toBe(200);
    expect(near.body.items.map((p: any) => p.name)).toEqual(['桂花路健康公益食堂']);
    expect(near.body.items[0]).toMatchObject({ openNow: false, nextOpening: '2024-03-04T03:00:00.000Z' });
    expect(near.body.items[0].distanceM).toBeGreaterThan(0);
  });

  it.skipIf(!fs.existsSync(path.join(SHARED, 'service.json')))(
    "keeps the repository's copy of the HSDS schemas equal to the shared documents",
    () => {
      for (const file of fs.readdirSync(COPY).filter((f) => f.endsWith('.json')))
        expect(fs.readFileSync(path.join(COPY, file), 'utf8'), file).toBe(
          fs.readFileSync(path.join(SHARED, file), 'utf8'),
        );
    },
  );

  it('exports the directory as HSDS 3 that validates against its JSON Schemas', async () => {
    const r = await t.client().get('/api/directory/hsds');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total_items: 2, page_number: 1, empty: false });
    const ajv = hsdsValidator();
    const service = ajv.getSchema('service.json')!;
    for (const s of r.body.contents) {
      const ok = service(s);
      expect(service.errors ?? [], JSON.stringify(service.errors)).toEqual([]);
      expect(ok).toBe(true);
    }
    const org = ajv.getSchema('organization.json')!;
    expect(org(r.body.contents[0].organization)).toBe(true);
    const canteen = r.body.contents.find((s: any) => s.alternate_name === '助餐');
    const sal = canteen.service_at_locations.find((x: any) => x.location.name === '桂花路健康公益食堂');
    expect(sal.schedules.map((s: any) => [s.freq, s.byday, s.opens_at])).toEqual([
      ['WEEKLY', 'MO,TU,WE,TH,FR,SA,SU', '11:00'],
      ['WEEKLY', 'MO,TU,WE,TH,FR', '17:00'],
    ]);
    // Stable ids: the same directory exports the same document.
    expect((await t.client().get('/api/directory/hsds')).body.contents).toEqual(r.body.contents);
  });

  it('fails the schema check when a required field is missing (the validator really checks)', async () => {
    const r = await t.client().get('/api/directory/hsds');
    const service = hsdsValidator().getSchema('service.json')!;
    const { status: _s, ...withoutStatus } = r.body.contents[0];
    expect(service(withoutStatus)).toBe(false);
  });
});
