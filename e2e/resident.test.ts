import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  consoleSignIn,
  launchBrowser,
  newContext,
  phoneSignIn,
  screenshot,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

/** 老年模式 on the phone pages, and the console in English. */
describe('large text and the English console', () => {
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

  it('shows large text once 老年模式 is on, on every page', async () => {
    const ctx = await newContext(browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'resident');
    await phoneSignIn(page, server.url, 'demo-resident');
    await page.goto(`${server.url}/m/me`);
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    const before = await size();
    await page.locator('[data-test=large-text]').click();
    await expect.poll(size).toBeGreaterThan(before);
    await page.goto(`${server.url}/m/`);
    await page.locator('.van-tabbar').waitFor();
    expect(await size()).toBeGreaterThanOrEqual(18);
    await screenshot(page, 'phone-home-large');
    expect(log.errors).toEqual([]);
  });

  it('shows the console in English', async () => {
    const ctx = await newContext(browser, CONSOLE, { locale: 'en-US' });
    const page = log.watch(await ctx.newPage(), 'console-en');
    await consoleSignIn(page, server.url, 'demo-supervisor');
    await page.goto(`${server.url}/admin/problems`);
    await page.locator('.el-table__row').first().waitFor();
    expect(await page.locator('.el-menu').innerText()).toContain('Problem list');
    await screenshot(page, 'console-en-problems');
    expect(log.errors).toEqual([]);
  });
});
