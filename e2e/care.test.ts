import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { idNumberFor, usccFor } from '../src/test/services.factories.ts';
import {
  CONSOLE,
  DEMO_PASSWORD,
  ErrorLog,
  PHONE,
  SCREEN,
  consoleSignIn,
  screenshot,
  signInByApi,
  useStage,
} from './browser.ts';
import { PATIENCE_MS } from './patience.ts';

/** The password of the accounts this file makes (the policy asks for letters and digits). */
const PASSWORD = 'hetang-care-2026';
/** 玫瑰名城, where 张大爷 lives, and a spot 55 m away where the caregiver's phone says it is. */
const HOME = { latitude: 27.8601, longitude: 113.1702 };
const NEAR_HOME = { latitude: 27.8605, longitude: 113.1706 };
const VILLAGE = '430202001001';
const ADDRESS = '玫瑰名城 3 栋 201';

type Call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;

/** Signs in through the API and answers a caller that sends the session cookie and CSRF token. */
async function apiAs(base: string, username: string, password: string): Promise<Call> {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(`sign-in of ${username} answered ${r.status}: ${await r.text()}`);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** A phone or console context in China's time zone, optionally with a position the page may read. */
async function context(
  viewport: { width: number; height: number },
  browser: import('playwright-core').Browser,
  at?: { latitude: number; longitude: number },
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(at && { geolocation: at, permissions: ['geolocation'] }),
  });
  ctx.setDefaultTimeout(PATIENCE_MS);
  return ctx;
}

/** Signs in on the phone pages with user name and password. */
async function phoneSignIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/m/login`);
  await page.locator('.van-tab').nth(1).click();
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('[data-test=login-password]').click();
  await page.waitForURL(`${base}/m/`);
}

/** A PNG of one colour: two different photos for the check-in and the check-out. */
async function photo(name: string, r: number) {
  const sharp = (await import('sharp')).default;
  const buffer = await sharp({
    create: { width: 320, height: 240, channels: 3, background: { r, g: 120, b: 90 } },
  })
    .png()
    .toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

interface Order {
  id: string;
  photoFiles?: { id: string; url: string }[];
  status: string;
  providerId: string;
  placedAs: string;
  checkinDistanceM: number | null;
  flags: string[];
  ratingLevel: string | null;
  subsidyFen: number;
  settlementMonth: string | null;
}

/**
 * Home care and the canteen in the browser (issue 23): 张大爷 orders 助洁 in 老年模式 on his phone; the
 * caregiver accepts, checks in and out with the phone's position and photos (uploaded, the check-in's
 * after a spell offline) and confirms with the SMS code 张大爷 reads out; he rates it 非常满意; the supervisor clears the short-visit flag and settles the month in the console; and he
 * has lunch at the canteen, checked in at the counter with his meal card.
 */
describe('home care and the canteen', () => {
  const log = new ErrorLog();
  const stage = useStage();
  const tag = Date.now().toString(36).slice(-5);
  const ids = { elderUser: '', carerUser: '', person: '', provider: '', canteen: '', order: '' };
  const phone = `1390733${String(Date.now()).slice(-4)}`;
  const cardNo = `HT${Date.now().toString().slice(-8)}`;
  let sup: Call;

  beforeAll(async () => {
    const base = stage.server.url;
    sup = await apiAs(base, 'demo-supervisor', DEMO_PASSWORD);
    const admin = await apiAs(base, 'demo-admin', DEMO_PASSWORD);
    const mkUser = async (username: string, displayName: string) =>
      (
        await admin<{ id: string }>('POST', '/api/users', {
          username,
          displayName,
          password: PASSWORD,
          roles: ['resident'],
          scope: { kind: 'own', ref: null },
        })
      ).id;
    ids.elderUser = await mkUser(`elder-${tag}`, '张大爷');
    ids.carerUser = await mkUser(`carer-${tag}`, '李护理员');
    ids.person = (
      await sup<{ id: string }>('POST', '/api/registry/persons', {
        name: '张大爷',
        gender: 'male',
        birthDate: '1951-03-01',
        idNumber: idNumberFor('1951-03-01', 135),
        phone,
        villageCode: VILLAGE,
        address: ADDRESS,
        tags: ['高龄', '空巢'],
        userId: ids.elderUser,
      })
    ).id;
    // 12349 is the elderly-care hotline; a provider named after it sorts first, so the order comes here.
    ids.provider = (
      await sup<{ id: string }>('POST', '/api/directory/providers', {
        name: '12349 荷塘居家养老服务中心',
        uscc: usccFor(Number(String(Date.now()).slice(-6))),
        licenceNo: `养服${tag}`,
        phone: '0731-12349',
        serviceArea: ['430202001'],
        services: ['助洁', '助餐', '助医', '助浴', '助行', '助急'],
      })
    ).id;
    await sup('POST', `/api/directory/providers/${ids.provider}/workers`, {
      name: '李护理员',
      userId: ids.carerUser,
      qualifications: [{ name: '养老护理员（四级）', number: `HL${tag}` }],
    });
    for (const [kind, amount] of [
      ['care_subsidy', 100_000],
      ['meal_subsidy', 3_000],
    ] as const)
      await sup('POST', '/api/entitlements/grants', {
        personId: ids.person,
        kind,
        amount,
        reference: '2026年度',
      });

    // The canteen: the demo's own when it has one, else a new one; either way with today's menu.
    const canteens = await sup<{ items: { id: string; name: string }[] }>('GET', '/api/canteens');
    ids.canteen =
      canteens.items.find((c) => c.name === '桂花路健康公益食堂')?.id ??
      (
        await sup<{ id: string }>('POST', '/api/directory/places', {
          kind: 'canteen',
          name: '桂花路健康公益食堂',
          providerId: ids.provider,
          villageCode: VILLAGE,
          address: '桂花路 18 号',
          lat: 27.8612,
          lng: 113.1718,
          capacity: 80,
          hours: [
            { rrule: 'FREQ=DAILY', opens: '10:30', closes: '13:00', label: '午餐' },
            { rrule: 'FREQ=DAILY', opens: '16:30', closes: '18:30', label: '晚餐' },
          ],
        })
      ).id;
    let dishes = (await sup<{ items: { id: string }[] }>('GET', `/api/canteens/${ids.canteen}/dishes`)).items;
    if (dishes.length < 10) {
      const add: [string, string, string[], string[]][] = [
        ['红烧肉', '荤菜', ['软食'], []],
        ['清蒸鲈鱼', '荤菜', ['低盐'], ['鱼']],
        ['番茄炒蛋', '荤菜', ['软食'], ['蛋']],
        ['肉末豆腐', '荤菜', ['软食', '低盐'], ['大豆']],
        ['清炒小白菜', '素菜', ['低盐'], []],
        ['蒜蓉西兰花', '素菜', ['低盐'], []],
        ['凉拌木耳', '素菜', [], []],
        ['冬瓜排骨汤', '汤', ['低盐'], []],
        ['紫菜蛋花汤', '汤', ['低盐'], ['蛋']],
        ['米饭', '主食', [], []],
        ['南瓜小米粥', '主食', ['软食', '低糖'], []],
      ];
      for (const [name, course, dietTags, allergens] of add)
        await sup('POST', `/api/canteens/${ids.canteen}/dishes`, { name, course, dietTags, allergens });
      dishes = (await sup<{ items: { id: string }[] }>('GET', `/api/canteens/${ids.canteen}/dishes`)).items;
    }
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const meal of ['lunch', 'supper'])
      await sup('PUT', `/api/canteens/${ids.canteen}/menu`, {
        date: today,
        meal,
        dishIds: dishes.slice(0, 11).map((d) => d.id),
      });
    await sup('POST', `/api/canteens/${ids.canteen}/cards`, { cardNo, personId: ids.person });
  });

  const order = () => sup<Order>('GET', `/api/care/orders/${ids.order}`);

  it('张大爷 orders 助洁 in 老年模式, with his address filled in', async () => {
    const ctx = await context(PHONE, stage.browser, HOME);
    const page = log.watch(await ctx.newPage(), 'elder');
    await phoneSignIn(page, stage.server.url, `elder-${tag}`);
    await page.goto(`${stage.server.url}/m/me`);
    await page.locator('[data-test=large-text]').click();
    await expect
      .poll(() => page.evaluate(() => document.documentElement.classList.contains('qd-large')))
      .toBe(true);
    await page.goto(`${stage.server.url}/m/`);
    await page.locator('[data-test=care-entry]').waitFor();
    await screenshot(page, 'care-1-home-large', true);

    await page.locator('[data-test=home-entryCare]').click();
    await page.waitForURL(/\/m\/care$/);
    await page.locator('[data-test=care-kind-cleaning]:not([disabled])').waitFor();
    await screenshot(page, 'care-2-six-services');
    await page.locator('[data-test=care-kind-cleaning]').click();
    const form = page.locator('[data-test=care-order-form]');
    await expect.poll(() => form.locator('textarea[name=address]').inputValue()).toBe(ADDRESS);
    expect(await form.locator('[data-test=care-price]').innerText()).toContain('自付 30.00 元');
    await form.locator('[data-test=care-slot-now]').click();
    await page.waitForTimeout(400);
    await screenshot(page, 'care-3-order-form');
    const placed = page.waitForResponse(
      (r) => r.url().endsWith('/api/care/orders') && r.request().method() === 'POST',
    );
    await form.locator('[data-test=care-submit]').click();
    const answer = await placed;
    expect(answer.status()).toBe(201);
    ids.order = ((await answer.json()) as { id: string }).id;
    await page.waitForURL(/\/m\/care\/orders$/);
    const card = page.locator(`[data-test=care-order-${ids.order}]`);
    await expect.poll(() => card.locator('[data-test=care-status]').innerText()).toBe('等待接单');
    await screenshot(page, 'care-4-my-orders');

    const o = await order();
    expect(o).toMatchObject({ status: 'requested', providerId: ids.provider, placedAs: 'self' });
    await ctx.close();
  });

  it('the caregiver accepts, checks in 55 m from the address (offline) and checks out, with photos', async () => {
    const ctx = await context(PHONE, stage.browser, NEAR_HOME);
    const page = log.watch(await ctx.newPage(), 'caregiver', [
      /ERR_INTERNET_DISCONNECTED/,
      /Failed to fetch/,
      /ERR_FAILED/,
    ]);
    await phoneSignIn(page, stage.server.url, `carer-${tag}`);
    await page.goto(`${stage.server.url}/m/care/tasks`);
    const task = page.locator(`[data-test=care-task-${ids.order}]`);
    const status = () => task.getAttribute('data-status');
    await task.locator('[data-test=care-act-accept]').click();
    await expect.poll(status).toBe('accepted');
    await task.locator('[data-test=care-act-assign]').click();
    await expect.poll(status).toBe('assigned');
    await screenshot(page, 'care-5-task');

    for (const [action, shade, to] of [
      ['check_in', 60, 'on_site'],
      ['check_out', 200, 'completed'],
    ] as const) {
      await task.locator(`[data-test=care-act-${action}]`).click();
      const sheet = page.locator('[data-test=care-visit-form]');
      await expect.poll(() => sheet.locator('[data-test=care-position]').innerText()).toContain('27.86050');
      await sheet
        .locator('.van-uploader input[type=file]')
        .setInputFiles(await photo(`${action}.png`, shade));
      await sheet.locator('.van-uploader__preview').waitFor();
      await page.waitForTimeout(400); // the sheet slides up
      await screenshot(page, `care-6-${action}`);
      // The check-in is made with no signal: it waits on the phone and goes once the network is back.
      if (action === 'check_in') await ctx.setOffline(true);
      await sheet.locator('[data-test=care-visit-submit]').click();
      if (action === 'check_in') {
        await page.locator('[data-test=outbox] .van-cell', { hasText: '签到' }).waitFor();
        await sheet.waitFor({ state: 'hidden' });
        await screenshot(page, 'care-6-check_in-waiting', true);
        expect((await order()).status).toBe('assigned');
        await ctx.setOffline(false);
      }
      await expect.poll(status).toBe(to);
    }
    await expect.poll(() => page.locator('[data-test=care-visit-form]:visible').count()).toBe(0);
    await screenshot(page, 'care-7-task-done');

    const o = await order();
    expect(o.status).toBe('completed');
    expect(o.checkinDistanceM).toBeGreaterThan(0);
    expect(o.checkinDistanceM).toBeLessThan(200);
    // Checked out at once: shorter than half the standard two hours, so it waits for a supervisor.
    expect(o.flags).toEqual(['short_visit']);
    // Both photos went up as files (the check-in's once the signal was back), not only as hashes.
    expect(o.photoFiles).toHaveLength(2);

    // 张大爷 has no app at hand: he reads out the code of the text message, the caregiver types it.
    const texts = () => [
      ...stage.server.output().matchAll(new RegExp(`SMS to ${phone}: [^"]*确认码 (\\d{6})`, 'g')),
    ];
    await expect.poll(() => texts().length).toBeGreaterThan(0);
    const code = texts().at(-1)![1]!;
    await task.locator('[data-test=care-act-confirm]').click();
    const form = page.locator('[data-test=care-code-form]');
    await form.locator('input[name=code]').fill(code);
    await page.waitForTimeout(400); // the sheet slides up
    await screenshot(page, 'care-7-sms-code');
    await form.locator('[data-test=care-code-submit]').click();
    await expect.poll(async () => (await order()).status).toBe('confirmed');
    // Done for the caregiver: the order leaves the open tasks.
    await task.waitFor({ state: 'detached' });
    await ctx.close();
  });

  it('张大爷 rates the visit 非常满意 on his phone', async () => {
    const ctx = await context(PHONE, stage.browser, HOME);
    const page = log.watch(await ctx.newPage(), 'elder-rates');
    await phoneSignIn(page, stage.server.url, `elder-${tag}`);
    await page.goto(`${stage.server.url}/m/care/orders`);
    const card = page.locator(`[data-test=care-order-${ids.order}]`);
    await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');
    await card.locator('[data-test=care-act-rate]').click();
    const sheet = page.locator('[data-test=care-rate-form]');
    await sheet.locator('[data-test=care-rate-very_satisfied]').click();
    await page.waitForTimeout(400);
    await screenshot(page, 'care-8-rate');
    await sheet.locator('[data-test=care-rate-submit]').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('rated');
    expect(await card.innerText()).toContain('您的评价：非常满意');
    await screenshot(page, 'care-9-rated');
    expect((await order()).ratingLevel).toBe('very_satisfied');
    await ctx.close();
  });

  it('the supervisor clears the flag and sees the month settled per provider', async () => {
    const ctx = await context(CONSOLE, stage.browser);
    const page = log.watch(await ctx.newPage(), 'supervisor');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    await page.locator('[data-test=menu-services] > .el-sub-menu__title').click();
    await page.locator('.el-menu-item', { hasText: '居家养老订单' }).click();
    await page.waitForURL(/\/admin\/services\/care-orders$/);
    await page.locator('.qd-search .el-form-item', { hasText: '异常' }).locator('.el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '仅异常' }).click();
    await page.locator('[data-test=care-search]').click();
    const row = page.locator(`[data-test=care-orders] .el-table__row.order-${ids.order}`);
    await expect.poll(() => row.innerText()).toContain('服务时长不足');
    await screenshot(page, 'care-10-flagged-orders');
    await row.click();
    // The visit's two photos, as the caregiver's phone took them.
    const photos = page.locator('[data-test=care-photos] .el-image img');
    await expect.poll(() => photos.count()).toBe(2);
    await expect
      .poll(() => photos.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    await page.waitForTimeout(400); // the drawer slides in
    await screenshot(page, 'care-10b-order-photos');
    await page.locator('[data-test=care-admin-clear_flags]').click();
    await page.locator('.el-message-box input').fill('已电话回访张大爷，确认服务属实');
    const cleared = page.waitForResponse((r) => r.url().includes('/actions/clear_flags'));
    await page.locator('.el-message-box .el-button--primary').click();
    expect((await cleared).status()).toBe(200);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.el-drawer:visible').count()).toBe(0);

    await page.locator('.el-menu-item', { hasText: '养老服务结算' }).click();
    await page.waitForURL(/\/admin\/services\/settlement$/);
    await page.locator('[data-test=settle-month]').click();
    const settled = page.waitForResponse(
      (r) => r.url().endsWith('/api/care/settlements') && r.request().method() === 'POST',
    );
    await page.locator('.el-message-box .el-button--primary').click();
    expect((await settled).status()).toBe(200);
    const mine = page.locator('[data-test=settlement-table] .el-table__row', {
      hasText: '12349 荷塘居家养老服务中心',
    });
    await expect.poll(() => mine.innerText()).toMatch(/1\s+50\.00\s+50\.00/);
    await screenshot(page, 'care-11-settlement', true);

    const o = await order();
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    expect(o).toMatchObject({ status: 'settled', settlementMonth: month });
    const s = await sup<{ providers: { providerId: string; orders: number; subsidyFen: number }[] }>(
      'GET',
      `/api/care/settlements?month=${month}`,
    );
    expect(s.providers.find((p) => p.providerId === ids.provider)).toEqual({
      providerId: ids.provider,
      orders: 1,
      subsidyFen: 5000,
      paidFen: 5000,
    });
    await ctx.close();
  });

  it('张大爷 has a meal at the canteen, checked in at the counter with his meal card', async () => {
    const ctx = await context(CONSOLE, stage.browser);
    const page = log.watch(await ctx.newPage(), 'counter');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    await page.goto(`${stage.server.url}/admin/services/canteen`);
    const counter = page.locator('[data-test=canteen-counter]');
    await page.locator('.qd-search .el-select').click();
    await page
      .locator('.el-select-dropdown__item:visible', { hasText: '桂花路健康公益食堂' })
      .first()
      .click();
    await counter.locator('input[name=cardNo]').fill(cardNo);
    const checked = page.waitForResponse(
      (r) => r.url().endsWith('/checkins') && r.request().method() === 'POST',
    );
    await counter.locator('[data-test=canteen-checkin]').click();
    expect((await checked).status()).toBe(201);
    const last = counter.locator('[data-test=canteen-last]');
    await expect.poll(() => last.innerText()).toContain('70-79周岁');
    expect(await last.innerText()).toContain('5.00');
    await page.locator('[data-test=canteen-meals] .el-table__row', { hasText: '张**' }).first().waitFor();
    await screenshot(page, 'care-12-canteen-counter', true);

    const accounts = await sup<{ items: { kind: string; balance: number }[] }>(
      'GET',
      `/api/entitlements/accounts?personId=${ids.person}`,
    );
    expect(accounts.items.find((a) => a.kind === 'meal_subsidy')?.balance).toBe(2_500);
    await ctx.close();

    // On his phone: the day's menu and the meal he just had.
    const phone = await context(PHONE, stage.browser, HOME);
    const elder = log.watch(await phone.newPage(), 'elder-canteen');
    await phoneSignIn(elder, stage.server.url, `elder-${tag}`);
    await elder.goto(`${stage.server.url}/m/canteen`);
    await elder.locator('[data-test=canteen-meal-lunch] .dish').nth(9).waitFor();
    await elder
      .locator('[data-test=canteen-my-meals] .van-cell', { hasText: '桂花路健康公益食堂' })
      .waitFor();
    await screenshot(elder, 'care-13-phone-canteen', true);
    await elder.goto(`${stage.server.url}/m/notices`);
    await elder.locator('.notice', { hasText: '一氧化碳' }).waitFor();
    await screenshot(elder, 'care-14-phone-notices');
    await phone.close();
  });

  it('shows today’s home care on the big screen: orders by kind, meals served, subsidy, satisfaction', async () => {
    // From the records: 张大爷's order and his lunch of today are among them.
    const today = await sup<{ orders: number; mealsServed: number; subsidySpentFen: number }>(
      'GET',
      '/api/care/today',
    );
    expect(today.orders).toBeGreaterThan(0);
    expect(today.mealsServed).toBeGreaterThan(0);
    expect(today.subsidySpentFen).toBeGreaterThan(0);
    const ctx = await context(SCREEN, stage.browser);
    await signInByApi(ctx, stage.server.url, 'demo-leader');
    const page = log.watch(await ctx.newPage(), 'screen');
    await page.goto(`${stage.server.url}/screen/`);
    const orders = page.locator('[data-test=screen-care-orders]');
    await expect.poll(() => orders.innerText()).toBe(today.orders.toLocaleString('zh-CN'));
    expect(await page.locator('[data-test=screen-care-mealsServed]').innerText()).toBe(
      today.mealsServed.toLocaleString('zh-CN'),
    );
    expect(await page.locator('[data-test=screen-care-kinds]').innerText()).toContain('助洁');
    await screenshot(page, 'care-19-screen');
    await ctx.close();
  });

  it('shows the directory, the masked registry with its access log, and the notices in the console', async () => {
    const ctx = await context(CONSOLE, stage.browser);
    const page = log.watch(await ctx.newPage(), 'console-pages');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    await page.goto(`${stage.server.url}/admin/services/directory`);
    await page.locator('[data-test=directory-providers] .el-table__row', { hasText: '12349' }).click();
    await page.locator('.el-drawer', { hasText: '养老护理员（四级）' }).waitFor();
    await page.waitForTimeout(400); // the drawer slides in
    await screenshot(page, 'care-15-directory');
    await page.keyboard.press('Escape');

    await page.goto(`${stage.server.url}/admin/services/registry`);
    await page.locator('.qd-search input[name=q]').fill('张大爷');
    await page.locator('[data-test=registry-search]').click();
    // Lists mask the phone (139****1234) and the ID number (430202********1234).
    const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
    const row = page.locator('[data-test=registry-persons] .el-table__row', { hasText: masked });
    await expect.poll(() => row.innerText()).toMatch(/430202\*{8}\d{3}[\dX]/);
    expect(await row.innerText()).not.toContain(phone);
    await row.click();
    await page.locator('[data-test=registry-person-log] .el-table__row').first().waitFor();
    await page.waitForTimeout(400);
    await screenshot(page, 'care-16-registry-person');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=registry-log]').click();
    await page.locator('[data-test=registry-access-log] .el-table__row').first().waitFor();
    await screenshot(page, 'care-17-access-log');

    await page.goto(`${stage.server.url}/admin/services/notices`);
    await page.locator('[data-test=notices-admin] .el-table__row', { hasText: '一氧化碳' }).waitFor();
    await screenshot(page, 'care-18-notices');
    await ctx.close();
    expect(log.errors).toEqual([]);
  });
});
