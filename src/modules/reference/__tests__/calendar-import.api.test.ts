import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { CN_OFFICIAL_CALENDAR } from '../../../kernel/workdays.ts';

const NOTICE_2026 = fs.readFileSync(path.resolve('docs/holidays/2026.txt'));

/**
 * A year without published holidays: warned about from 60 days before it starts, and mended by importing
 * the State Council's notice as a file (docs/holidays/).
 */
describe("importing the State Council's holiday notice", () => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date('2026-11-15T01:00:00Z') });
    admin = await t.as('demo-admin');
  });
  afterAll(() => t.close());

  const warnings = async () => (await t.client().get('/api/health')).body.warnings as string[];
  const year2026 = async () => (await admin.get('/api/calendar?year=2026')).body.items;

  it('warns about the coming year 60 days before it starts', async () => {
    const w = await warnings();
    expect(w.some((x) => x.startsWith('2027 年节假日安排尚未导入'))).toBe(true);
    expect(w.some((x) => x.startsWith('2026 年'))).toBe(false);
  });

  it('imports a notice as a file, replacing its year, and the warning goes', async () => {
    for (const d of await year2026())
      expect((await admin.request('DELETE', `/api/calendar/${d.date}`)).status).toBe(200);
    expect((await warnings()).some((x) => x.startsWith('2026 年'))).toBe(true);
    const m = multipart('file', '2026.txt', NOTICE_2026, 'text/plain');
    const r = await admin.request('POST', '/api/calendar/import', m.body, m.headers);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ year: 2026, holidays: 33, workdays: 6 });
    const want = CN_OFFICIAL_CALENDAR.filter((d) => d.date.startsWith('2026')).sort((a, b) =>
      a.date.localeCompare(b.date),
    );
    expect(await year2026()).toEqual(want);
    expect((await warnings()).some((x) => x.startsWith('2026 年'))).toBe(false);
    // The deadlines count with it: 2026-10-08 is a holiday, 10-10 (a Saturday) a working day.
    const ref = await t.ctx.reference.get('430202');
    expect(ref.calendar.isWorkday('2026-10-07')).toBe(false);
    expect(ref.calendar.isWorkday('2026-10-10')).toBe(true);
    // Recorded in the administrative chain.
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('summary')
      .where('kind', '=', 'calendar.import')
      .execute();
    expect(audit.map((a) => a.summary)).toEqual(['导入 2026 年节假日安排（33 天放假，6 天调休上班）']);
  });

  it('refuses a wrong notice with the line and the reason, in Chinese and English, and writes nothing', async () => {
    const before = await year2026();
    const wrong = NOTICE_2026.toString('utf8').replace('4月4日（周六）', '4月4日（周五）');
    const r = await admin.request('POST', '/api/calendar/import', wrong, { 'content-type': 'text/plain' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('第 8 行');
    expect(r.body.error.message).toContain('通知写周五');
    expect(r.body.error.message).toContain('is not the weekday the notice gives');
    const days = NOTICE_2026.toString('utf8').replace('共9天', '共8天');
    const r2 = await admin.request('POST', '/api/calendar/import', days, { 'content-type': 'text/plain' });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toContain('与通知所写天数不符');
    const none = await admin.request('POST', '/api/calendar/import', '放假通知', {
      'content-type': 'text/plain',
    });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain("the notice's title with its year was not found");
    expect(await year2026()).toEqual(before);
    // Only the administrator imports.
    const sup = await t.as('demo-supervisor');
    const m = multipart('file', '2026.txt', NOTICE_2026, 'text/plain');
    expect((await sup.request('POST', '/api/calendar/import', m.body, m.headers)).status).toBe(403);
  });
});
