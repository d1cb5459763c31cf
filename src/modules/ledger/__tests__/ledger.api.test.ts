/**
 * The ledger (台账) through the HTTP API, on SQLite or PostgreSQL (QINGDAN_TEST_DB): export in the
 * ledger layout within the caller's scope, export → import into a fresh database reproducing the same
 * problems, all-or-nothing refusal of a ledger with bad rows, and the briefing in the article's form.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, TEST_DB, type Client, type TestApp } from '../../../test/harness.ts';
import { verifyChains } from '../../audit/index.ts';
import { exportLedger, LEDGER_COLUMNS, XLSX_MIME } from '../index.ts';
import type { Principal } from '../../../kernel/roles.ts';
import type { AppError } from '../../../platform/errors.ts';

// After the demo's last problem (late 2024), so every ledger date lies in the past.
// After every seeded record: the jobs demo dates its records from the day the template is seeded.
const CLOCK = new Date(Math.max(Date.parse('2025-01-06T02:00:00Z'), Date.now() + 86_400_000));

/** A multipart/form-data body with one file field, built by hand. */
function multipart(data: Buffer, field = 'file', filename = 'ledger.xlsx') {
  const boundary = `----qingdan${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${XLSX_MIME}\r\n\r\n`,
  );
  const body = Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** How many problems the planner's statistics say there are (after ANALYZE: how many there were then). */
async function plannedProblems(app: TestApp): Promise<number> {
  if (TEST_DB === 'postgres') {
    const r = await sql<{ n: number }>`select reltuples::int as n from pg_class
      where oid = 'problems'::regclass`.execute(app.ctx.db);
    return r.rows[0]!.n;
  }
  const r = await sql<{ stat: string }>`select stat from sqlite_stat1
    where tbl = 'problems' and idx = 'problems_created'`.execute(app.ctx.db);
  return Number(r.rows[0]?.stat.split(' ')[0] ?? 0);
}

async function upload(c: Client, data: Buffer, field = 'file') {
  const m = multipart(data, field);
  return c.request('POST', '/api/problems/import', m.body, m.headers);
}

/** The rows of a ledger sheet as text, title and header included. */
async function sheetRows(data: Buffer): Promise<{ sheet: ExcelJS.Worksheet; rows: string[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const sheet = wb.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= LEDGER_COLUMNS.length + 1; i++) {
      const v = row.getCell(i).value;
      cells.push(v === null || v === undefined ? '' : String(v));
    }
    rows.push(cells);
  });
  return { sheet, rows };
}

/** A ledger workbook in the export's layout, from a header and data rows. */
async function ledgerBook(header: string[], data: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('问题清单台账');
  ws.addRow(['荷塘区问题清单台账']);
  ws.addRow(header);
  for (const r of data) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function listAll(c: Client, query = ''): Promise<{ number: string; title: string; status: string }[]> {
  const out: { number: string; title: string; status: string }[] = [];
  for (let page = 1; ; page++) {
    const r = await c.get(`/api/problems?pageSize=500&page=${page}&sort=number${query}`);
    expect(r.status).toBe(200);
    out.push(...r.body.items);
    if (out.length >= r.body.total) return out;
  }
}

const col = (header: string) => LEDGER_COLUMNS.findIndex((c) => c.header === header) + 1;

describe('ledger (台账) and briefing', () => {
  let demo: TestApp;
  let fresh: TestApp;
  let supervisor: Client;
  let exported: Buffer;

  beforeAll(async () => {
    [demo, fresh] = await Promise.all([
      startTestApp({ seed: 'demo', clock: CLOCK }),
      startTestApp({ seed: 'reference', clock: CLOCK }),
    ]);
    supervisor = await demo.as('demo-supervisor');
  });
  afterAll(async () => {
    await Promise.all([demo?.close(), fresh?.close()]);
  });

  it('exports the list in the ledger layout: title row, frozen header, 序号, masked phones', async () => {
    const r = await supervisor.get('/api/problems/export.xlsx');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain(XLSX_MIME);
    expect(String(r.headers['content-disposition'])).toContain('attachment');
    exported = r.raw as Buffer;
    const { sheet, rows } = await sheetRows(exported);
    expect(rows[0]![0]).toMatch(/^荷塘区问题清单台账（导出时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/);
    expect(rows[1]).toEqual(['序号', ...LEDGER_COLUMNS.map((c) => c.header)]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.getColumn(col('问题描述') + 1).width).toBeGreaterThan(30);

    const all = await listAll(supervisor);
    const data = rows.slice(2);
    expect(data.length).toBe(all.length);
    expect(data.map((d) => d[0])).toEqual(data.map((_, i) => String(i + 1)));
    expect(data.map((d) => d[col('编号')])).toEqual(all.map((p) => p.number));
    const phones = data.map((d) => d[col('联系电话')]).filter(Boolean);
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(/^\d{3}\*{4}\d{4}$/);
    // The financing results read as the ledger writes them.
    expect(
      data.some((d) =>
        /^获得融资企业:1家; 融资金额:\d+元$|^融资金额:\d+元; 获得融资企业:1家$/.test(d[col('量化指标')]!),
      ),
    ).toBe(true);
    expect(data.some((d) => /^\d{4}-\d{2}-\d{2} \S/.test(d[col('整改进展')]!))).toBe(true);
  });

  it('exports only what the caller may see, with the list filters', async () => {
    const street = await demo.as('demo-street');
    const mine = await listAll(street);
    const r = await street.get('/api/problems/export.xlsx');
    expect(r.status).toBe(200);
    const { rows } = await sheetRows(r.raw as Buffer);
    expect(rows.slice(2).map((d) => d[col('编号')])).toEqual(mine.map((p) => p.number));
    expect(mine.length).toBeLessThan((await sheetRows(exported)).rows.length - 2);

    const closed = await supervisor.get('/api/problems/export.xlsx?status=closed&kind=enterprise');
    const closedRows = (await sheetRows(closed.raw as Buffer)).rows.slice(2);
    expect(closedRows.length).toBeGreaterThan(0);
    for (const d of closedRows) {
      expect(d[col('状态')]).toBe('已销号');
      expect(d[col('类别')]).toBe('企需');
    }
    expect((await demo.client().get('/api/problems/export.xlsx')).status).toBe(401);
    expect((await supervisor.get('/api/problems/export.xlsx?status=nonsense')).status).toBe(400);
  });

  it('refuses an export beyond the row limit before writing anything', async () => {
    const admin: Principal = {
      jurisdictionId: '430202',
      userId: null,
      username: 'test',
      displayName: 'test',
      roles: ['admin'],
      unitId: null,
      unitIds: [],
      scope: { kind: 'jurisdiction', ref: null },
      via: 'api_key',
    };
    const err = await exportLedger(demo.ctx, admin, {}, { maxRows: 10 }).catch((e: AppError) => e);
    expect(err).toMatchObject({ statusCode: 400 });
  });

  it('imports the export into a fresh database and reproduces the same problems', async () => {
    const freshSupervisor = await fresh.as('demo-supervisor');
    const unit = await fresh.as('demo-unit');
    expect((await upload(unit, exported)).status).toBe(403);

    const r = await upload(freshSupervisor, exported);
    expect(r.status, JSON.stringify(r.body).slice(0, 2000)).toBe(201);
    const before = await listAll(supervisor);
    expect(r.body).toEqual({ imported: before.length });
    // The load ends with the planner's statistics of what it filled: the first lists after it plan well.
    expect(await plannedProblems(fresh)).toBe(before.length);

    const after = await listAll(freshSupervisor);
    expect(after.map((p) => [p.number, p.title, p.status])).toEqual(
      before.map((p) => [p.number, p.title, p.status]),
    );

    // The ledger of the new database is the same ledger, cell for cell; only phones stay masked.
    const again = await freshSupervisor.get('/api/problems/export.xlsx');
    const a = (await sheetRows(exported)).rows.slice(2);
    const b = (await sheetRows(again.raw as Buffer)).rows.slice(2);
    const phone = col('联系电话');
    const strip = (rows: string[][]) => rows.map((d) => d.filter((_, i) => i !== phone));
    expect(strip(b)).toEqual(strip(a));

    // Each imported problem has an `import` action, the chain is intact, and full-text search finds it.
    const one = after.find((p) => p.status === 'closed')! as { id?: string; number: string };
    const detail = await freshSupervisor.get(`/api/problems/${one.id}`);
    expect(detail.body.actions.map((x: { action: string }) => x.action)).toEqual(['import']);
    expect(await verifyChains(fresh.ctx.db)).toMatchObject({ ok: true });
    const found = await freshSupervisor.get(`/api/problems?q=${encodeURIComponent(one.number)}`);
    expect(found.body.items.map((x: { number: string }) => x.number)).toContain(one.number);

    // New problems are numbered after the imported ones.
    const created = await freshSupervisor.post('/api/problems', {
      categoryCode: 'roads',
      title: '导入后新增的问题',
      description: '测试编号不与导入的编号重复。',
      villageCode: (
        await fresh.ctx.db
          .selectFrom('divisions')
          .select('code')
          .where('level', '=', 'village')
          .executeTakeFirstOrThrow()
      ).code,
      fields: { hazard: '一般' },
    });
    expect(created.status).toBe(201);
    expect(after.map((p) => p.number)).not.toContain(created.body.number);

    // The campaign figures survive the round trip.
    const campaigns = await freshSupervisor.get('/api/campaigns');
    const campaign = campaigns.body.items.find(
      (x: { name: string }) => x.name === '走基层、找问题、想办法、促发展',
    );
    const brief = await freshSupervisor.get(`/api/briefing?campaign=${campaign.id}`);
    expect(brief.body.text).toContain('其中企业发展类15个、营商环境类36个、民生保障类53个');
    expect(brief.body.text).toContain('帮助3家企业获得融资3500万元');
    expect(brief.body.text).toContain('盘活闲置土地34.23亩');
  });

  it('refuses a ledger with bad rows whole, naming every bad row and column, and writes nothing', async () => {
    const freshSupervisor = await fresh.as('demo-supervisor');
    const header = ['序号', ...LEDGER_COLUMNS.map((c) => c.header)];
    const { rows } = await sheetRows(exported);
    const existing = rows[2]![col('编号')]!;
    const row = (over: Record<string, string>, n: number): string[] => {
      const base: Record<string, string> = {
        编号: `HT-2030-${String(n).padStart(6, '0')}`,
        发现日期: '2024-05-06',
        来源渠道: '12345热线',
        类别: '民呼',
        领域: '民生保障',
        问题类别: '道路设施',
        乡镇街道: '月塘街道',
        问题标题: '路灯损坏',
        问题描述: '小区出口路灯损坏。',
        牵头责任单位: '区交通运输局',
        整改类型: '限期整改',
        完成时限: '2024-06-30',
        状态: '办理中',
        整改进展: '2024-05-08 已现场核实',
        ...over,
      };
      return [String(n), ...LEDGER_COLUMNS.map((c) => base[c.header] ?? '')];
    };
    const book = await ledgerBook(header, [
      row({}, 1), // good
      row({ 问题类别: '不存在的类别' }, 2),
      row({ 乡镇街道: '火星街道', 完成时限: '2024-13-45' }, 3),
      row({ 状态: '半完成', 牵头责任单位: '区魔法局' }, 4),
      row({ 编号: existing }, 5),
      row({ 编号: 'HT-2030-000001' }, 6), // duplicate of the first row
      row({ 状态: '已销号', 量化指标: '幸福指数:99分', 服务对象评价: '满意' }, 7), // no 销号日期, unknown indicator, no 成效描述
      row({ 类别: '企需', 配合单位: '区财政局、不存在单位' }, 8),
      row({}, 9), // good
    ]);
    const before = await fresh.ctx.db
      .selectFrom('problems')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    const r = await upload(freshSupervisor, book);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('ledger_invalid');
    const details = r.body.error.details as { row: number; column: string; message: string }[];
    const at = (sheetRow: number) =>
      details
        .filter((d) => d.row === sheetRow)
        .map((d) => d.column)
        .sort();
    // Sheet rows: 1 title, 2 header, data from 3.
    expect(at(3)).toEqual([]);
    expect(at(4)).toEqual(['问题类别']);
    expect(at(5)).toEqual(['乡镇街道', '完成时限']);
    expect(at(6)).toEqual(['状态', '牵头责任单位'].sort());
    expect(at(7)).toEqual(['编号']);
    expect(at(8)).toEqual(['编号']);
    expect(at(9)).toEqual(['成效描述', '销号日期', '量化指标'].sort());
    expect(at(10)).toEqual(['类别', '配合单位'].sort());
    expect(at(11)).toEqual([]);
    expect(r.body.error.message).toContain('第4行「问题类别」');

    const after = await fresh.ctx.db
      .selectFrom('problems')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    // Not a workbook at all; a workbook without the ledger header; the wrong field name.
    expect((await upload(freshSupervisor, Buffer.from('编号,问题标题\n1,2\n'))).status).toBe(400);
    const noHeader = await upload(freshSupervisor, await ledgerBook(['a', 'b'], [['1', '2']]));
    expect(noHeader.status).toBe(422);
    expect(noHeader.body.error.details[0]).toMatchObject({ column: '表头' });
    expect((await upload(freshSupervisor, book, 'attachment')).status).toBe(400);

    // The two good rows alone import.
    const good = await upload(
      freshSupervisor,
      await ledgerBook(header, [row({}, 1), row({ 整改进展: '' }, 9)]),
    );
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(good.body).toEqual({ imported: 2 });
  });

  it('writes the briefing in the article form from the statistics', async () => {
    const campaigns = await supervisor.get('/api/campaigns');
    const campaign = campaigns.body.items.find(
      (x: { name: string }) => x.name === '走基层、找问题、想办法、促发展',
    );
    const r = await demo.client().get(`/api/briefing?campaign=${campaign.id}`);
    expect(r.status).toBe(200);
    const text: string = r.body.text;
    expect(text).toContain('“走基层、找问题、想办法、促发展”活动开展以来');
    expect(text).toMatch(
      /共收集问题\d+个，已解决问题104个，其中企业发展类15个、营商环境类36个、民生保障类53个；帮助3家企业获得融资3500万元，盘活闲置土地34\.23亩/,
    );
    expect(r.body.figures.byDomain.map((d: { resolved: number }) => d.resolved)).toEqual([15, 36, 53]);

    const summary = await demo.client().get(`/api/stats/summary?campaign=${campaign.id}`);
    expect(text).toContain(`共收集问题${summary.body.totals.received}个`);

    const plain = await demo
      .client()
      .get(`/api/briefing?campaign=${encodeURIComponent('走基层、找问题、想办法、促发展')}`, {
        accept: 'text/plain',
      });
    expect(String(plain.headers['content-type'])).toContain('text/plain');
    expect(plain.body).toBe(text);
    expect((await demo.client().get('/api/briefing?campaign=nope')).status).toBe(404);
    const all = await demo.client().get('/api/briefing');
    expect(all.body.text).toMatch(/^荷塘区问题清单工作开展以来，共收集问题\d+个/);
  });
});
