import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  SCREEN,
  newContext,
  screenshot,
  screenshotDir,
  signInByApi,
  useStage,
} from './browser.ts';
import { repoRoot } from './server.ts';

/** Every page, photographed at its device size, with no console error anywhere. */
describe('every page', () => {
  let log: ErrorLog;
  const shot: string[] = [];

  const stage = useStage();
  beforeEach(() => {
    log = new ErrorLog();
  });
  async function as(user: string | null, viewport: { width: number; height: number }) {
    const ctx = await newContext(stage.browser, viewport);
    if (user) await signInByApi(ctx, stage.server.url, user);
    return ctx;
  }

  async function shoot(ctx: BrowserContext, url: string, name: string, then?: (p: Page) => Promise<void>) {
    const page = log.watch(await ctx.newPage(), name);
    await page.goto(`${stage.server.url}${url}`);
    await page.waitForLoadState('networkidle');
    if (then) await then(page);
    // Charts and maps animate in.
    await page.waitForTimeout(400);
    await screenshot(page, name);
    shot.push(name);
    await page.close();
  }

  it('has a font for Chinese text', () => {
    const families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
    expect(families.trim(), 'install fonts-noto-cjk').not.toBe('');
  });

  it('shows every page without console errors', async () => {
    const anon = await as(null, PHONE);
    await shoot(anon, '/m/', 'm-home');
    await shoot(anon, '/m/login', 'm-login');
    await shoot(anon, '/m/results', 'm-results');
    await shoot(anon, '/m/notices', 'm-notices');

    const resident = await as('demo-resident', PHONE);
    await shoot(resident, '/m/report', 'm-report');
    await shoot(resident, '/m/mine', 'm-mine');
    await shoot(resident, '/m/me', 'm-me');
    // The phone's problem page (one's own report) is photographed by the journey test.

    const enterprise = await as('demo-enterprise', PHONE);
    await shoot(enterprise, '/m/enterprise', 'm-enterprise', (p) =>
      p.locator('input[name=enterpriseUscc]').fill('91430202MA4L16JQ9B'),
    );
    const official = await as('demo-official', PHONE);
    await shoot(official, '/m/official', 'm-official');
    await shoot(official, '/m/official/visit', 'm-visit');

    await shoot(await as(null, CONSOLE), '/admin/login', 'admin-login');
    const sup = await as('demo-supervisor', CONSOLE);
    await shoot(sup, '/admin/', 'admin-home');
    await shoot(sup, '/admin/problems', 'admin-problems');
    const list = await sup.request.get(`${stage.server.url}/api/problems`, {
      params: { status: 'closed', pageSize: 1 },
    });
    const closed = ((await list.json()) as { items: { id: string }[] }).items[0]!;
    await shoot(sup, `/admin/problems/${closed.id}`, 'admin-problem');
    await shoot(sup, '/admin/topics', 'admin-topics');
    await shoot(sup, '/admin/results', 'admin-results');
    await shoot(sup, '/admin/dashboard', 'admin-dashboard');
    await shoot(sup, '/admin/import', 'admin-import');
    const admin = await as('demo-admin', CONSOLE);
    for (const p of ['units', 'users', 'categories', 'time-rules', 'calendar'])
      await shoot(admin, `/admin/admin/${p}`, `admin-${p}`);

    await shoot(await as('demo-leader', SCREEN), '/screen/', 'screen');

    const missing = shot.filter((n) => !fs.existsSync(path.join(screenshotDir, `${n}.png`)));
    console.log(`${shot.length} page screenshots in e2e/screenshots/`);
    expect(missing).toEqual([]);
    expect(log.errors).toEqual([]);
  });

  it('loads the phone pages with under 300 KB of gzipped JavaScript', async () => {
    const sizes: Record<string, { files: number; gzipped: number }> = {};
    for (const [app, viewport] of [
      ['m', PHONE],
      ['admin', CONSOLE],
      ['screen', SCREEN],
    ] as const) {
      const ctx = await as(app === 'm' ? null : 'demo-leader', viewport);
      const page = log.watch(await ctx.newPage(), `size-${app}`);
      const scripts = new Set<string>();
      page.on('response', (res) => {
        if (res.request().resourceType() === 'script') scripts.add(new URL(res.url()).pathname);
      });
      await page.goto(`${stage.server.url}/${app}/`);
      await page.waitForLoadState('networkidle');
      await ctx.close();
      // Measured on the built files, gzipped as a server or CDN would send them.
      let gzipped = 0;
      for (const p of scripts)
        gzipped += gzipSync(fs.readFileSync(path.join(repoRoot, 'web/dist', p))).length;
      sizes[app] = { files: scripts.size, gzipped };
    }
    for (const [app, s] of Object.entries(sizes))
      console.log(
        `${app.padEnd(6)} first load: ${s.files} scripts, ${(s.gzipped / 1024).toFixed(1)} KB gzipped`,
      );
    expect(sizes.m!.gzipped).toBeLessThan(300 * 1024);
    expect(log.errors).toEqual([]);
  });
});
