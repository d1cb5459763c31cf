import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_NAME } from '../../../demo/hetang.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

/** The text of a .docx: its word/document.xml unzipped, tags removed. */
function docxText(docx: Buffer): { xml: string; text: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qd-docx-')), 'b.docx');
  fs.writeFileSync(file, docx);
  const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
  return { xml, text: xml.replace(/<[^>]+>/g, '') };
}

/** Issue 22: the briefing as a Word file, its figures from the demo's records. */
describe('GET /api/briefing.docx', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
  });
  afterAll(() => t.close());

  it("writes the campaign's figures in the article's sentences, a table per domain and typical cases", async () => {
    const leader = await t.as('demo-leader');
    const r = await leader.get(`/api/briefing.docx?campaign=${encodeURIComponent(CAMPAIGN_NAME)}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('wordprocessingml');
    const { xml, text } = docxText(Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw));
    expect(text).toContain('工作简报');
    expect(text).toContain('34名领导干部领衔34个调研课题');
    expect(text).toContain('已解决问题104个');
    expect(text).toContain('企业发展类15个、营商环境类36个、民生保障类53个');
    expect(text).toContain('帮助3家企业获得融资3500万元');
    expect(text).toContain('盘活闲置土地34.23亩');
    // One table a domain, each with its header row; typical cases with their results.
    expect(xml.match(/<w:tbl>/g)).toHaveLength(3);
    expect(text).toContain('问题类别收集问题已解决解决率满意率');
    expect(text).toContain('典型案例');
    expect(text).toMatch(/HT-\d{4}-\d{6}/);
    // The same sentence as the JSON briefing.
    const json = await leader.get(`/api/briefing?campaign=${encodeURIComponent(CAMPAIGN_NAME)}`);
    expect(text).toContain(json.body.text);
  });

  it('answers 404 for an unknown campaign and 400 for a malformed one', async () => {
    const c = t.client();
    expect((await c.get('/api/briefing.docx?campaign=nope')).status).toBe(404);
    expect((await c.get(`/api/briefing.docx?campaign=${'x'.repeat(101)}`)).status).toBe(400);
  });
});
