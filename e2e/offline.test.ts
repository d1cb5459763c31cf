import { describe, expect, it } from 'vitest';
import type { APIRequestContext } from 'playwright-core';
import {
  ErrorLog,
  PHONE,
  newContext,
  phoneSignIn,
  pickCascader,
  samplePhoto,
  screenshot,
  useStage,
} from './browser.ts';

/** What the browser says about requests that fail while the network is off. */
const OFFLINE_NOISE = [/ERR_INTERNET_DISCONNECTED/, /Failed to fetch/, /ERR_FAILED/];

/**
 * An official logs a visit with two problems while offline: the page says what is waiting, and once
 * the network is back every problem exists exactly once.
 */
describe('offline visit', () => {
  const log = new ErrorLog();
  const tag = `离线走访${Date.now().toString(36).toUpperCase()}`;

  const stage = useStage();
  async function saved(request: APIRequestContext): Promise<{ visits: number; problems: string[] }> {
    const visits = (await (await request.get(`${stage.server.url}/api/visits`)).json()) as {
      items: { place: string; id: string }[];
    };
    const mine = visits.items.filter((v) => v.place === tag);
    const r = await request.get(`${stage.server.url}/api/problems`, { params: { q: tag, pageSize: 50 } });
    expect(r.status()).toBe(200);
    const problems = ((await r.json()) as { items: { title: string }[] }).items.map((p) => p.title).sort();
    return { visits: mine.length, problems };
  }

  it('queues the visit and its two problems, and sends each exactly once', async () => {
    const ctx = await newContext(stage.browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'official', OFFLINE_NOISE);
    await phoneSignIn(page, stage.server.url, 'demo-official');
    await page.goto(`${stage.server.url}/m/official`);
    await page.locator('[data-test=log-visit]').click();
    await page.waitForURL(/\/m\/official\/visit$/);
    // The page warms its reference data (categories, townships and villages) for offline use and says
    // when it has all of it.
    await page.locator('[data-test=offline-ready]').waitFor();
    await screenshot(page, 'offline-0-visit-ready');

    await ctx.setOffline(true);
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [0, 0]);
    await page.locator('input[name=place]').fill(tag);
    await page.locator('input[name=participants]').fill('王建国、林涛');
    await page.locator('textarea[name=notes]').fill('企业反映融资难、用工难。');
    const photo = await samplePhoto('visit.png');
    await page.locator('.van-uploader input[type=file]').first().setInputFiles(photo);
    for (const i of [0, 1]) {
      await page.locator('[data-test=add-problem]').click();
      const box = page.locator(`[data-test=visit-problem-${i}]`);
      await box.locator('input[name=categoryCode]').click();
      await pickCascader(page, ['民生保障', i === 0 ? '就业创业' : '环境卫生']);
      await box.locator(`input[name="p${i}.title"]`).fill(`${tag} 问题${i + 1}`);
      await box.locator(`textarea[name="p${i}.description"]`).fill('走访中发现的问题');
    }
    await page
      .locator('[data-test=visit-problem-1] .van-uploader input[type=file]')
      .setInputFiles(await samplePhoto('problem.png'));
    await page.locator('[data-test=visit-problem-1] .van-uploader__preview').waitFor();
    await page.locator('[data-test=save-visit]').click();
    await page.waitForURL(/\/m\/official$/);

    // Offline: the page says so and lists what waits.
    await page.locator('[data-test=offline-hint]').waitFor();
    const waiting = page.locator('[data-test=outbox] .van-cell-group:not(.sent) .van-cell', { hasText: tag });
    await expect.poll(() => waiting.count()).toBe(1);
    await expect.poll(() => waiting.innerText()).toContain('等待网络');
    await screenshot(page, 'offline-1-waiting');
    expect(await saved(ctx.request)).toEqual({ visits: 0, problems: [] });

    // Back online: the outbox empties and everything is there exactly once.
    await ctx.setOffline(false);
    await page.locator('[data-test=offline-hint]').waitFor({ state: 'detached' });
    await expect.poll(() => waiting.count()).toBe(0);
    await page.locator('[data-test=outbox] .sent .van-cell', { hasText: tag }).waitFor();
    await screenshot(page, 'offline-2-sent');
    const expected = { visits: 1, problems: [`${tag} 问题1`, `${tag} 问题2`] };
    expect(await saved(ctx.request)).toEqual(expected);

    // Reloading (which flushes the outbox again) sends nothing twice.
    await page.reload();
    await page.locator('[data-test=outbox]').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await saved(ctx.request)).toEqual(expected);

    expect(log.errors).toEqual([]);
  });
});

/**
 * A resident opens /m/ with no network (the service worker has the pages), reports with a photo while
 * offline, and the report is sent once, with its photo, when the network returns.
 */
describe('offline resident report', () => {
  const log = new ErrorLog();
  const tag = `离线反映${Date.now().toString(36).toUpperCase()}`;

  const stage = useStage();
  it('reloads /m/ offline and sends the queued report once, with its photo', async () => {
    const ctx = await newContext(stage.browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'resident', [
      ...OFFLINE_NOISE,
      /ERR_FAILED/,
      /status of 503/,
    ]);
    await phoneSignIn(page, stage.server.url, 'demo-resident');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // Online once: the report page's reference data (categories, villages) is kept for offline use.
    await page.goto(`${stage.server.url}/m/report`);
    await page.waitForLoadState('networkidle');
    await page.locator('input[name=categoryCode]').click();
    await pickCascader(page, ['民生保障', '就业创业']);
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [0, 0]);

    await ctx.setOffline(true);
    await page.goto(`${stage.server.url}/m/`);
    await page.locator('.van-tabbar').waitFor();
    await screenshot(page, 'offline-3-phone-home');
    await page.goto(`${stage.server.url}/m/report`);
    await page.locator('input[name=categoryCode]').click();
    await pickCascader(page, ['民生保障', '就业创业']);
    await page.locator('input[name=title]').fill(`${tag} 求职培训`);
    await page.locator('textarea[name=description]').fill('希望社区组织电工培训。');
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [0, 0]);
    await page
      .locator('.van-uploader input[type=file]')
      .first()
      .setInputFiles(await samplePhoto('report.png'));
    await page.locator('.van-uploader__preview').waitFor();
    await page.locator('[data-test=submit-report]').click();
    await page.waitForURL(/\/m\/mine$/);
    const waiting = page.locator('[data-test=outbox] .van-cell', { hasText: tag });
    await expect.poll(() => waiting.count()).toBe(1);
    await screenshot(page, 'offline-4-report-waiting');

    const find = async () => {
      const r = await ctx.request.get(`${stage.server.url}/api/problems`, { params: { q: tag, mine: '1' } });
      return ((await r.json()) as { items: { id: string }[] }).items;
    };
    await ctx.setOffline(false);
    expect(await find()).toEqual([]);
    await expect.poll(async () => (await find()).length).toBe(1);
    const [made] = await find();
    const detail = (await (await ctx.request.get(`${stage.server.url}/api/problems/${made!.id}`)).json()) as {
      attachments: unknown[];
    };
    expect(detail.attachments).toHaveLength(1);
    await page.reload();
    await page.waitForLoadState('networkidle');
    expect(await find()).toHaveLength(1);
    expect(log.errors).toEqual([]);
  });
});
