import { describe, expect, it } from 'vitest';
import { request, type Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  SCREEN,
  consoleSignIn,
  newContext,
  screenshot,
  signInByApi,
  useStage,
} from './browser.ts';

/** The visible dialog's text input in the form item labelled `label`. */
const field = (page: Page, label: string) =>
  page.locator('.el-dialog:visible .el-form-item', { hasText: label }).locator('input').first();

/** The visible dialog's form item whose label is exactly `label`. */
const item = (page: Page, label: string) =>
  page
    .locator('.el-dialog:visible .el-form-item')
    .filter({ has: page.locator('.el-form-item__label', { hasText: new RegExp(`^${label}$`) }) })
    .first();

/** Clicks the visible dialog's save button and returns the API answer it caused. */
async function saveDialog(page: Page, url: RegExp, method: string) {
  const answer = page.waitForResponse((r) => url.test(r.url()) && r.request().method() === method);
  await page.locator('.el-dialog:visible .el-dialog__footer button.el-button--primary').click();
  return answer;
}

/** The admin dialogs (one composable behind them all) and the big screen driven by configuration. */
describe('admin dialogs and the big screen', () => {
  const log = new ErrorLog();

  const stage = useStage();
  it('edits a user (PATCH, not the PUT that answered 404) and creates then edits a unit', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'admin');
    await consoleSignIn(page, stage.server.url, 'demo-admin');

    await page.goto(`${stage.server.url}/admin/admin/users`);
    // The demo has more users than a page holds: found by name, as an admin would.
    await page.locator('.qd-search input').fill('demo-street');
    await page.locator('.qd-search button[type=submit]').click();
    const row = page.locator('.el-table__row', { hasText: 'demo-street' });
    await row.locator('button', { hasText: '编辑' }).click();
    await field(page, '姓名').fill('街道经办人（改）');
    const patched = page.waitForResponse((r) => r.url().includes('/api/users/'));
    await page.locator('.el-dialog:visible button', { hasText: '保存' }).click();
    const answer = await patched;
    expect(answer.request().method()).toBe('PATCH');
    expect(answer.status()).toBe(200);
    await expect.poll(() => row.innerText()).toContain('街道经办人（改）');

    await page.goto(`${stage.server.url}/admin/admin/units`);
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

  it('creates a user, resets the password, disables the account; nothing is sent while fields are empty', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'users');
    await consoleSignIn(page, stage.server.url, 'demo-admin');
    await page.goto(`${stage.server.url}/admin/admin/users`);
    await page.locator('.qd-toolbar button, button', { hasText: '新增' }).first().click();
    let sent = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/users') && r.method() === 'POST') sent++;
    });
    await page.locator('.el-dialog:visible .el-dialog__footer button.el-button--primary').click();
    await expect.poll(() => item(page, '用户名').locator('.el-form-item__error').innerText()).toBe('必填');
    expect(sent).toBe(0);
    await item(page, '用户名').locator('input').fill('test-handler');
    await expect.poll(() => item(page, '用户名').locator('.el-form-item__error').count()).toBe(0);
    await item(page, '姓名').locator('input').fill('测试经办人');
    await item(page, '密码').locator('input').fill('first-pass-2026');
    await item(page, '角色').locator('.el-checkbox', { hasText: '承办人' }).click();
    expect((await saveDialog(page, /\/api\/users$/, 'POST')).status()).toBe(201);
    // Signing in as the new user from a context of its own (the page's cookies stay the admin's).
    const outside = await request.newContext();
    const login = (password: string) =>
      outside.post(`${stage.server.url}/api/auth/login`, { data: { username: 'test-handler', password } });
    expect((await login('first-pass-2026')).status()).toBe(200);

    // Password reset from the edit dialog (the new user is found by the list's search).
    await page.locator('.qd-search input').first().fill('test-handler');
    await page.locator('.qd-search button[type=submit]').click();
    const row = page.locator('.el-table__row', { hasText: 'test-handler' });
    await row.locator('button', { hasText: '编辑' }).click();
    await item(page, '密码').locator('input').fill('second-pass-2026');
    expect((await saveDialog(page, /\/api\/users\//, 'PATCH')).status()).toBe(200);
    expect((await login('first-pass-2026')).status()).toBe(401);
    expect((await login('second-pass-2026')).status()).toBe(200);

    // Disabling: the account can no longer sign in.
    await row.locator('button', { hasText: '编辑' }).click();
    await item(page, '启用').locator('.el-switch').click();
    expect((await saveDialog(page, /\/api\/users\//, 'PATCH')).status()).toBe(200);
    expect((await login('second-pass-2026')).ok()).toBe(false);
    await outside.dispose();
    await ctx.close();
    expect(log.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('creates and edits a category, a time rule and a calendar day; creates and revokes an API key', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'reference');
    await consoleSignIn(page, stage.server.url, 'demo-admin');

    await page.goto(`${stage.server.url}/admin/admin/categories`);
    await page.locator('button', { hasText: '新增' }).first().click();
    await item(page, '编码').locator('input').fill('test_benches');
    await item(page, '名称').locator('input').fill('公园座椅');
    await item(page, '英文名称').locator('input').fill('Park benches');
    expect((await saveDialog(page, /\/api\/categories/, 'PUT')).status()).toBeLessThan(300);
    const catRow = page.locator('.el-table__row', { hasText: 'test_benches' });
    await catRow.locator('button', { hasText: '编辑' }).click();
    await item(page, '名称').locator('input').fill('公园座椅损坏');
    expect((await saveDialog(page, /\/api\/categories/, 'PUT')).status()).toBe(200);
    await expect.poll(() => catRow.innerText()).toContain('公园座椅损坏');

    await page.goto(`${stage.server.url}/admin/admin/time-rules`);
    await page.locator('button', { hasText: '新增' }).first().click();
    await item(page, '问题类型').locator('.el-select').click();
    await page
      .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '公园座椅损坏' })
      .click();
    await item(page, '办结时限（工作日）').locator('input').fill('3');
    expect((await saveDialog(page, /\/api\/time-rules\//, 'PUT')).status()).toBeLessThan(300);
    await expect.poll(() => page.locator('.el-table__row', { hasText: '公园座椅损坏' }).count()).toBe(1);
    const ruleRow = page.locator('.el-table__row', { hasText: '公园座椅损坏' });
    await ruleRow.locator('button', { hasText: '编辑' }).click();
    await item(page, '办结时限（工作日）').locator('input').fill('4');
    expect((await saveDialog(page, /\/api\/time-rules\//, 'PUT')).status()).toBe(200);
    await expect.poll(() => ruleRow.innerText()).toMatch(/\b4\b/);

    await page.goto(`${stage.server.url}/admin/admin/calendar`);
    await page.locator('button', { hasText: '新增' }).first().click();
    await item(page, '日期').locator('input').fill('2026-12-31');
    await item(page, '日期').locator('input').press('Enter');
    await item(page, '名称').locator('input').fill('测试调休');
    expect((await saveDialog(page, /\/api\/calendar\//, 'PUT')).status()).toBe(200);
    const dayRow = page.locator('.el-table__row', { hasText: '测试调休' });
    await dayRow.locator('button', { hasText: '编辑' }).click();
    await item(page, '名称').locator('input').fill('测试调休（改）');
    expect((await saveDialog(page, /\/api\/calendar\//, 'PUT')).status()).toBe(200);
    await expect.poll(() => page.locator('.el-table__row', { hasText: '测试调休（改）' }).count()).toBe(1);

    await page.goto(`${stage.server.url}/admin/admin/api-keys`);
    await page.locator('[data-test=apikey-add]').click();
    await item(page, '名称').locator('input').fill('测试接入系统');
    expect((await saveDialog(page, /\/api\/api-keys$/, 'POST')).status()).toBe(201);
    const key = await page.locator('[data-test=apikey-value]').innerText();
    const asKey = await ctx.request.get(`${stage.server.url}/api/categories`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(asKey.status()).toBe(200);
    await page.locator('.el-dialog:visible .el-dialog__footer button').first().click();
    await page
      .locator('.el-table__row', { hasText: '测试接入系统' })
      .locator('button', { hasText: '吊销' })
      .click();
    const revoked = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.locator('.el-message-box button.el-button--primary').click();
    expect((await revoked).status()).toBeLessThan(300);
    await ctx.close();
    expect(log.errors).toEqual([]);
  });

  it('titles the big screen and picks its domains and figures from the server', async () => {
    const ctx = await newContext(stage.browser, SCREEN);
    await signInByApi(ctx, stage.server.url, 'demo-leader');
    const settings = (await (await ctx.request.get(`${stage.server.url}/api/screen`)).json()) as {
      place: string;
      campaign: { name: string } | null;
    };
    expect(settings.campaign).not.toBeNull();
    const page = log.watch(await ctx.newPage(), 'screen');
    await page.goto(`${stage.server.url}/screen/`);
    const title = page.locator('[data-test=screen-title]');
    await expect.poll(() => title.innerText()).toContain(settings.campaign!.name);
    expect(await title.innerText()).toContain(settings.place);
    await expect.poll(() => page.locator('[data-test=solved] .solved-item').count()).toBe(3);
    await expect.poll(() => page.locator('[data-test=figures] .figure').count()).toBe(3);
    await screenshot(page, 'screen-configured');
    await ctx.close();
    expect(log.errors).toEqual([]);
  });
});
