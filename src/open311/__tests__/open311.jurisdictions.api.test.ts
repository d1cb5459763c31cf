import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { reloadJurisdictions } from '../../platform/jurisdictions.ts';
import { parseW3c, w3c } from '../open311.format.ts';
import { call, expectValid, form, jsonOf, xmlErrors } from './open311.helpers.ts';

const BASE = '/open311/v2';

describe('Open311 dates', () => {
  it('writes instants in W3C format at +08:00', () => {
    expect(w3c('2024-03-04T01:00:00.000Z')).toBe('2024-03-04T09:00:00+08:00');
    expect(w3c('2024-12-31T16:30:15.250Z')).toBe('2025-01-01T00:30:15+08:00');
    expect(w3c(null)).toBeNull();
  });

  it('reads every granularity of the W3C note, with Z, offsets and a lost +; a date alone in +08:00, a time without a zone refused', () => {
    expect(parseW3c('2010-01-01T00:00:00Z')!.at.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(parseW3c('1994-11-05T08:15:30-05:00')!.at.toISOString()).toBe('1994-11-05T13:15:30.000Z');
    expect(parseW3c('2024-03-04T09:00:00 08:00')!.at.toISOString()).toBe('2024-03-04T01:00:00.000Z');
    expect(parseW3c('2024-03-04T09:00')).toBeNull();
    expect(parseW3c('2024-03-04T09:00:00')).toBeNull();
    expect(parseW3c('2024-03-04')).toEqual({ at: new Date('2024-03-03T16:00:00.000Z'), dateOnly: true });
    expect(parseW3c('2024-03')!.at.toISOString()).toBe('2024-02-29T16:00:00.000Z');
    expect(parseW3c('2024-03-04T09:00:00.5+0800')!.at.toISOString()).toBe('2024-03-04T01:00:00.500Z');
    for (const bad of ['yesterday', '2024-02-31', '2024-13-01', '04/03/2024', ''])
      expect(parseW3c(bad), bad).toBeNull();
  });
});

describe('Open311 with several jurisdictions', () => {
  let t: TestApp;
  beforeAll(async () => {
    process.env.QINGDAN_OPEN311_RATE_LIMIT = '100000';
    t = await startTestApp({ seed: 'reference' });
    // The demo seeds 芦淞区 (430203) beside Hetang without an Open311 id; here it opens to Open311 clients too.
    await t.ctx.db
      .updateTable('jurisdictions')
      .set({ open311_id: 'lusong.gov.cn' })
      .where('id', '=', '430203')
      .execute();
    await reloadJurisdictions(t.ctx);
  });
  afterAll(() => t.close());

  it('400 when jurisdiction_id is missing, on every resource and in both formats', async () => {
    for (const path of [
      '/services.json',
      '/services/roads.json',
      '/requests.json',
      '/requests/HT-2024-000001.json',
      '/tokens/x.json',
      '/servicerequestupdates.json',
    ]) {
      const r = await call(t.app, 'GET', `${BASE}${path}`);
      expect(r.status, path).toBe(400);
      expectValid('errors.json', r.json);
      expect((r.json as { description: string }[])[0]!.description).toContain(
        'jurisdiction_id was not provided',
      );
    }
    const x = await call(t.app, 'GET', `${BASE}/services.xml`);
    expect(x.status).toBe(400);
    expect(xmlErrors(x)[0]!.description).toContain('jurisdiction_id was not provided');
    const p = await call(
      t.app,
      'POST',
      `${BASE}/requests.json`,
      form([
        ['api_key', 'demo-open311-key'],
        ['service_code', 'roads'],
        ['address_string', '月塘街道'],
        ['attribute[hazard]', '一般'],
      ]),
    );
    expect(p.status).toBe(400);
    expect((p.json as { description: string }[])[0]!.description).toContain(
      'jurisdiction_id was not provided',
    );
  });

  it('serves each jurisdiction by its id, and refuses a key of another jurisdiction', async () => {
    const hetang = jsonOf<unknown[]>(
      await call(t.app, 'GET', `${BASE}/services.json?jurisdiction_id=hetang.gov.cn`),
      'services.json',
    );
    const lusong = jsonOf<unknown[]>(
      await call(t.app, 'GET', `${BASE}/services.json?jurisdiction_id=lusong.gov.cn`),
      'services.json',
    );
    expect(hetang.length).toBeGreaterThan(0);
    expect(lusong).toHaveLength(hetang.length);
    const p = await call(
      t.app,
      'POST',
      `${BASE}/requests.json`,
      form([
        ['api_key', 'demo-open311-key'],
        ['jurisdiction_id', 'lusong.gov.cn'],
        ['service_code', 'roads'],
        ['address_string', '建设街道'],
        ['attribute[hazard]', '一般'],
      ]),
    );
    expect(p.status).toBe(403);
    expect((p.json as { description: string }[])[0]!.description).toContain(
      'not valid for this jurisdiction',
    );
    const ok = await call(
      t.app,
      'POST',
      `${BASE}/requests.json`,
      form([
        ['api_key', 'demo-open311-key'],
        ['jurisdiction_id', 'hetang.gov.cn'],
        ['service_code', 'roads'],
        ['address_string', '月塘街道'],
        ['attribute[hazard]', '一般'],
      ]),
    );
    expect(ok.status).toBe(200);
    // Discovery keeps its one fixed URL.
    jsonOf(await call(t.app, 'GET', `${BASE}/discovery.json`), 'discovery.json');
  });
});

describe('Open311 rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    process.env.QINGDAN_OPEN311_RATE_LIMIT = '5';
    t = await startTestApp({ seed: 'reference' });
  });
  afterAll(() => t.close());

  it('limits anonymous GETs per client with 429 and Retry-After, not callers with a key', async () => {
    for (let i = 0; i < 5; i++) expect((await call(t.app, 'GET', `${BASE}/services.json`)).status).toBe(200);
    const r = await call(t.app, 'GET', `${BASE}/services.json`);
    expect(r.status).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expectValid('errors.json', r.json);
    expect((r.json as { code: number }[])[0]!.code).toBe(429);
    const keyed = await call(t.app, 'GET', `${BASE}/services.json`, undefined, {
      authorization: 'Bearer demo-open311-key',
    });
    expect(keyed.status).toBe(200);
    for (let i = 0; i < 5; i++) await call(t.app, 'GET', `${BASE}/services.xml`);
    const x = await call(t.app, 'GET', `${BASE}/services.xml`);
    expect(x.status).toBe(429);
    expect(x.headers['retry-after']).toBeDefined();
    expect(xmlErrors(x)[0]!.code).toBe(429);
  });
});
