import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { CONSOLE, ErrorLog, newContext, screenshot, signInByApi, useStage } from './browser.ts';

/**
 * Elements whose text is data (names, titles, notes, units, places typed by people), which may stay
 * Chinese in English. Everything else the console shows is UI text and must be English.
 */
const DATA_SELECTORS = [
  '.el-table__body-wrapper td',
  '.el-descriptions__content',
  '.leaflet-container',
  '[data-i18n-data]',
];

/** Visible UI text (and placeholders, titles, labels) that contains Chinese characters. */
function chineseUiText(page: Page, dataSelectors: string[]): Promise<string[]> {
  return page.evaluate((selectors) => {
    const cjk = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
    const isData = (el: Element | null) => !!el && selectors.some((s) => el.closest(s));
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
    };
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim() ?? '';
      if (!el || !text || !cjk.test(text) || isData(el) || !visible(el)) continue;
      if (el.closest('script, style, noscript')) continue;
      found.push(`${describe(el)}: ${text}`);
    }
    for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
      if (isData(el) || !visible(el)) continue;
      for (const attr of ['placeholder', 'title', 'aria-label']) {
        const v = el.getAttribute(attr);
        if (v && cjk.test(v)) found.push(`${describe(el)}[${attr}]: ${v}`);
      }
    }
    return found;
  }, dataSelectors);
}

/** Switching the console to English leaves no Chinese UI text (data may stay Chinese). */
describe('the console in English', () => {
  const log = new ErrorLog();

  const stage = useStage();
  async function check(ctx: BrowserContext, path: string, name: string, then?: (p: Page) => Promise<void>) {
    const page = log.watch(await ctx.newPage(), name);
    await page.goto(`${stage.server.url}${path}`);
    await page.waitForLoadState('networkidle');
    if (then) await then(page);
    const found = await chineseUiText(page, DATA_SELECTORS);
    await screenshot(page, `en-${name}`);
    await page.close();
    return found.map((f) => `${path} ${f}`);
  }

  it('shows no Chinese UI text on any console page', async () => {
    const sup = await newContext(stage.browser, CONSOLE);
    await signInByApi(sup, stage.server.url, 'demo-supervisor');
    // Switch with a real click on the language toggle; the choice is remembered on the device.
    const home = log.watch(await sup.newPage(), 'switch');
    await home.goto(`${stage.server.url}/admin/`);
    await home.locator('[data-test=lang] .el-radio-button', { hasText: 'EN' }).click();
    await expect.poll(() => home.evaluate(() => document.documentElement.lang)).toBe('en-US');
    await home.close();

    const r = await sup.request.get(`${stage.server.url}/api/problems`, {
      params: { status: 'submitted', pageSize: 1 },
    });
    const pending = ((await r.json()) as { items: { id: string }[] }).items[0];
    expect(pending).toBeTruthy();

    const found: string[] = [];
    found.push(...(await check(sup, '/admin/', 'home')));
    found.push(...(await check(sup, '/admin/problems', 'problems')));
    found.push(
      ...(await check(sup, `/admin/problems/${pending!.id}`, 'problem', async (p) => {
        await p.locator('[data-test=action-dispatch]').click();
        await p.locator('[data-test=form-dispatch]').waitFor();
      })),
    );
    found.push(...(await check(sup, '/admin/topics', 'topics')));
    found.push(...(await check(sup, '/admin/results', 'results')));
    found.push(...(await check(sup, '/admin/dashboard', 'dashboard')));
    found.push(
      ...(await check(sup, '/admin/briefing', 'briefing', async (p) => {
        await p.locator('[data-test=briefing-figures]').waitFor();
        // Sums in English are in millions, not in the Chinese ten thousands (3,500 万元).
        const inds = await p.locator('[data-test=briefing-indicators]').innerText();
        expect(inds).toContain('35 million yuan');
        expect(inds).not.toContain('10k');
      })),
    );
    found.push(...(await check(sup, '/admin/import', 'import')));
    for (const p of ['care-orders', 'settlement', 'canteen', 'directory', 'registry', 'notices'])
      found.push(...(await check(sup, `/admin/services/${p}`, `services-${p}`)));

    const admin = await newContext(stage.browser, CONSOLE, { locale: 'en-US' });
    await signInByApi(admin, stage.server.url, 'demo-admin');
    for (const p of ['units', 'users', 'categories', 'time-rules', 'calendar'])
      found.push(...(await check(admin, `/admin/admin/${p}`, p)));
    const anon = await newContext(stage.browser, CONSOLE, { locale: 'en-US' });
    found.push(...(await check(anon, '/admin/login', 'login')));

    expect(found).toEqual([]);
    expect(log.errors).toEqual([]);
  });
});
