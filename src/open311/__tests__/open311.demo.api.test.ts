import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { call, jsonOf, xmlOf } from './open311.helpers.ts';

const BASE = '/open311/v2';
const DAY = 86_400_000;

/**
 * Every published problem of the Hetang demo (accepted, whatever its channel) is a valid Open311 request;
 * a report still 待审核 or refused is not listed.
 */
describe('Open311 over the demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    process.env.QINGDAN_OPEN311_RATE_LIMIT = '100000';
    t = await startTestApp({ seed: 'demo' });
  });
  afterAll(() => t.close());

  it('lists every published problem once across 90-day windows, valid against the official schema, without contact details', async () => {
    const rows = await t.ctx.db
      .selectFrom('problems')
      .select(['number', 'status', 'created_at', 'reporter_phone', 'reporter_name'])
      // Hetang's: the endpoint serves it (the demo's other districts have no Open311 id).
      .where('jurisdiction_id', '=', '430202')
      .execute();
    const first = Math.min(...rows.map((r) => Date.parse(r.created_at)));
    const last = Math.max(...rows.map((r) => Date.parse(r.created_at)));
    const seen = new Map<string, { status: string; text: string }>();
    for (let from = first - DAY; from <= last; from += 90 * DAY) {
      const start = new Date(from).toISOString();
      const end = new Date(from + 90 * DAY - 1000).toISOString();
      const r = await call(t.app, 'GET', `${BASE}/requests.json?start_date=${start}&end_date=${end}`);
      const list = jsonOf<{ service_request_id: string; status: string }[]>(r, 'requests.json');
      for (const item of list) {
        expect(seen.has(item.service_request_id), item.service_request_id).toBe(false);
        seen.set(item.service_request_id, { status: item.status, text: JSON.stringify(item) });
      }
      const x = await call(t.app, 'GET', `${BASE}/requests.xml?start_date=${start}&end_date=${end}`);
      const xb = xmlOf<{ request?: unknown[] }>(x, 'service_requests');
      expect(xb.request?.length ?? 0).toBe(list.length);
    }
    const unpublished = ['submitted', 'returned', 'rejected'];
    const published = rows.filter((r) => !unpublished.includes(r.status));
    expect(published.length).toBeLessThan(rows.length);
    expect(seen.size).toBe(published.length);
    for (const row of published) {
      const item = seen.get(row.number)!;
      expect(item.status).toBe(['closed', 'merged'].includes(row.status) ? 'closed' : 'open');
      if (row.reporter_phone) expect(item.text).not.toContain(row.reporter_phone);
      if (row.reporter_name && row.reporter_name.length > 1)
        expect(item.text).not.toContain(`"${row.reporter_name}`);
    }
  });

  it('lists the updates of the demo, valid and in order', async () => {
    const r = await call(
      t.app,
      'GET',
      `${BASE}/servicerequestupdates.json?start_date=2024-01-01&end_date=2024-03-30`,
    );
    const list = jsonOf<{ updated_datetime: string }[]>(r, 'updates.json');
    expect(list.length).toBeGreaterThan(0);
    const times = list.map((u) => Date.parse(u.updated_datetime));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
