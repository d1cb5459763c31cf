import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE, PHONE, launchBrowser, newContext, signInByApi } from './browser.ts';
import { startServer, type TestServer } from './server.ts';

/** Bytes a page's assets (scripts, styles, fonts, images) cost on the wire, as the browser counts them. */
async function assetBytes(page: Page, url: string): Promise<{ bytes: number; files: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const sizes = new Map<string, number>();
  const urls = new Map<string, string>();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  await page.goto(url, { waitUntil: 'networkidle' });
  let bytes = 0;
  let files = 0;
  for (const [id, size] of sizes) {
    if (!/\/assets\//.test(urls.get(id) ?? '')) continue;
    bytes += size;
    files++;
  }
  await cdp.detach();
  return { bytes, files };
}

/**
 * What the web app costs a phone on a slow network: first-load bytes of the console and of the phone
 * pages, and of a repeat visit (hashed assets come from the cache without asking).
 */
describe('transfer on first load and repeat visit', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer(inject('seedDir'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends hashed assets compressed and cacheable for a year, pages never cached', async () => {
    const html = await fetch(`${server.url}/admin/`);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(script).toBeTruthy();
    const r = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(r.headers.get('content-encoding')).toBe('br');
    const gz = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
  });

  for (const [name, path, viewport, limit] of [
    ['console', '/admin/', CONSOLE, 500 * 1024],
    ['console dashboard', '/admin/dashboard', CONSOLE, 500 * 1024],
    ['phone pages', '/m/', PHONE, 200 * 1024],
  ] as const) {
    it(`${name}: first load and repeat visit within budget`, async () => {
      const ctx = await newContext(browser, viewport);
      if (name.startsWith('console')) await signInByApi(ctx, server.url, 'demo-supervisor');
      const page = await ctx.newPage();
      const first = await assetBytes(page, `${server.url}${path}`);
      const repeat = await assetBytes(page, `${server.url}${path}`);
      console.log(
        `${name}: first load ${(first.bytes / 1024).toFixed(1)} KB in ${first.files} files; ` +
          `repeat visit ${(repeat.bytes / 1024).toFixed(1)} KB in ${repeat.files} files`,
      );
      expect(first.bytes).toBeGreaterThan(0);
      expect(first.bytes).toBeLessThanOrEqual(limit);
      expect(repeat.bytes).toBeLessThanOrEqual(20 * 1024);
      await ctx.close();
    });
  }
});
