import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  consoleSignIn,
  PHONE,
  expectPlainWords,
  newContext,
  pickCascader,
  samplePhoto,
  screenshot,
  useStage,
} from './browser.ts';

/** The words the journey clicks on, in each language of the pages (names of units and places are data). */
const WORDS = {
  zh: {
    dashboard: '数据看板',
    problems: '问题清单',
    sendCode: '获取验证码',
    reportTab: '随手拍',
    resultsTab: '成效清单',
    closed: '已销号',
    satisfied: /^满意$/,
    category: ['民生保障', '就业创业'],
  },
  en: {
    dashboard: 'Dashboard',
    problems: 'Problem list',
    sendCode: 'Send code',
    reportTab: 'Report',
    resultsTab: 'Results',
    closed: 'Closed',
    satisfied: /^Satisfied$/,
    // Reference names: English where the admin gave them, else the Chinese.
    category: [/Livelihood|民生保障/, /Jobs|就业创业/],
  },
} as const;
type Lang = keyof typeof WORDS;

/**
 * The main journey, with real clicks and typing, in Chinese and in English: a resident reports a
 * problem with a photo on the phone → the supervisor dispatches it in the console → the unit signs,
 * adds progress and asks for closure with an indicator → the supervisor verifies → the resident rates
 * it → it is on the public results list, and the dashboard's counts moved. At every step no page shows
 * raw schema text or a request field path.
 */
describe('main journey', () => {
  const stage = useStage();
  let lang: Lang = 'zh';
  let log = new ErrorLog();
  let token = '';
  let title = '';
  const words = () => WORDS[lang];
  const locale = () => (lang === 'en' ? 'en-US' : 'zh-CN');

  async function summary(): Promise<{ received: number; resolved: number; rated: number }> {
    const r = await fetch(`${stage.server.url}/api/stats/summary`);
    expect(r.status).toBe(200);
    return ((await r.json()) as { totals: { received: number; resolved: number; rated: number } }).totals;
  }

  async function dashboardFigures(page: Page): Promise<{ received: number; resolved: number }> {
    await page.locator('.el-menu-item', { hasText: words().dashboard }).click();
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
    await page.locator('.el-menu-item', { hasText: words().problems }).click();
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

  async function journey(phone: string) {
    // The supervisor looks at the dashboard first.
    const supCtx = await newContext(stage.browser, CONSOLE, { locale: locale() });
    const sup = log.watch(await supCtx.newPage(), 'supervisor');
    await consoleSignIn(sup, stage.server.url, 'demo-supervisor');
    const apiBefore = await summary();
    const shownBefore = await dashboardFigures(sup);
    expect(shownBefore).toEqual({ received: apiBefore.received, resolved: apiBefore.resolved });

    // A resident signs in with a phone number and a one-time code, and reports with a photo.
    const resCtx = await newContext(stage.browser, PHONE, { locale: locale() });
    const res = log.watch(await resCtx.newPage(), 'resident');
    await res.goto(`${stage.server.url}/m/login`);
    await res.locator('input[name=phone]').fill(phone);
    await res.locator('button', { hasText: words().sendCode }).click();
    const hint = res.locator('.dev-code');
    await hint.waitFor();
    const code = /\d{6}/.exec(await hint.innerText())?.[0];
    expect(code).toBeTruthy();
    await res.locator('input[name=code]').fill(code!);
    await res.locator('[data-test=login-code]').click();
    await res.waitForURL(`${stage.server.url}/m/`);

    await res.locator('.van-tabbar-item', { hasText: words().reportTab }).click();
    await res.waitForURL(/\/m\/report$/);
    await res.locator('input[name=categoryCode]').click();
    await pickCascader(res, [...words().category]);
    await res.locator('input[name=title]').fill(title);
    await res.locator('textarea[name=description]').fill('小区东门的路灯坏了一周，晚上很黑，老人出行不便。');
    const upload = res.waitForResponse((r) => r.url().endsWith('/api/attachments'));
    await res.locator('.van-uploader input[type=file]').setInputFiles(await samplePhoto());
    expect((await upload).status()).toBe(201);
    await res.locator('.van-uploader__preview').waitFor();
    await res.locator('input[name=villageCode]').click();
    await pickCascader(res, [0, 0]);
    await res.locator('input[name=address]').fill('荷塘小区东门');
    await expectPlainWords(res, 'the report form');
    await screenshot(res, `journey-${lang}-1-report`);
    await res.locator('[data-test=submit-report]').click();
    await res.waitForURL(/\/m\/problems\/[^/]+$/);
    await res.locator('.title', { hasText: token }).waitFor();
    expect(await res.locator('.photos img').count()).toBe(1);
    await expectPlainWords(res, 'the reported problem');
    await screenshot(res, `journey-${lang}-2-submitted`);

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
      await expectPlainWords(p, 'the dispatch dialog');
      await screenshot(p, `journey-${lang}-3-dispatch`);
    });
    await expect
      .poll(() => sup.locator('.el-descriptions').first().innerText())
      .toContain('人力资源和社会保障局');

    // The unit signs, reports progress and asks for closure with an indicator.
    const unitCtx = await newContext(stage.browser, CONSOLE, { locale: locale() });
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
      await expectPlainWords(p, 'the closure dialog');
      await screenshot(p, `journey-${lang}-4-closure`);
    });
    await expectPlainWords(unit, 'the problem after the closure request');
    await screenshot(unit, `journey-${lang}-5-closure-requested`);

    // The supervisor verifies.
    await sup.reload();
    await act(sup, 'verify', (p) =>
      p.locator('.el-dialog:visible textarea[name=note]').fill('现场核实，已修复。'),
    );
    await expect.poll(() => sup.locator('.head .el-tag').first().innerText()).toBe(words().closed);
    await expectPlainWords(sup, 'the verified problem');
    await screenshot(sup, `journey-${lang}-6-verified`);

    // The resident sees the result and rates it.
    await res.reload();
    await res.locator('.inds', { hasText: '120' }).waitFor();
    await res.locator('.van-radio', { hasText: words().satisfied }).click();
    const rated = res.waitForResponse((r) => r.url().endsWith('/actions/rate'));
    await res.locator('[data-test=rate]').click();
    expect((await rated).status()).toBe(200);
    await res.locator('.rated').waitFor();
    await expectPlainWords(res, 'the rated problem');
    await screenshot(res, `journey-${lang}-7-rated`);

    // The result is on the public list.
    await res.goto(`${stage.server.url}/m/`);
    await res.locator('.van-tabbar-item', { hasText: words().resultsTab }).click();
    await res.waitForURL(/\/m\/results$/);
    await res.locator('input[type=search]').fill(token);
    await res.keyboard.press('Enter');
    await res.locator('.title', { hasText: title }).waitFor();
    await expectPlainWords(res, 'the results list');
    await screenshot(res, `journey-${lang}-8-results`);

    // The counts moved, in the API and on the dashboard.
    const apiAfter = await summary();
    expect(apiAfter.received).toBe(apiBefore.received + 1);
    expect(apiAfter.resolved).toBe(apiBefore.resolved + 1);
    expect(apiAfter.rated).toBe(apiBefore.rated + 1);
    await sup.goto(`${stage.server.url}/admin/`);
    const shownAfter = await dashboardFigures(sup);
    expect(shownAfter).toEqual({ received: apiBefore.received + 1, resolved: apiBefore.resolved + 1 });
    await expectPlainWords(sup, 'the dashboard');
    await screenshot(sup, `journey-${lang}-9-dashboard`);

    expect(log.errors).toEqual([]);
    for (const c of [supCtx, resCtx, unitCtx]) await c.close();
  }

  for (const [l, phone] of [
    ['zh', '13907330012'],
    ['en', '13907330013'],
  ] as const) {
    it(`goes from a resident report to a rated result on the public list (${l})`, async () => {
      lang = l;
      log = new ErrorLog();
      token = `E2E${l.toUpperCase()}${Date.now().toString(36).toUpperCase()}`;
      title = `${token} 小区门口路灯不亮`;
      await journey(phone);
    });
  }
});
