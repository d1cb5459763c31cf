import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { CONSOLE, ErrorLog, newContext, screenshot, signInByApi, useStage } from './browser.ts';

/** The year a holiday notice is due for now: the next one from 60 days before it starts (China time). */
function yearDue(now = new Date()): number {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  const year = local.getUTCFullYear();
  const nextStarts = Date.UTC(year + 1, 0, 1) - 8 * 3_600_000;
  return nextStarts - now.getTime() <= 60 * 86_400_000 ? year + 1 : year;
}

/** What issue 20 asks the console to show: a year without published holidays, and the dashboard's counts. */
describe('what the console must warn about and count', () => {
  const log = new ErrorLog();
  const stage = useStage();

  /** Removes every day off the calendar holds for a year, as an admin could: the year is then unpublished. */
  async function unpublish(ctx: BrowserContext, year: number): Promise<void> {
    const base = stage.server.url;
    const { token } = (await (await ctx.request.get(`${base}/api/auth/csrf`)).json()) as { token: string };
    const days = (await (await ctx.request.get(`${base}/api/calendar?year=${year}`)).json()) as {
      items: { date: string; isWorkday: boolean }[];
    };
    for (const d of days.items.filter((x) => !x.isWorkday)) {
      const r = await ctx.request.delete(`${base}/api/calendar/${d.date}`, {
        headers: { 'x-csrf-token': token },
      });
      expect(r.status(), d.date).toBe(200);
    }
  }

  it('warns the admin on the home page about a calendar year with no published holidays', async () => {
    const year = yearDue();
    const admin = await newContext(stage.browser, CONSOLE);
    await signInByApi(admin, stage.server.url, 'demo-admin');
    await unpublish(admin, year);

    const page = log.watch(await admin.newPage(), 'admin-home');
    await page.goto(`${stage.server.url}/admin/`);
    const warning = page.locator('[data-test=health-warning]', { hasText: `${year} 年节假日安排尚未导入` });
    await warning.waitFor();
    await expect.poll(() => warning.innerText()).toContain('前往节假日日历导入');
    await screenshot(page, 'trust-holiday-warning');
    await warning.locator('a', { hasText: '前往节假日日历导入' }).click();
    await page.waitForURL(/\/admin\/admin\/calendar$/);

    // Only the administrator is asked to import the notice.
    const sup = await newContext(stage.browser, CONSOLE);
    await signInByApi(sup, stage.server.url, 'demo-supervisor');
    const supPage = log.watch(await sup.newPage(), 'supervisor-home');
    await supPage.goto(`${stage.server.url}/admin/`);
    await supPage.locator('[data-test^=queue-]').first().waitFor();
    expect(await supPage.locator('[data-test=health-warning]').count()).toBe(0);
    await admin.close();
    await sup.close();
    expect(log.errors).toEqual([]);
  });

  it('shows the reopen rate, the presses and the overdue count on the dashboard, in Chinese and English', async () => {
    for (const [locale, labels] of [
      ['zh-CN', ['重办率', '督办次数', '当前超期']],
      ['en-US', ['Reopen rate', 'Presses', 'Overdue now']],
    ] as const) {
      const ctx = await newContext(stage.browser, CONSOLE, { locale });
      await signInByApi(ctx, stage.server.url, 'demo-leader');
      const summary = (await (
        await ctx.request.get(`${stage.server.url}/api/stats/summary?groupBy=domain`)
      ).json()) as { totals: { presses: number; overdue: number; reopenRate: number | null } };
      const page = log.watch(await ctx.newPage(), `dashboard-${locale}`);
      await page.goto(`${stage.server.url}/admin/dashboard`);
      const tile = (key: string) => page.locator('.kpi', { has: page.locator(`[data-test=kpi-${key}]`) });
      await tile('presses').waitFor();
      const keys = ['reopenRate', 'presses', 'overdue'];
      for (const [i, key] of keys.entries())
        expect(await tile(key).locator('.k').innerText(), key).toBe(labels[i]);
      expect(await page.locator('[data-test=kpi-presses]').innerText()).toBe(String(summary.totals.presses));
      expect(await page.locator('[data-test=kpi-overdue]').innerText()).toBe(String(summary.totals.overdue));
      expect(summary.totals.presses).toBeGreaterThan(0);
      const reopen = await page.locator('[data-test=kpi-reopenRate]').innerText();
      expect(reopen).toMatch(summary.totals.reopenRate === null ? /—|-/ : /%$/);
      await screenshot(page, `trust-dashboard-${locale}`);
      await ctx.close();
    }
    expect(log.errors).toEqual([]);
  });
});
