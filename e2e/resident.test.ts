import { describe, expect, it } from 'vitest';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  consoleSignIn,
  newContext,
  phoneSignIn,
  screenshot,
  useStage,
} from './browser.ts';

/** 老年模式 on the phone pages, and the console in English. */
describe('large text and the English console', () => {
  const log = new ErrorLog();

  const stage = useStage();
  it('shows large text once 老年模式 is on, on every page', async () => {
    const ctx = await newContext(stage.browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'resident');
    await phoneSignIn(page, stage.server.url, 'demo-resident');
    await page.goto(`${stage.server.url}/m/me`);
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    const before = await size();
    await page.locator('[data-test=large-text]').click();
    await expect.poll(size).toBeGreaterThan(before);
    await page.goto(`${stage.server.url}/m/`);
    await page.locator('.van-tabbar').waitFor();
    expect(await size()).toBeGreaterThanOrEqual(18);
    await screenshot(page, 'phone-home-large');
    expect(log.errors).toEqual([]);
  });

  it('shows the console in English', async () => {
    const ctx = await newContext(stage.browser, CONSOLE, { locale: 'en-US' });
    const page = log.watch(await ctx.newPage(), 'console-en');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    await page.goto(`${stage.server.url}/admin/problems`);
    await page.locator('.el-table__row').first().waitFor();
    expect(await page.locator('.el-menu').first().innerText()).toContain('Problem list');
    await screenshot(page, 'console-en-problems');
    expect(log.errors).toEqual([]);
  });
});
