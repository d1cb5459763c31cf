/**
 * The ledger's round trip (台账回填, issue 21) through the HTTP API on the demo data: export, add progress to
 * two rows, preview (exactly those two as updates, nothing written), import (exactly those two updated),
 * the same file again (nothing changed); a row of a problem changed since the export, or naming another
 * problem's number, refuses the file; the empty template has a note on every column.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { verifyChains } from '../../audit/index.ts';
import { LEDGER_COLUMNS, XLSX_MIME } from '../index.ts';

const CLOCK = new Date(Math.max(Date.parse('2025-01-06T02:00:00Z'), Date.now() + 86_400_000));

function multipart(data: Buffer) {
  const boundary = `----qingdan${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ledger.xlsx"\r\nContent-Type: ${XLSX_MIME}\r\n\r\n`,
  );
  return {
    body: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
const send = (c: Client, path: string, data: Buffer) => {
  const m = multipart(data);
  return c.request('POST', path, m.body, m.headers);
};
/** The sheet column of a ledger header (序号 is column 1). */
const col = (header: string) => LEDGER_COLUMNS.findIndex((c) => c.header === header) + 2;

/** The workbook with `edit` applied to its first sheet. */
async function edited(data: Buffer, edit: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as Parameters<typeof wb.xlsx.load>[0]);
  edit(wb.worksheets[0]!);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const text = (ws: ExcelJS.Worksheet, row: number, header: string) => {
  const v = ws.getRow(row).getCell(col(header)).value;
  return v === null || v === undefined ? '' : String(v);
};

describe('the ledger round trip', () => {
  let t: TestApp;
  let sup: Client;
  let exported: Buffer;
  let edits: { number: string; line: string }[];
  let editedFile: Buffer;

  const versions = async () =>
    new Map(
      (await t.ctx.db.selectFrom('problems').select(['number', 'version']).execute()).map((r) => [
        r.number,
        Number(r.version),
      ]),
    );
  const lastSeq = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('actions')
          .select((eb) => eb.fn.max('seq').as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo', clock: CLOCK });
    sup = await t.as('demo-supervisor');
    const r = await sup.get('/api/problems/export.xlsx');
    expect(r.status).toBe(200);
    exported = r.raw as Buffer;
    edits = [];
    // Two rows get a new progress line each, under what they had.
    editedFile = await edited(exported, (ws) => {
      for (const [row, line] of [
        [5, '2024-12-30 回填：已完成现场整改'],
        [9, '2025-01-02 回填：已约谈责任单位'],
      ] as const) {
        const cell = ws.getRow(row).getCell(col('整改进展'));
        const before = text(ws, row, '整改进展');
        cell.value = before ? `${before}\n${line}` : line;
        edits.push({ number: text(ws, row, '编号'), line });
      }
    });
  });
  afterAll(() => t.close());

  it('previews exactly the two edited rows as updates and writes nothing', async () => {
    const seq = await lastSeq();
    const r = await send(sup, '/api/problems/import/preview', editedFile);
    expect(r.status, JSON.stringify(r.body).slice(0, 1000)).toBe(200);
    expect(r.body.imported).toBe(0);
    expect(r.body.updated).toBe(2);
    expect(r.body.updates.map((u: { number: string }) => u.number).sort()).toEqual(
      edits.map((e) => e.number).sort(),
    );
    for (const u of r.body.updates as {
      number: string;
      progress: { date: string; note: string }[];
      ignored: string[];
    }[]) {
      const e = edits.find((x) => x.number === u.number)!;
      expect(u.progress).toEqual([{ date: e.line.slice(0, 10), note: e.line.slice(11) }]);
      expect(u.ignored).toEqual([]);
    }
    const rows = (await sup.get('/api/problems?pageSize=1')).body.total as number;
    expect(r.body.unchanged).toBe(rows - 2);
    expect(await lastSeq()).toBe(seq);
    // Only the supervising office imports.
    expect((await send(await t.as('demo-unit'), '/api/problems/import/preview', editedFile)).status).toBe(
      403,
    );
  });

  it('imports: exactly those two problems get the progress, the rest stay as they were', async () => {
    const before = await versions();
    const r = await send(sup, '/api/problems/import', editedFile);
    expect(r.status, JSON.stringify(r.body).slice(0, 1000)).toBe(201);
    expect(r.body).toMatchObject({ imported: 0, updated: 2 });
    const after = await versions();
    const changed = [...after].filter(([n, v]) => before.get(n) !== v).map(([n]) => n);
    expect(changed.sort()).toEqual(edits.map((e) => e.number).sort());
    for (const e of edits) {
      const found = await sup.get(`/api/problems?q=${encodeURIComponent(e.number)}`);
      const id = found.body.items.find((i: { number: string }) => i.number === e.number).id;
      const detail = await sup.get(`/api/problems/${id}`);
      const last = detail.body.actions.at(-1);
      expect(last.action).toBe('import');
    }
    expect(await verifyChains(t.ctx.db)).toMatchObject({ ok: true });

    // The next export writes the lines as progress: the ledger and the problems agree.
    const again = await sup.get('/api/problems/export.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(again.raw as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const ws = wb.worksheets[0]!;
    for (const e of edits) {
      let row = 3;
      while (text(ws, row, '编号') !== e.number) row++;
      expect(text(ws, row, '整改进展').split('\n')).toContain(e.line);
    }
  });

  it('the same file again changes nothing', async () => {
    const seq = await lastSeq();
    const before = await versions();
    const r = await send(sup, '/api/problems/import', editedFile);
    expect(r.status, JSON.stringify(r.body).slice(0, 1000)).toBe(201);
    expect(r.body).toMatchObject({ imported: 0, updated: 0, updates: [] });
    expect(await lastSeq()).toBe(seq);
    expect(await versions()).toEqual(before);
  });

  it('refuses progress on a problem changed since the export, and a number with another title', async () => {
    // The first export is older than the import above: its rows of the two updated problems are stale.
    const stale = await edited(exported, (ws) => {
      let row = 3;
      while (text(ws, row, '编号') !== edits[0]!.number) row++;
      ws.getRow(row).getCell(col('整改进展')).value = '2025-01-03 过时的表格里的新进展';
      ws.getRow(6).getCell(col('问题标题')).value = '另一个问题的标题';
    });
    const seq = await lastSeq();
    const r = await send(sup, '/api/problems/import', stale);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('ledger_invalid');
    const columns = (r.body.error.details as { row: number; column: string }[]).map((d) => d.column).sort();
    expect(columns).toEqual(['版本', '编号'].sort());
    expect(await lastSeq()).toBe(seq);
  });

  it('gives an empty template with a note on every column', async () => {
    const r = await sup.get('/api/problems/ledger-template.xlsx');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain(XLSX_MIME);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.raw as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const ws = wb.worksheets[0]!;
    expect(ws.actualRowCount).toBe(2);
    for (const c of LEDGER_COLUMNS) {
      const cell = ws.getRow(2).getCell(col(c.header));
      expect(cell.value).toBe(c.header);
      expect(cell.note, c.header).toBeTruthy();
    }
    expect((await (await t.as('demo-unit')).get('/api/problems/ledger-template.xlsx')).status).toBe(403);
  });
});
