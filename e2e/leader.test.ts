import { describe, expect, it } from 'vitest';
import {
  CONSOLE,
  ErrorLog,
  expectPlainWords,
  newContext,
  screenshot,
  signInByApi,
  useStage,
} from './browser.ts';

interface Briefing {
  text: string;
  scope: { campaignId: string | null };
  figures: {
    received: number;
    resolved: number;
    byDomain: { code: string | null; name: string; resolved: number }[];
    indicators: { code: string; value: number }[];
  };
}

/**
 * The leader's pages: the briefing as a page with its figures and downloads, and the dashboard whose
 * cards, charts and ranking open the problem list filtered to what was clicked.
 */
describe('leader pages', () => {
  const log = new ErrorLog();
  const stage = useStage();

  it('shows the briefing of the newest campaign with the figures of the API, and its files download', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    await signInByApi(ctx, stage.server.url, 'demo-leader');
    const campaigns = (await (await ctx.request.get(`${stage.server.url}/api/campaigns`)).json()) as {
      items: { id: string }[];
    };
    const campaign = campaigns.items[0]!.id;
    const api = (await (
      await ctx.request.get(`${stage.server.url}/api/briefing?campaign=${campaign}&format=json`)
    ).json()) as Briefing;

    const page = log.watch(await ctx.newPage(), 'briefing');
    await page.goto(`${stage.server.url}/admin/`);
    await page.locator('.el-menu-item', { hasText: '工作简报' }).click();
    await page.waitForURL(/\/admin\/briefing$/);
    await page.locator('[data-test=briefing-figures]').waitFor();
    expect(await page.locator('[data-test=briefing-received] .v').innerText()).toBe(
      String(api.figures.received),
    );
    expect(await page.locator('[data-test=briefing-resolved] .v').innerText()).toBe(
      String(api.figures.resolved),
    );
    const domains = await page.locator('[data-test=briefing-domains] .el-table__body tr').allInnerTexts();
    expect(domains).toHaveLength(api.figures.byDomain.length);
    for (const d of api.figures.byDomain)
      expect(domains.some((row) => row.includes(d.name) && row.includes(String(d.resolved)))).toBe(true);
    // The article's figures: 3,500 万元 of financing and 34.23 亩 of land.
    const inds = await page.locator('[data-test=briefing-indicators]').innerText();
    expect(inds).toContain('3500');
    expect(inds).toContain('34.23');
    expect(await page.locator('[data-test=briefing-body]').innerText()).toContain(api.text.slice(0, 20));
    await expectPlainWords(page, 'the briefing page');
    await screenshot(page, 'briefing', true);

    const docx = await ctx.request.get(
      `${stage.server.url}${await page.locator('[data-test=briefing-docx]').getAttribute('href')}`,
    );
    expect(docx.status()).toBe(200);
    expect(docx.headers()['content-type']).toContain('wordprocessingml');
    expect((await docx.body()).subarray(0, 2).toString()).toBe('PK');
    const text = await ctx.request.get(
      `${stage.server.url}${await page.locator('[data-test=briefing-text]').getAttribute('href')}`,
    );
    expect(text.status()).toBe(200);
    expect(await text.text()).toBe(api.text);

    // The resolved figure opens the closed problems of the campaign.
    await page.locator('[data-test=briefing-resolved]').click();
    await page.waitForURL(/\/admin\/problems\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('campaign')).toBe(campaign);
    expect(url.searchParams.get('status')).toBe('closed');
    await page.locator('[data-test=problems-table] .el-table__row').first().waitFor();
    await ctx.close();
    expect(log.errors).toEqual([]);
  });

  it('opens the filtered list from a dashboard card, a month of the trend and a unit of the ranking', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    await signInByApi(ctx, stage.server.url, 'demo-leader');
    const page = log.watch(await ctx.newPage(), 'dashboard');
    const dashboard = async () => {
      await page.goto(`${stage.server.url}/admin/dashboard`);
      await page.locator('[data-test=kpi-received]').waitFor();
    };

    await dashboard();
    await page.locator('[data-test=kpi-card-resolved]').click();
    await page.waitForURL(/\/admin\/problems\?/);
    expect(new URL(page.url()).searchParams.get('status')).toBe('closed');

    // The busiest month's bar: the list of that month.
    const months = (await (
      await ctx.request.get(`${stage.server.url}/api/stats/summary?groupBy=month`)
    ).json()) as { groups: { key: string; received: number }[] };
    const groups = months.groups;
    const busiest = groups.reduce((best, g, i) => (g.received > groups[best]!.received ? i : best), 0);
    await dashboard();
    const chart = page.locator('[data-test=chart-month]');
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    // The chart's grid: 40 px on either side, 36 above, 30 below (DashboardPage monthOption).
    const x = box.x + 40 + ((box.width - 80) * (busiest + 0.5)) / groups.length;
    const y = box.y + box.height - 30 - (box.height - 66) * 0.2;
    // The bars grow in as the chart draws: click until the list opens.
    await expect
      .poll(async () => {
        if (page.url().includes('/admin/dashboard')) await page.mouse.click(x, y);
        return page.url();
      })
      .toMatch(/\/admin\/problems\?/);
    const month = groups[busiest]!.key;
    expect(new URL(page.url()).searchParams.get('from')).toBe(`${month}-01`);

    // A unit of the ranking table.
    await dashboard();
    const row = page.locator('.el-table .el-table__row').first();
    await row.scrollIntoViewIfNeeded();
    await row.click();
    await page.waitForURL(/\/admin\/problems\?/);
    expect(new URL(page.url()).searchParams.get('unit')).toBeTruthy();
    await page.locator('[data-test=problems-table]').waitFor();
    await ctx.close();
    expect(log.errors).toEqual([]);
  });
});
