import { describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  newContext,
  phoneSignIn,
  pickCascader,
  screenshot,
  signInByApi,
  useStage,
} from './browser.ts';

interface Division {
  code: string;
  name: string;
  level: string;
  lat: number | null;
  lng: number | null;
}

/** Waits until no map on the page is in the middle of a zoom (Leaflet marks the container meanwhile). */
async function mapsAtRest(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'));
}

/** Problems drawn on a map: clusters (numbered circles) and single markers (SVG circles). */
async function drawnProblems(map: Locator): Promise<number> {
  return (
    (await map.locator('.qd-cluster').count()) +
    (await map.locator('.leaflet-overlay-pane path.leaflet-interactive').count())
  );
}

/**
 * Maps without a tile service draw the schematic of the jurisdiction (townships around their villages,
 * named) with the problems on it; "use my location" answers in words when the browser refuses, inside
 * and outside the jurisdiction; the phone's pin and chosen village are checked against each other.
 */
describe('maps without tiles', () => {
  const log = new ErrorLog();
  const stage = useStage();

  async function divisions(parent = '430202'): Promise<Division[]> {
    const r = await fetch(`${stage.server.url}/api/divisions?parent=${parent}`);
    return ((await r.json()) as { items: Division[] }).items;
  }

  /** Lets the pages of a context read the given position. */
  async function placeDevice(ctx: BrowserContext, lat: number, lng: number): Promise<void> {
    await ctx.grantPermissions(['geolocation'], { origin: stage.server.url });
    await ctx.setGeolocation({ latitude: lat, longitude: lng, accuracy: 30 });
  }

  it('draws the townships and the problems on the console dashboard; locating says why not, then where', async () => {
    const towns = (await divisions()).filter((d) => d.level === 'township');
    expect(towns.length).toBeGreaterThan(1);
    const village = (await divisions(towns[0]!.code))[0]!;

    const ctx = await newContext(stage.browser, CONSOLE);
    await signInByApi(ctx, stage.server.url, 'demo-supervisor');
    const page = log.watch(await ctx.newPage(), 'console-map');
    await page.goto(`${stage.server.url}/admin/dashboard`);
    const map = page.locator('[data-test=problems-map]');
    await map.scrollIntoViewIfNeeded();
    await map.locator('[data-test=map-schematic]').waitFor();
    await expect.poll(() => map.locator('.qd-area-label').count()).toBe(towns.length);
    expect(await map.locator('.qd-area-label').evaluateAll((els) => els.map((e) => e.textContent))).toEqual(
      expect.arrayContaining(towns.map((t) => t.name)),
    );
    await expect.poll(() => drawnProblems(map)).toBeGreaterThan(0);
    await mapsAtRest(page);
    await screenshot(page, 'map-console');

    // No permission: a sentence, no error.
    await map.locator('[data-test=locate]').click();
    const status = map.locator('[data-test=locate-status]');
    await expect.poll(() => status.innerText()).toContain('未获得定位权限');

    // Allowed, inside the jurisdiction: found; outside it: said so.
    await placeDevice(ctx, village.lat!, village.lng!);
    await map.locator('[data-test=locate]').click();
    await expect.poll(() => status.innerText()).toContain('已定位到当前位置');
    await mapsAtRest(page);
    await screenshot(page, 'map-console-located');
    await placeDevice(ctx, 39.9042, 116.4074);
    await map.locator('[data-test=locate]').click();
    await expect.poll(() => status.innerText()).toContain('不在本辖区范围内');
    await ctx.close();

    // A problem's own page shows its pin on the same base map.
    const sup = await newContext(stage.browser, CONSOLE);
    await signInByApi(sup, stage.server.url, 'demo-supervisor');
    const r = await sup.request.get(`${stage.server.url}/api/problems/map`);
    const one = ((await r.json()) as { items: { id: string }[] }).items[0]!;
    const detail = log.watch(await sup.newPage(), 'problem-map');
    await detail.goto(`${stage.server.url}/admin/problems/${one.id}`);
    const small = detail.locator('[data-test=jurisdiction-map]');
    await small.locator('[data-test=map-schematic]').waitFor();
    await expect.poll(() => small.locator('.leaflet-overlay-pane path').count()).toBeGreaterThan(0);
    await sup.close();
    expect(log.errors).toEqual([]);
  });

  it('on the phone: refused, then the pin from the device, checked against the chosen village', async () => {
    const towns = (await divisions()).filter((d) => d.level === 'township');
    const village = (await divisions(towns[0]!.code))[0]!;

    const ctx = await newContext(stage.browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'phone-map');
    await phoneSignIn(page, stage.server.url, 'demo-resident');
    await page.goto(`${stage.server.url}/m/report`);
    const map = page.locator('[data-test=jurisdiction-map]');
    await map.scrollIntoViewIfNeeded();
    await map.locator('[data-test=map-schematic]').waitFor();
    await expect.poll(() => map.locator('.qd-area-label').count()).toBe(towns.length);
    await mapsAtRest(page);
    await screenshot(page, 'map-phone-start');

    await page.locator('[data-test=use-location]').click();
    const status = map.locator('[data-test=locate-status]');
    await expect.poll(() => status.innerText()).toContain('未获得定位权限');
    expect(await page.locator('.map-picker').innerText()).toContain('在地图上点击选择位置');

    await placeDevice(ctx, village.lat!, village.lng!);
    await page.locator('[data-test=use-location]').click();
    const pinned = `${Number(village.lat!.toFixed(6))}, ${Number(village.lng!.toFixed(6))}`;
    await expect.poll(() => page.locator('.map-picker').innerText()).toContain(pinned);

    // A village of another township than the pin's: pointed out; the pin's own township: quiet.
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [1, 0]);
    await page.locator('[data-test=pin-mismatch]').waitFor();
    await map.scrollIntoViewIfNeeded();
    await mapsAtRest(page);
    await screenshot(page, 'map-phone');
    await page.locator('input[name=villageCode]').click();
    // The cascader reopens on the village tab: back to the townships first.
    await page.locator('.van-popup:visible .van-tab').first().click();
    await pickCascader(page, [0, 0]);
    await page.locator('[data-test=pin-mismatch]').waitFor({ state: 'detached' });

    // Tapping the map moves the pin.
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.6);
    await expect.poll(() => page.locator('.map-picker').innerText()).not.toContain(pinned);
    await ctx.close();
    expect(log.errors).toEqual([]);
  });
});
