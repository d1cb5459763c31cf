/**
 * Personal numbers typed into free text are masked on every public output (the results list, the live
 * feed, notices, Open311 in JSON and XML, a ledger export by a role without the right) and shown as typed
 * to the supervisor.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

const PHONE = '13812341234';
const ID_NUMBER = '430202199001011233';
const MASKED_PHONE = '138****1234';
const MASKED_ID = '430202********1233';

describe('redaction of personal numbers on public outputs', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let id: string, number: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    const hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id as string;
    const created = await resident.post('/api/problems', {
      kind: 'resident',
      categoryCode: 'jobs',
      title: `零工找活难，联系${PHONE}`,
      description: `我的电话${PHONE}，身份证${ID_NUMBER}，希望社区设零工服务点。`,
      villageCode: '430202001001',
      fields: { job_type: '电工' },
    });
    expect(created.status).toBe(201);
    ({ id, number } = created.body);
    const act = async (c: Client, action: string, body: unknown = {}) => {
      const r = await c.post(`/api/problems/${id}/actions/${action}`, body);
      expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    };
    await act(supervisor, 'dispatch', { leadUnitId: hrUnitId });
    await act(unit, 'sign');
    await act(unit, 'request_closure', {
      summary: `已设零工驿站，已电话${PHONE}回访。`,
      indicators: [{ code: 'new_jobs', value: 3 }],
    });
    await act(supervisor, 'verify', { note: '同意销号' });
    const notice = await supervisor.post('/api/notices', { title: '公告', body: `咨询电话 ${PHONE}` });
    expect(notice.status).toBe(201);
    expect((await supervisor.post(`/api/notices/${notice.body.id}/actions/publish`, {})).status).toBe(200);
  });
  afterAll(() => t.close());

  const expectMasked = (text: string, where: string) => {
    expect(text, where).not.toContain(PHONE);
    expect(text, where).not.toContain(ID_NUMBER);
  };

  it('masks the results list, the feed and the notices', async () => {
    const anon = t.client();
    const results = await anon.get('/api/results');
    const item = results.body.items.find((i: { id: string }) => i.id === id);
    expect(item.description).toBe(`我的电话${MASKED_PHONE}，身份证${MASKED_ID}，希望社区设零工服务点。`);
    expect(item.result.summary).toContain(MASKED_PHONE);
    expectMasked(JSON.stringify(results.body), '/api/results');
    const feed = await anon.get('/api/actions/recent?limit=50');
    expect(feed.body.items.some((a: { number: string }) => a.number === number)).toBe(true);
    expectMasked(JSON.stringify(feed.body), '/api/actions/recent');
    const notices = await anon.get('/api/notices');
    expect(notices.body.items[0].body).toBe(`咨询电话 ${MASKED_PHONE}`);
  });

  it('masks Open311 requests and updates in JSON and XML', async () => {
    const anon = t.client();
    for (const path of [
      '/open311/v2/requests.json',
      '/open311/v2/requests.xml',
      `/open311/v2/requests/${number}.json`,
      `/open311/v2/requests/${number}.xml`,
      '/open311/v2/servicerequestupdates.json',
      '/open311/v2/servicerequestupdates.xml',
    ]) {
      const r = await anon.get(path);
      expect(r.status, path).toBe(200);
      expectMasked(String(r.raw), path);
    }
    const one = await anon.get(`/open311/v2/requests/${number}.json`);
    expect(one.body[0].description).toContain(MASKED_ID);
    expect(String((await anon.get(`/open311/v2/requests/${number}.xml`)).raw)).toContain(MASKED_PHONE);
  });

  it('masks a ledger export for a role without the right, not for the supervisor', async () => {
    const cells = async (c: Client) => {
      const r = await c.get('/api/problems/export.xlsx');
      expect(r.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.raw as unknown as Parameters<typeof wb.xlsx.load>[0]);
      const out: string[] = [];
      wb.worksheets[0]!.eachRow((row) => row.eachCell((cell) => out.push(String(cell.value))));
      return out.join('\n');
    };
    const byUnit = await cells(unit);
    expect(byUnit).toContain(number);
    expectMasked(byUnit, 'export by a unit handler');
    const bySupervisor = await cells(supervisor);
    expect(bySupervisor).toContain(ID_NUMBER);
    expect(bySupervisor).toContain(`已电话${PHONE}回访`);
  });

  it('shows the supervisor the description as typed', async () => {
    const r = await supervisor.get(`/api/problems/${id}`);
    expect(r.body.description).toContain(PHONE);
    expect(r.body.description).toContain(ID_NUMBER);
  });
});
