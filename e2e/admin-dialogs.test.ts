import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  SCREEN,
  consoleSignIn,
  launchBrowser,
  newContext,
  screenshot,
  signInByApi,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

/** The visible dialog's text input in the form item labelled `label`. */
const field = (page: Page, label: string) =>
  page.locator('.el-dialog:visible .el-form-item', { hasText: label }).locator('input').first();

/** The admin dialogs (one composable behind them all) and the big screen driven by configuration. */
describe('admin dialogs and the big screen', () => {
  let server: TestServer;
  let browser: Browser;
  const log = new ErrorLog();

  beforeAll(async () => {
    server = await startServer(inject('seedDir'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    if (server && !server.alive()) console.error(`the server went away:\n${server.output().slice(-4000)}`);
    await browser?.close();
    await server?.stop();
  });

  it('edits a user (PATCH, not the PUT that answered 404) and creates then edits a unit', async () => {
    const ctx = await newContext(browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'admin');
    await consoleSignIn(page, server.url, 'demo-admin');

    await page.goto(`${server.url}/admin/admin/users`);
    const row = page.locator('.el-table__row', { hasText: 'demo-street' });
    await row.locator('button', { hasText: '编辑' }).click();
    await field(page, '姓名').fill('街道经办人（改）');
    const patched = page.waitForResponse((r) => r.url().includes('/api/users/'));
    await page.locator('.el-dialog:visible button', { hasText: '保存' }).click();
    const answer = await patched;
    expect(answer.request().method()).toBe('PATCH');
    expect(answer.status()).toBe(200);
    await expect.poll(() => row.innerText()).toContain('街道经办人（改）');

    await page.goto(`${server.url}/admin/admin/units`);
    await page.locator('button', { hasText: '新增' }).click();
    await field(page, '单位名称').fill('区测试服务中心');
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/api/units') && r.request().method() === 'POST',
    );
    await page.locator('.el-dialog:visible button', { hasText: '保存' }).click();
    expect((await created).status()).toBe(201);
    const unitRow = page.locator('.el-table__row', { hasText: '区测试服务中心' });
    await unitRow.locator('button', { hasText: '编辑' }).click();
    await field(page, '单位名称').fill('区测试服务中心（改）');
    const put = page.waitForResponse(
      (r) => r.url().includes('/api/units/') && r.request().method() === 'PUT',
    );
    await page.locator('.el-dialog:visible button', { hasText: '保存' }).click();
    expect((await put).status()).toBe(200);
    await expect
      .poll(() => page.locator('.el-table__row', { hasText: '区测试服务中心（改）' }).count())
      .toBe(1);
    await ctx.close();
    expect(log.errors).toEqual([]);
  });

  it('titles the big screen and picks its domains and figures from the server', async () => {
    const ctx = await newContext(browser, SCREEN);
    await signInByApi(ctx, server.url, 'demo-leader');
    const settings = (await (await ctx.request.get(`${server.url}/api/screen`)).json()) as {
      place: string;
      campaign: { name: string } | null;
    };
    expect(settings.campaign).not.toBeNull();
    const page = log.watch(await ctx.newPage(), 'screen');
    await page.goto(`${server.url}/screen/`);
    const title = page.locator('[data-test=screen-title]');
    await expect.poll(() => title.innerText(), { timeout: 30_000 }).toContain(settings.campaign!.name);
    expect(await title.innerText()).toContain(settings.place);
    await expect
      .poll(() => page.locator('[data-test=solved] .solved-item').count(), { timeout: 30_000 })
      .toBe(3);
    await expect.poll(() => page.locator('[data-test=figures] .figure').count(), { timeout: 30_000 }).toBe(3);
    await screenshot(page, 'screen-configured');
    await ctx.close();
    expect(log.errors).toEqual([]);
  });
});
