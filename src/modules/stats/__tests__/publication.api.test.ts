/**
 * Reports become public only when accepted: a report 待审核 (submitted, returned) or refused is absent
 * from every public list (the results list, the big screen's feed, Open311 requests and updates), while
 * its reporter still reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

describe('publication after acceptance', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client;
  let unitId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  const submit = async (title: string) => {
    const r = await resident.post('/api/problems', {
      kind: 'resident',
      categoryCode: 'jobs',
      title,
      description: `${title}，希望社区设零工服务点。`,
      villageCode: '430202001001',
      fields: { job_type: '电工' },
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; number: string };
  };
  /** The numbers found on every public list. */
  const publicNumbers = async () => {
    const anon = t.client();
    const lists = await Promise.all([
      anon.get('/api/results?pageSize=100'),
      anon.get('/api/actions/recent?limit=100'),
      anon.get('/open311/v2/requests.json'),
      anon.get('/open311/v2/requests.xml'),
      anon.get('/open311/v2/servicerequestupdates.json'),
    ]);
    for (const l of lists) expect(l.status).toBe(200);
    return lists.map((l) => String(l.raw));
  };

  it('keeps a report 待审核, returned or rejected off every public list', async () => {
    const pending = await submit('零工找活难一');
    const returned = await submit('零工找活难二');
    const rejected = await submit('零工找活难三');
    const accepted = await submit('零工找活难四');
    expect(
      (await supervisor.post(`/api/problems/${returned.id}/actions/return`, { reason: '请补充位置' })).status,
    ).toBe(200);
    expect(
      (await supervisor.post(`/api/problems/${rejected.id}/actions/reject`, { reason: '不属于受理范围' }))
        .status,
    ).toBe(200);
    expect(
      (await supervisor.post(`/api/problems/${accepted.id}/actions/dispatch`, { leadUnitId: unitId })).status,
    ).toBe(200);

    const lists = await publicNumbers();
    for (const [where, text] of lists.entries()) {
      for (const hidden of [pending, returned, rejected])
        expect(text, `list ${where}`).not.toContain(hidden.number);
    }
    // The accepted one is public at once: on the feed and in Open311's listing, in both formats.
    for (const where of [1, 2, 3, 4]) expect(lists[where], `list ${where}`).toContain(accepted.number);
    expect((await t.client().get(`/open311/v2/requests/${pending.number}.json`)).status).toBe(404);
  });

  it('still shows a report 待审核 to its reporter', async () => {
    const mine = await submit('零工找活难五');
    const r = await resident.get(`/api/problems/${mine.id}`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('submitted');
    const list = await resident.get('/api/problems?mine=1');
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(mine.id);
  });
});
