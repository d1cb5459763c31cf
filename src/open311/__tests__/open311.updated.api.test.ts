import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { reportProblem } from '../../test/factories.ts';

/**
 * `updated_after` / `updated_before` select by the time a request last changed in public — its
 * `updated_datetime` — not by any write to the row: a rating two days after closing moves neither.
 */
describe('Open311 updated_after and updated_before', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let number: string;
  let id: string;
  const closedAt = '2024-03-04T01:00:00.000Z';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date(closedAt) });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    const hr = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
    const p = await reportProblem(resident, { categoryCode: 'jobs', fields: {} });
    ({ id, number } = p);
    for (const [c, action, body] of [
      [supervisor, 'dispatch', { leadUnitId: hr }],
      [unit, 'sign', {}],
      [unit, 'request_closure', { summary: '已安排技能培训' }],
      [supervisor, 'verify', {}],
    ] as const)
      expect((await c.post(`/api/problems/${id}/actions/${action}`, body)).status).toBe(200);
    t.clock!.advanceHours(48);
    expect((await resident.post(`/api/problems/${id}/actions/rate`, { rating: 'satisfied' })).status).toBe(
      200,
    );
  });
  afterAll(() => t.close());

  const ids = async (q: string) =>
    ((await t.client().get(`/open311/v2/requests.json?${q}`)).body as { service_request_id: string }[]).map(
      (r) => r.service_request_id,
    );

  it('does not count a rating as a public change', async () => {
    const r = (await t.client().get(`/open311/v2/requests/${number}.json`)).body[0];
    expect(r.updated_datetime).toBe('2024-03-04T09:00:00+08:00');
    expect(await ids('updated_after=2024-03-04T10:00:00%2B08:00')).toEqual([]);
    expect(await ids('updated_before=2024-03-04T09:00:00%2B08:00')).toEqual([number]);
    expect(await ids('updated_before=2024-03-04T08:59:59%2B08:00')).toEqual([]);
  });

  it('counts a public change after it', async () => {
    t.clock!.advanceHours(1);
    expect((await supervisor.post(`/api/problems/${id}/actions/reopen`, { reason: '复查' })).status).toBe(
      200,
    );
    expect(await ids('updated_after=2024-03-04T10:00:00%2B08:00')).toEqual([number]);
    expect(await ids('updated_before=2024-03-04T10:00:00%2B08:00')).toEqual([]);
  });
});
