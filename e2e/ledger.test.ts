import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CONSOLE, ErrorLog, consoleSignIn, newContext, screenshot, useStage } from './browser.ts';

const CJK = /[\u3400-\u9fff]/;

type XlsxData = Parameters<ExcelJS.Workbook['xlsx']['load']>[0];

/** Downloads what clicking `selector` gives, as the bytes of a workbook. */
async function download(page: Page, selector: string): Promise<XlsxData> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  return fs.readFileSync((await d.path())!) as unknown as XlsxData;
}

/** Chooses a file in the import page's drop zone and waits for its preview answer. */
async function choose(page: Page, file: string) {
  const preview = page.waitForResponse((r) => r.url().endsWith('/api/problems/import/preview'));
  await page.locator('[data-test=import-upload] input[type=file]').setInputFiles(file);
  return (await preview).json() as Promise<{ imported: number; updated: number; unchanged: number }>;
}

/**
 * The ledger's round trip in the console (issue 21), and search and English names as people see them:
 * export the ledger, add progress to two rows in the spreadsheet, import it back (the preview lists exactly
 * those two, the import updates exactly those two), the same file again changes nothing.
 */
describe('the ledger round trip and search in the console', () => {
  const log = new ErrorLog();
  const stage = useStage();

  it('exports, takes back two edited rows as exactly two updates, and the same file again changes nothing', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'ledger');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    await page.goto(`${stage.server.url}/admin/import`);

    const template = new ExcelJS.Workbook();
    await template.xlsx.load(await download(page, '[data-test=import-template]'));
    expect(template.worksheets[0]!.actualRowCount).toBe(2);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await download(page, '[data-test=import-export]'));
    const ws = book.worksheets[0]!;
    const header = ws.getRow(2).values as string[];
    const progressCol = header.indexOf('整改进展');
    const numberCol = header.indexOf('编号');
    const numbers: string[] = [];
    for (const [row, line] of [
      [4, '2024-12-20 浏览器回填：已完成整改'],
      [8, '2024-12-21 浏览器回填：已复核'],
    ] as const) {
      const cell = ws.getRow(row).getCell(progressCol);
      cell.value = cell.value ? `${String(cell.value)}\n${line}` : line;
      numbers.push(String(ws.getRow(row).getCell(numberCol).value));
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qingdan-ledger-')), '台账.xlsx');
    fs.writeFileSync(file, Buffer.from(await book.xlsx.writeBuffer()));

    const first = await choose(page, file);
    expect(first).toMatchObject({ imported: 0, updated: 2 });
    const rows = page.locator('[data-test=import-updates] .el-table__body-wrapper .el-table__row');
    await expect.poll(() => rows.count()).toBe(2);
    for (const n of numbers)
      await expect.poll(() => rows.allInnerTexts()).toContainEqual(expect.stringContaining(n));
    await expect
      .poll(() => page.locator('[data-test=import-summary]').innerText())
      .toContain('更新 2 个问题');
    await screenshot(page, 'ledger-import-preview');

    const imported = page.waitForResponse(
      (r) => r.url().endsWith('/api/problems/import') && r.request().method() === 'POST',
    );
    await page.locator('[data-test=import-confirm]').click();
    const answer = await imported;
    expect(answer.status()).toBe(201);
    expect(await answer.json()).toMatchObject({ imported: 0, updated: 2 });
    await expect
      .poll(() => page.locator('[data-test=import-done]').innerText())
      .toContain('新增 0 条，更新 2 条');

    // The two problems carry the lines; the same file again changes nothing and offers nothing to import.
    for (const n of numbers) {
      const list = await ctx.request.get(`${stage.server.url}/api/problems?q=${encodeURIComponent(n)}`);
      const id = ((await list.json()) as { items: { id: string; number: string }[] }).items.find(
        (i) => i.number === n,
      )!.id;
      const detail = (await (await ctx.request.get(`${stage.server.url}/api/problems/${id}`)).json()) as {
        actions: { action: string; data: { progress?: { note: string }[] } }[];
      };
      expect(detail.actions.at(-1)!.action).toBe('import');
    }
    const again = await choose(page, file);
    expect(again).toMatchObject({ imported: 0, updated: 0 });
    expect(again.unchanged).toBe(first.unchanged + 2);
    await expect.poll(() => page.locator('[data-test=import-confirm]').isDisabled()).toBe(true);
    await ctx.close();
    expect(log.errors).toEqual([]);
  });

  it('finds 就业 by its category, marks the words of 路灯不亮 found; English shows English category names', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'search');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    await page.goto(`${stage.server.url}/admin/problems`);
    await page.locator('input[data-test=filter-q], [data-test=filter-q] input').fill('就业');
    const listed = page.waitForResponse((r) => r.url().includes('/api/problems?') && r.url().includes('q='));
    await page.locator('[data-test=search]').click();
    const body = (await (await listed).json()) as { total: number; items: { categoryCode: string }[] };
    expect(body.total).toBeGreaterThanOrEqual(20);
    await expect
      .poll(() => page.locator('[data-test=problems-table] .el-table__row').count())
      .toBeGreaterThan(0);
    // A phrase found in part: the words found are marked in the titles.
    const q = page.locator('input[data-test=filter-q], [data-test=filter-q] input');
    await q.fill('路灯不亮');
    await page.locator('[data-test=search]').click();
    await expect.poll(() => page.locator('[data-test=problems-table] mark.hit').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-test=problems-table] mark.hit').first().innerText()).toContain('路灯');
    await screenshot(page, 'search-street-lights');
    await ctx.close();

    const en = await newContext(stage.browser, CONSOLE, { locale: 'en-US' });
    const enPage = log.watch(await en.newPage(), 'english');
    await consoleSignIn(enPage, stage.server.url, 'demo-supervisor');
    await enPage.goto(`${stage.server.url}/admin/problems`);
    const cells = enPage.locator(
      '[data-test=problems-table] .el-table__body-wrapper .el-table__row td:nth-child(4)',
    );
    await expect.poll(() => cells.count()).toBeGreaterThan(0);
    for (const text of await cells.allInnerTexts()) expect(text).not.toMatch(CJK);
    await en.close();
    expect(log.errors).toEqual([]);
  });
});
