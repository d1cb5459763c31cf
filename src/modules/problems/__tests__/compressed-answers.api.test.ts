import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { Summary } from '../../stats/index.ts';
import { summary } from '../../stats/index.ts';

/** Lists and details go out gzip-compressed to clients that ask, and stay exact after every write. */
describe('compressed answers', () => {
  let t: TestApp;
  let sup: Client;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  const gz = { 'accept-encoding': 'gzip, deflate, br' };
  /** A road problem reported by the supervisor. */
  const report = (title: string, description: string) =>
    sup.post('/api/problems', {
      categoryCode: 'roads',
      title,
      description,
      villageCode: '430202001001',
      fields: { hazard: '一般' },
    });
  const LIST = '/api/problems?pageSize=50&sort=-createdAt';

  it('sends the same JSON compressed and plain, with Vary', async () => {
    const plain = await sup.get(LIST);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toMatch(/accept-encoding/i);
    const packed = await sup.get(LIST, gz);
    expect(packed.status).toBe(200);
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers['content-type']).toMatch(/^application\/json/);
    expect(packed.headers['vary']).toMatch(/accept-encoding/i);
    expect(Number(packed.headers['content-length'])).toBe(packed.raw.length);
    const unpacked = gunzipSync(packed.raw).toString('utf8');
    expect(JSON.parse(unpacked)).toEqual(plain.body);
    expect(packed.raw.length).toBeLessThan(plain.raw.length / 4);

    const id = (plain.body as { items: { id: string }[] }).items[0]!.id;
    const detail = await sup.get(`/api/problems/${id}`);
    const detailGz = await sup.get(`/api/problems/${id}`, gz);
    expect(detailGz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(detailGz.raw).toString('utf8'))).toEqual(detail.body);
    // A client that refuses gzip gets the bytes as they are.
    const refused = await sup.get(LIST, { 'accept-encoding': 'gzip;q=0, br' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toEqual(plain.body);
  });

  it('is exact right after a write, compressed too', async () => {
    const before = JSON.parse(gunzipSync((await sup.get(LIST, gz)).raw).toString('utf8'));
    const created = await report('压缩后的答案也要最新', '写入之后立即读取列表');
    expect(created.status).toBe(201);
    const after = JSON.parse(gunzipSync((await sup.get(LIST, gz)).raw).toString('utf8'));
    expect(after.total).toBe(before.total + 1);
    const detail = await sup.get(`/api/problems/${created.body.id}`, gz);
    expect(JSON.parse(gunzipSync(detail.raw).toString('utf8')).title).toBe('压缩后的答案也要最新');
  });

  it('sends summaries as their schema would, compressed when asked, exact after a write', async () => {
    for (const q of ['groupBy=month', 'groupBy=township', 'groupBy=category&status=closed', '']) {
      const plain = await sup.get(`/api/stats/summary?${q}`);
      expect(plain.status).toBe(200);
      const packed = await sup.get(`/api/stats/summary?${q}`, gz);
      // Under a kilobyte an answer goes out as it is.
      const small = plain.raw.length < 1024;
      expect(packed.headers['content-encoding']).toBe(small ? undefined : 'gzip');
      expect(JSON.parse((small ? packed.raw : gunzipSync(packed.raw)).toString('utf8'))).toEqual(plain.body);
      // The kept bytes are what the response schema would have written.
      expect(Summary.parse(plain.body)).toEqual(plain.body);
    }
    const direct = await summary(t.ctx, null, t.ctx.jurisdictions[0]!.id, { groupBy: 'month' } as never);
    expect(direct.totals.received).toBeGreaterThan(0);
    const before = (await sup.get('/api/stats/summary?groupBy=month', gz)).raw;
    const received = JSON.parse(gunzipSync(before).toString('utf8')).totals.received;
    const created = await report('写入之后统计立即更新', '统计也要最新');
    expect(created.status).toBe(201);
    const after = (await sup.get('/api/stats/summary?groupBy=month', gz)).raw;
    expect(JSON.parse(gunzipSync(after).toString('utf8')).totals.received).toBe(received + 1);
  });

  it('shows a renamed category in the kept summary at once, with no write', async () => {
    const admin = await t.as('demo-admin');
    const names = async () =>
      (await sup.get('/api/stats/summary?groupBy=category')).body.groups.map(
        (g: { label: string }) => g.label,
      );
    expect(await names()).toContain('道路设施');
    const roads = (await admin.get('/api/categories?all=1')).body.items.find(
      (c: { code: string }) => c.code === 'roads',
    );
    const r = await admin.request('PUT', '/api/categories/roads', { ...roads, name: '道路与桥梁' });
    expect(r.status).toBe(200);
    const after = await names();
    expect(after).toContain('道路与桥梁');
    expect(after).not.toContain('道路设施');
  });
});
