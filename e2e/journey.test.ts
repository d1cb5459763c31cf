import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  consoleSignIn,
  newContext,
  pickCascader,
  samplePhoto,
  screenshot,
  useStage,
} from './browser.ts';

/**
 * The main journey, with real clicks and typing: a resident reports a problem with a photo on the
 * phone → the supervisor dispatches it in the console → the unit signs, adds progress and asks for
 * closure with an indicator → the supervisor verifies → the resident rates it → it is on the public
 * results list, and the dashboard's counts moved.
 */
describe('main journey', () => {
  const log = new ErrorLog();
  const token = `E2E${Date.now().toString(36).toUpperCase()}`;
  const title = `${token} 小区门口路灯不亮`;

  const stage = useStage();
  async function summary(): Promise<{ received: number; resolved: number; rated: number }> {
    const r = await fetch(`${stage.server.url}/api/stats/summary`);
    expect(r.status).toBe(200);
    return ((await r.json()) as { totals: { received: number; resolved: number; rated: number } }).totals;
  }

  async function dashboardFigures(page: Page): Promise<{ received: number; resolved: number }> {
    await page.locator('.el-menu-item', { hasText: '数据看板' }).click();
    await page.waitForURL(/\/admin\/dashboard$/);
    const received = page.locator('[data-test=kpi-received]');
    await received.waitFor();
    return {
      received: Number(await received.innerText()),
      resolved: Number(await page.locator('[data-test=kpi-resolved]').innerText()),
    };
  }

  /** Finds the problem through the console's search form and opens it. */
  async function openInConsole(page: Page): Promise<void> {
    await page.locator('.el-menu-item', { hasText: '问题清单' }).click();
    await page.waitForURL(/\/admin\/problems$/);
    await page.locator('input[data-test=filter-q], [data-test=filter-q] input').fill(token);
    await page.locator('[data-test=search]').click();
    const link = page.locator('[data-test=problems-table] .title-link', { hasText: token });
    await link.click();
    await page.waitForURL(/\/admin\/problems\/[^/]+$/);
    await page.locator('[data-test=allowed-actions]').waitFor();
  }

  /** Opens an action's dialog, lets `fill` complete the form, submits, and waits for the new entry in the action log. */
  async function act(page: Page, action: string, fill?: (dialog: Page) => Promise<void>): Promise<void> {
    const entries = page.locator('[data-test=timeline] .el-timeline-item');
    const before = await entries.count();
    await page.locator(`[data-test=action-${action}]`).click();
    await page.locator(`[data-test=form-${action}]`).waitFor();
    if (fill) await fill(page);
    const answer = page.waitForResponse((r) => r.url().includes(`/actions/${action}`));
    await page.locator('.el-dialog:visible [data-test=action-submit]').click();
    expect((await answer).status()).toBe(200);
    await page.locator(`[data-test=form-${action}]`).waitFor({ state: 'detached' });
    await expect.poll(() => entries.count()).toBeGreaterThan(before);
  }

  it('goes from a resident report to a rated result on the public list', async () => {
    // The supervisor looks at the dashboard first.
    const supCtx = await newContext(stage.browser, CONSOLE);
    const sup = log.watch(await supCtx.newPage(), 'supervisor');
    await consoleSignIn(sup, stage.server.url, 'demo-supervisor');
    const apiBefore = await summary();
    const shownBefore = await dashboardFigures(sup);
    expect(shownBefore).toEqual({ received: apiBefore.received, resolved: apiBefore.resolved });

    // A resident signs in with a phone number and a one-time code, and reports with a photo.
    const resCtx = await newContext(stage.browser, PHONE);
    const res = log.watch(await resCtx.newPage(), 'resident');
    await res.goto(`${stage.server.url}/m/login`);
    await res.locator('input[name=phone]').fill('13907330012');
    await res.locator('button', { hasText: '获取验证码' }).click();
    const hint = res.locator('.dev-code');
    await hint.waitFor();
    const code = /\d{6}/.exec(await hint.innerText())?.[0];
    expect(code).toBeTruthy();
    await res.locator('input[name=code]').fill(code!);
    await res.locator('[data-test=login-code]').click();
    await res.waitForURL(`${stage.server.url}/m/`);

    await res.locator('.van-tabbar-item', { hasText: '随手拍' }).click();
    await res.waitForURL(/\/m\/report$/);
    await res.locator('input[name=categoryCode]').click();
    await pickCascader(res, ['民生保障', '就业创业']);
    await res.locator('input[name=title]').fill(title);
    await res.locator('textarea[name=description]').fill('小区东门的路灯坏了一周，晚上很黑，老人出行不便。');
    const upload = res.waitForResponse((r) => r.url().endsWith('/api/attachments'));
    await res.locator('.van-uploader input[type=file]').setInputFiles(await samplePhoto());
    expect((await upload).status()).toBe(201);
    await res.locator('.van-uploader__preview').waitFor();
    await res.locator('input[name=villageCode]').click();
    await pickCascader(res, [0, 0]);
    await res.locator('input[name=address]').fill('荷塘小区东门');
    await screenshot(res, 'journey-1-report');
    await res.locator('[data-test=submit-report]').click();
    await res.waitForURL(/\/m\/problems\/[^/]+$/);
    await res.locator('.title', { hasText: token }).waitFor();
    expect(await res.locator('.photos img').count()).toBe(1);
    await screenshot(res, 'journey-2-submitted');

    // The supervisor dispatches it to the human resources bureau.
    await openInConsole(sup);
    await act(sup, 'dispatch', async (p) => {
      await p.locator('.el-dialog:visible [data-test=unit-picker]').first().click();
      await p.keyboard.type('人力');
      await p
        .locator('.el-select-dropdown__item:visible', { hasText: '人力资源和社会保障局' })
        .first()
        .click();
      await p.locator('[data-test=deadline-preview]').waitFor();
      await screenshot(p, 'journey-3-dispatch');
    });
    await expect
      .poll(() => sup.locator('.el-descriptions').first().innerText())
      .toContain('人力资源和社会保障局');

    // The unit signs, reports progress and asks for closure with an indicator.
    const unitCtx = await newContext(stage.browser, CONSOLE);
    const unit = log.watch(await unitCtx.newPage(), 'unit');
    await consoleSignIn(unit, stage.server.url, 'demo-unit');
    await openInConsole(unit);
    await act(unit, 'sign');
    await act(unit, 'progress', (p) =>
      p.locator('.el-dialog:visible textarea[name=note]').fill('已安排维修人员到现场查看。'),
    );
    await act(unit, 'request_closure', async (p) => {
      await p.locator('.el-dialog:visible textarea[name=summary]').fill('更换路灯 3 盏，恢复夜间照明。');
      await p
        .locator('.el-dialog:visible [data-test=indicator-residents_served]')
        .locator('xpath=descendant-or-self::input')
        .fill('120');
      await screenshot(p, 'journey-4-closure');
    });
    await screenshot(unit, 'journey-5-closure-requested');

    // The supervisor verifies.
    await sup.reload();
    await act(sup, 'verify', (p) =>
      p.locator('.el-dialog:visible textarea[name=note]').fill('现场核实，已修复。'),
    );
    await expect.poll(() => sup.locator('.head .el-tag').first().innerText()).toBe('已销号');
    await screenshot(sup, 'journey-6-verified');

    // The resident sees the result and rates it.
    await res.reload();
    await res.locator('.inds', { hasText: '120' }).waitFor();
    await res.locator('.van-radio', { hasText: /^满意$/ }).click();
    const rated = res.waitForResponse((r) => r.url().endsWith('/actions/rate'));
    await res.locator('[data-test=rate]').click();
    expect((await rated).status()).toBe(200);
    await res.locator('.rated').waitFor();
    await screenshot(res, 'journey-7-rated');

    // The result is on the public list.
    await res.goto(`${stage.server.url}/m/`);
    await res.locator('.van-tabbar-item', { hasText: '成效清单' }).click();
    await res.waitForURL(/\/m\/results$/);
    await res.locator('input[type=search]').fill(token);
    await res.keyboard.press('Enter');
    await res.locator('.title', { hasText: title }).waitFor();
    await screenshot(res, 'journey-8-results');

    // The counts moved, in the API and on the dashboard.
    const apiAfter = await summary();
    expect(apiAfter.received).toBe(apiBefore.received + 1);
    expect(apiAfter.resolved).toBe(apiBefore.resolved + 1);
    expect(apiAfter.rated).toBe(apiBefore.rated + 1);
    await sup.goto(`${stage.server.url}/admin/`);
    const shownAfter = await dashboardFigures(sup);
    expect(shownAfter).toEqual({ received: apiBefore.received + 1, resolved: apiBefore.resolved + 1 });
    await screenshot(sup, 'journey-9-dashboard');

    expect(log.errors).toEqual([]);
  });
});
