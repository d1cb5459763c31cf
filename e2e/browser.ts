import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { repoRoot, startServer, type TestServer } from './server.ts';
import { PATIENCE_MS } from './patience.ts';

/** Viewports of the three front ends. */
export const PHONE = { width: 390, height: 844 };
export const CONSOLE = { width: 1440, height: 900 };
export const SCREEN = { width: 1920, height: 1080 };

/** The password of every demo account. */
export const DEMO_PASSWORD = 'qingdan-demo';

/** Where the tests save their screenshots (git-ignored). */
export const screenshotDir = path.join(repoRoot, 'e2e/screenshots');

/** Starts Debian's Chromium (never a downloaded browser), headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * Turns CSS transitions and animations off in every page of a test context: a dialog, drawer or sheet
 * is there at once instead of sliding in, so a test waits for what it checks rather than for motion
 * (Vue's transitions end at once when the computed duration is zero). Charts and maps draw on a canvas
 * and are not affected.
 */
function stillStyle(): void {
  const css =
    '*,*::before,*::after{transition-duration:0s!important;transition-delay:0s!important;' +
    'animation-duration:0s!important;animation-delay:0s!important}';
  const add = () => {
    const style = document.createElement('style');
    style.dataset.test = 'still';
    style.textContent = css;
    (document.head ?? document.documentElement).append(style);
  };
  if (document.documentElement) add();
  else document.addEventListener('DOMContentLoaded', add, { once: true });
}

/** A fresh browser context (its own cookies and storage), optionally in English. */
export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number },
  opts: { locale?: 'zh-CN' | 'en-US' } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN' });
  ctx.setDefaultTimeout(PATIENCE_MS);
  await ctx.addInitScript(stillStyle);
  if (opts.locale) {
    await ctx.addInitScript((l) => {
      if (!localStorage.getItem('qingdan.locale')) localStorage.setItem('qingdan.locale', l);
    }, opts.locale);
  }
  return ctx;
}

/**
 * Signs a context in through the API (for pages that are not themselves under test): the session
 * cookie lands in the context, and the app's `qingdan.session` marker tells it to ask who is in.
 */
export async function signInByApi(ctx: BrowserContext, baseUrl: string, username: string): Promise<void> {
  const r = await ctx.request.post(`${baseUrl}/api/auth/login`, {
    data: { username, password: DEMO_PASSWORD },
  });
  if (!r.ok()) throw new Error(`sign-in of ${username} answered ${r.status()}: ${await r.text()}`);
  await ctx.addInitScript(() => {
    if (!localStorage.getItem('qingdan.session')) localStorage.setItem('qingdan.session', 'in');
  });
}

/**
 * Collects console errors and uncaught exceptions of every page it watches. `allow` lists messages
 * a test provokes on purpose (e.g. the browser's note about a 400 answer in a validation test).
 */
export class ErrorLog {
  readonly errors: string[] = [];

  watch(page: Page, tag: string, allow: RegExp[] = []): Page {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (allow.some((re) => re.test(text))) return;
      this.errors.push(`${tag}: ${text} (${m.location().url})`);
    });
    page.on('pageerror', (e) => this.errors.push(`${tag}: uncaught ${e.message}`));
    return page;
  }
}

/**
 * Raw validation text as a schema library writes it, or a request field path ("leadUnitId: …",
 * "reporter.phone"), which must never reach the page in either language.
 */
export const SCHEMA_TEXT =
  /Too small|Too big|\bexpected\b|Invalid input|Invalid option|\b[a-z]+(?:[A-Z][a-z0-9]*)+(?:\.[a-zA-Z]+)*\s*:|\b(?:leadUnitId|categoryCode|villageCode|intoId|reporter\.phone|body\/|querystring\/)/;

/** Fails when the visible text of a page shows schema wording or a request field path. */
export async function expectPlainWords(page: Page, where = ''): Promise<void> {
  const text = await page.locator('body').innerText();
  const hit = SCHEMA_TEXT.exec(text);
  if (hit) {
    const at = Math.max(0, hit.index - 60);
    throw new Error(`${where} shows schema text "${hit[0]}": …${text.slice(at, hit.index + 80)}…`);
  }
}

/** Saves a PNG of what the page shows now, once fonts are ready, as `e2e/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Picks one option at each level of the Vant cascader that is open now: by its text (or a pattern of
 * it), or by its position when a number is given.
 */
export async function pickCascader(
  page: Page,
  choices: (string | number | RegExp)[] = [0, 0],
): Promise<void> {
  const popup = page.locator('.van-popup:visible').last();
  for (let level = 0; level < choices.length; level++) {
    const list = popup.locator('.van-cascader__options').nth(level);
    await list.waitFor({ state: 'visible' });
    const choice = choices[level]!;
    const option =
      typeof choice === 'number'
        ? list.locator('.van-cascader__option').nth(choice)
        : list.locator('.van-cascader__option', { hasText: choice }).first();
    await option.click();
  }
  await popup.waitFor({ state: 'hidden' });
}

/** Signs in on the console's sign-in page by typing, and waits for the home page. */
export async function consoleSignIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.waitForURL(`${baseUrl}/admin/`);
}

/** Signs in on the phone pages with user name and password (the second tab), and waits for the home page. */
export async function phoneSignIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/m/login`);
  await page.locator('.van-tab').nth(1).click();
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await page.locator('[data-test=login-password]').click();
  await page.waitForURL(`${baseUrl}/m/`);
}

/** A small PNG photo, as a file chooser would give it. */
export async function samplePhoto(
  name = 'photo.png',
): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const sharp = (await import('sharp')).default;
  const buffer = await sharp({
    create: { width: 320, height: 240, channels: 3, background: { r: 70, g: 140, b: 200 } },
  })
    .png()
    .toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

/** The server and browser a test file shares: started before its tests, stopped after them. */
export interface Stage {
  server: TestServer;
  browser: Browser;
}

/**
 * Starts a server on a copy of the seeded demo and a Chromium before the enclosing describe's tests and
 * stops both after them; prints the server's last output when it went away during the tests.
 */
export function useStage(): Stage {
  const stage = {} as Stage;
  beforeAll(async () => {
    stage.server = await startServer(inject('seedDir'));
    stage.browser = await launchBrowser();
  });
  afterAll(async () => {
    const { server, browser } = stage;
    if (server && !server.alive()) console.error(`the server went away:\n${server.output().slice(-4000)}`);
    await browser?.close();
    await server?.stop();
  });
  return stage;
}
