import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, startTestApp, type TestApp } from '../../src/test/harness.ts';
import { generate } from '../generate.ts';

/** The generator writes through the bulk-import path, and what it writes passes a real ledger import. */
describe('synthetic data generator', () => {
  let a: TestApp, b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ seed: 'reference', clock: 'system' });
    b = await startTestApp({ seed: 'reference', clock: 'system' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('generates a realistic mix that exports and re-imports whole through the ledger validation', async () => {
    const r = await generate(a.ctx, { problems: 400, seed: 3 });
    expect(r.imported).toBe(400);
    const sup = await a.as('demo-supervisor');
    const list = (await sup.get('/api/problems?pageSize=1')).body;
    expect(list.total).toBe(400);
    // Every state of a plausible mix, several categories and townships, searchable Chinese text.
    const summary = (await sup.get('/api/stats/summary?groupBy=township')).body;
    expect(summary.groups.length).toBeGreaterThanOrEqual(5);
    for (const status of ['submitted', 'rejected', 'assigned', 'in_progress', 'closed']) {
      expect((await sup.get(`/api/problems?status=${status}&pageSize=1`)).body.total, status).toBeGreaterThan(
        0,
      );
    }
    const byCategory = (await sup.get('/api/stats/summary?groupBy=category')).body.groups;
    expect(byCategory.length).toBeGreaterThanOrEqual(8);
    // Long tail: the most frequent category is far more frequent than the rarest present.
    expect(byCategory[0].received).toBeGreaterThan(5 * byCategory[byCategory.length - 1].received);
    const first = (await sup.get('/api/problems?pageSize=1')).body.items[0];
    const word = [...first.title].slice(-4).join('');
    expect(
      (await sup.get(`/api/problems?q=${encodeURIComponent(word)}&pageSize=1`)).body.total,
    ).toBeGreaterThan(0);
    // The log holds each problem's history before the import entry.
    const detail = (await sup.get(`/api/problems/${first.id}`)).body;
    expect(detail.actions[0].action).toBe('submit');
    expect(detail.actions.at(-1).action).toBe('import');

    const ledger = await sup.request('GET', '/api/problems/export.xlsx?pageSize=500');
    expect(ledger.status).toBe(200);
    const upload = multipart(
      'file',
      'generated.xlsx',
      ledger.raw as Buffer,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const other = await b.as('demo-supervisor');
    const imported = await other.request('POST', '/api/problems/import', upload.body, upload.headers);
    expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(201);
    expect(imported.body.imported).toBe(400);
  });
});
