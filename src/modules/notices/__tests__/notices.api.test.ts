import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { expireNotices } from '../index.ts';

const CAP = {
  event: '道路结冰',
  category: 'Met',
  urgency: 'Immediate',
  severity: 'Moderate',
  certainty: 'Likely',
};

/**
 * Public notices on a real database: the demo's winter carbon-monoxide warning as CAP, notices by
 * audience (township, village, registry group), the lifecycle (403 by relation, 409 by status), SMS to
 * the audience through the adapter, and expiry.
 */
describe('public notices', () => {
  let t: TestApp;
  let sup: Client;
  let unit: Client;
  let anon: Client;
  const sms = () => t.ctx.sms as RecordingSms;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    anon = t.client();
    expect(
      (
        await sup.post('/api/registry/persons', {
          name: '王奶奶',
          birthDate: '1940-05-01',
          phone: '13907339901',
          villageCode: '430202001001',
          tags: ['高龄'],
        })
      ).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const draft = (client: Client, body: Record<string, unknown>) =>
    client.post('/api/notices', { title: '测试公告', body: '公告正文', ...body });
  const act = (client: Client, id: string, action: string, body: unknown = {}) =>
    client.post(`/api/notices/${id}/actions/${action}`, body);

  it('shows the winter carbon-monoxide warning to everyone and exports it as CAP 1.2', async () => {
    const list = await anon.get('/api/notices');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ nextCursor: null });
    const co = list.body.items.find((n: any) => n.title === '冬季取暖谨防一氧化碳中毒');
    expect(co).toMatchObject({
      kind: 'urgent',
      status: 'published',
      docNumber: '荷应急〔2024〕1号',
      issuingUnit: '荷塘区应急管理局',
      channels: ['phone', 'sms', 'screen'],
      audience: { kind: 'jurisdiction', ref: null },
      capUrl: `/api/notices/${co.id}/cap.xml`,
    });
    const cap = await anon.get(co.capUrl);
    expect(cap.status).toBe(200);
    expect(cap.headers['content-type']).toContain('application/cap+xml');
    const xml = String(cap.raw);
    expect(xml).toContain('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">');
    expect(xml).toContain(`<identifier>hetang.gov.cn.notice.${co.id}</identifier>`);
    expect(xml).toContain('<sent>2024-01-10T09:00:00+08:00</sent>');
    expect(xml).toContain('<event>一氧化碳中毒</event>');
    expect(xml).toContain('<value>430202</value>');
    const general = list.body.items.find((n: any) => n.kind === 'general');
    expect((await anon.get(`/api/notices/${general.id}/cap.xml`)).status).toBe(409);
    expect((await anon.get(`/api/notices/${co.id}`)).body.id).toBe(co.id);
    expect((await anon.get('/api/notices?channel=screen')).body.items.map((n: any) => n.id)).toEqual([co.id]);
  });

  it('runs the lifecycle: drafts are private, editors publish and withdraw, 403 by relation, 409 by status', async () => {
    expect((await anon.post('/api/notices', { title: '匿名', body: 'x' })).status).toBe(401);
    expect(
      (await (await t.as('demo-resident')).post('/api/notices', { title: '居民', body: 'x' })).status,
    ).toBe(403);
    expect((await draft(unit, { kind: 'urgent' })).status).toBe(400);
    expect((await draft(unit, { audience: { kind: 'township', ref: '430202999' } })).status).toBe(400);
    expect((await draft(unit, { audience: { kind: 'group', ref: '老人' } })).status).toBe(400);
    const d = await draft(unit, {
      title: '道路结冰预警',
      kind: 'urgent',
      cap: CAP,
      docNumber: '荷城管〔2024〕7号',
      audience: { kind: 'township', ref: '430202001' },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({
      status: 'draft',
      issuingUnit: '区人力资源和社会保障局',
      allowedActions: ['revise'],
      audience: { kind: 'township', ref: '430202001', name: '月塘街道' },
    });
    const id = d.body.id;
    expect((await anon.get(`/api/notices/${id}`)).status).toBe(404);
    expect((await anon.get(`/api/notices/${id}/cap.xml`)).status).toBe(404);
    expect((await anon.get('/api/notices?status=draft')).status).toBe(403);
    expect((await act(unit, id, 'publish')).status).toBe(403);
    expect((await act(unit, id, 'revise', { issuingUnit: '荷塘区城市管理和综合执法局' })).status).toBe(200);
    expect((await act(unit, id, 'withdraw', { reason: '错发' })).status).toBe(403);
    expect((await act(sup, id, 'withdraw', { reason: '错发' })).status).toBe(409);
    expect((await act(sup, id, 'expire')).status).toBe(403);
    expect((await act(sup, id, 'nonsense')).status).toBe(404);
    const pub = await act(sup, id, 'publish');
    expect(pub.body).toMatchObject({ status: 'published', issuingUnit: '荷塘区城市管理和综合执法局' });
    expect((await act(sup, id, 'publish')).status).toBe(409);
    expect((await act(sup, id, 'revise', { title: '改' })).status).toBe(409);
    expect((await anon.get(`/api/notices/${id}`)).body.status).toBe('published');
    expect((await act(sup, id, 'withdraw', {})).status).toBe(400);
    const w = await act(sup, id, 'withdraw', { reason: '天气转好' });
    expect(w.body.actions.map((a: any) => a.action)).toEqual(['create', 'revise', 'publish', 'withdraw']);
    const cancel = String((await anon.get(`/api/notices/${id}/cap.xml`)).raw);
    expect(cancel).toContain('<msgType>Cancel</msgType>');
    expect(cancel).toContain('<value>430202001</value>');
    expect((await anon.get('/api/notices')).body.items.some((n: any) => n.id === id)).toBe(false);
    expect((await sup.get('/api/notices?status=withdrawn')).body.items.map((n: any) => n.id)).toContain(id);
  });

  it('lists by audience: the district’s, a township’s, a village’s and a registry group’s; SMS to the group', async () => {
    const make = async (title: string, audience: Record<string, string>, channels = ['phone']) => {
      const d = await draft(sup, { title, audience, channels });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      expect((await act(sup, d.body.id, 'publish')).status).toBe(200);
      return d.body.id as string;
    };
    const town = await make('月塘街道停水通知', { kind: 'township', ref: '430202001' });
    const village = await make('社区义诊', { kind: 'village', ref: '430202001001' });
    const other = await make('另一街道通知', { kind: 'township', ref: '430202002' });
    const sent = sms().sent.length;
    const elders = await make('高龄津贴发放', { kind: 'group', ref: '高龄' }, ['phone', 'sms']);
    const ids = async (q: string) => (await anon.get(`/api/notices?${q}`)).body.items.map((n: any) => n.id);
    const inVillage = await ids('village=430202001001');
    expect(inVillage).toEqual(expect.arrayContaining([town, village]));
    expect(inVillage).not.toContain(other);
    expect(inVillage).not.toContain(elders);
    const inOther = await ids('township=430202002');
    expect(inOther).toContain(other);
    expect(inOther).not.toContain(town);
    expect(await ids('group=高龄')).toContain(elders);
    expect((await anon.get('/api/notices?village=4302')).status).toBe(400);
    // The group's SMS went to the registered 高龄 person, through the adapter, and is in the log.
    const out = sms().sent.slice(sent);
    expect(out.map((m) => [m.to, m.template])).toEqual([['13907339901', 'notice']]);
    expect(out[0]!.params.title).toBe('高龄津贴发放');
    const log = (await sup.get(`/api/notices/${elders}`)).body.actions;
    expect(log.at(-1)).toMatchObject({ action: 'deliver', data: { channel: 'sms', sent: 1, failed: 0 } });
  });

  it('hides a notice past its expiry at once and marks it expired in the scan', async () => {
    const now = t.clock!.now().getTime();
    const d = await draft(sup, { title: '春节值班安排', expiresAt: new Date(now + 3_600_000).toISOString() });
    await act(sup, d.body.id, 'publish');
    expect((await anon.get('/api/notices')).body.items.some((n: any) => n.id === d.body.id)).toBe(true);
    t.clock!.advanceHours(2);
    expect((await anon.get('/api/notices')).body.items.some((n: any) => n.id === d.body.id)).toBe(false);
    expect(await expireNotices(t.ctx)).toBe(1);
    const n = await sup.get(`/api/notices/${d.body.id}`);
    expect(n.body).toMatchObject({ status: 'expired', allowedActions: [] });
    expect(n.body.actions.at(-1)).toMatchObject({ action: 'expire', actorName: '系统' });
    expect(await expireNotices(t.ctx)).toBe(0);
  });
});
