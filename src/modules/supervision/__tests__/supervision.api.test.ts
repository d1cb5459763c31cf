import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { unitScore } from '../supervision.scoring.ts';

/** The text of a PDF, as poppler's pdftotext reads it (package poppler-utils). */
function pdfText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qd-pdf-')), 'n.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('supervision: the 督办单 and the unit scores', () => {
  let t: TestApp;
  let supervisor: Client;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    supervisor = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('prints a numbered 督办单 with the problem, the unit and the deadline', async () => {
    const list = await supervisor.get('/api/problems?status=in_progress&pageSize=1');
    const problem = list.body.items[0];
    expect(
      (await supervisor.post(`/api/problems/${problem.id}/actions/press`, { note: '请加快办理进度' })).status,
    ).toBe(200);
    const r = await supervisor.get(`/api/problems/${problem.id}/press-notice.pdf`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const pdf = Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf).replace(/\s+/g, '');
    expect(text).toContain(problem.number);
    const detail = await supervisor.get(`/api/problems/${problem.id}`);
    expect(text).toContain(detail.body.leadUnit.name.replace(/\s+/g, ''));
    expect(text).toContain('请加快办理进度');
    expect(text).toMatch(/督〔\d{4}〕第\d+号/);
  });

  it('says the place once: an address that names the township and village is not preceded by them', async () => {
    // A problem whose address was written in full (the demo's: 月塘街道文化路社区居委会附近).
    const items = (await supervisor.get('/api/problems?status=in_progress&pageSize=100')).body.items as {
      id: string;
      townshipName: string | null;
      villageName: string | null;
      address: string | null;
    }[];
    const full = items.find(
      (p) => p.townshipName && p.villageName && p.address?.startsWith(`${p.townshipName}${p.villageName}`),
    )!;
    expect(full).toBeDefined();
    await supervisor.post(`/api/problems/${full.id}/actions/press`, { note: '请按期办结' });
    const r = await supervisor.get(`/api/problems/${full.id}/press-notice.pdf`);
    expect(r.status).toBe(200);
    const lines = pdfText(Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw)).split('\n');
    const place = lines.find((l) => l.trim().startsWith('地点'))!.replace(/\s+/g, '');
    expect(place).toBe(`地点${full.address!.replace(/\s+/g, '')}`);
    expect(place.split(full.townshipName!)).toHaveLength(2);
  });

  it("answers 404 outside the caller's scope and 409 for a problem never pressed", async () => {
    const list = await supervisor.get('/api/problems?status=submitted&pageSize=1');
    const id = list.body.items[0].id;
    expect((await supervisor.get(`/api/problems/${id}/press-notice.pdf`)).status).toBe(409);
    expect((await (await t.as('demo-resident')).get(`/api/problems/${id}/press-notice.pdf`)).status).toBe(
      404,
    );
  });

  it('scores each unit from its rates of the month, as a hand computation from the statistics', async () => {
    const month = '2024-03';
    const r = await supervisor.get(`/api/units/scores?month=${month}`);
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThan(3);
    const stats = await supervisor.get('/api/stats/summary?groupBy=unit&from=2024-03-01&to=2024-04-01');
    const best = r.body.items[0];
    const g = stats.body.groups.find((x: { key: string }) => x.key === best.unitId);
    const w = r.body.weights;
    const parts: [number, number | null][] = [
      [w.responseRate, g.responseRate],
      [w.onTimeRate, g.onTimeRate],
      [w.resolutionRate, g.resolutionRate],
      [w.satisfactionRate, g.satisfactionRate],
      [w.bounceRate, g.bounceRate === null ? null : 1 - g.bounceRate],
      [w.reopenRate, g.reopenRate === null ? null : 1 - g.reopenRate],
    ];
    const have = parts.filter(([, v]) => v !== null) as [number, number][];
    const byHand =
      Math.round((have.reduce((s, [wt, v]) => s + wt * v, 0) / have.reduce((s, [wt]) => s + wt, 0)) * 1000) /
      10;
    expect(best.score).toBe(byHand);
    expect(best.score).toBe(unitScore(best.components, w));
    // Ranked best first, ties sharing a rank.
    const ranked = r.body.items.filter((i: { score: number | null }) => i.score !== null);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1].score).toBeGreaterThanOrEqual(ranked[i].score);
    expect(ranked[0].rank).toBe(1);
  });

  it('exports the ranking as a workbook, refuses a bad month and other roles', async () => {
    const x = await supervisor.get('/api/units/scores.xlsx?month=2024-03');
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(x.raw as Buffer) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(2).value).toBe('单位');
    expect(ws.rowCount).toBeGreaterThan(3);
    expect((await supervisor.get('/api/units/scores?month=2024-13')).status).toBe(400);
    expect((await (await t.as('demo-unit')).get('/api/units/scores?month=2024-03')).status).toBe(403);
  });
});
