import { describe, expect, it } from 'vitest';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  consoleSignIn,
  newContext,
  phoneSignIn,
  screenshot,
  signInByApi,
  useStage,
} from './browser.ts';

/** The message centre: the console's bell and the phone's 消息 tab. */
describe('message centre', () => {
  const log = new ErrorLog();

  const stage = useStage();
  it('the bell counts up on dispatch and down when the message is read; the resident hears too', async () => {
    // The resident reports; the supervisor dispatches to the unit of demo-unit (through the API).
    const residentCtx = await newContext(stage.browser, PHONE);
    await signInByApi(residentCtx, stage.server.url, 'demo-resident');
    const token = async (ctx: typeof residentCtx) =>
      ((await (await ctx.request.get(`${stage.server.url}/api/auth/csrf`)).json()) as { token: string })
        .token;
    const report = await residentCtx.request.post(`${stage.server.url}/api/problems`, {
      headers: { 'x-csrf-token': await token(residentCtx) },
      data: {
        categoryCode: 'jobs',
        title: '想参加电工培训',
        description: '希望社区组织电工技能培训。',
        villageCode: '430202001001',
      },
    });
    expect(report.status()).toBe(201);
    const problem = (await report.json()) as { id: string; number: string };

    const unitCtx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await unitCtx.newPage(), 'unit');
    await consoleSignIn(page, stage.server.url, 'demo-unit');
    const count = page.locator('[data-test=inbox-count] .el-badge__content');
    const shown = async () => ((await count.isVisible()) ? Number(await count.innerText()) : 0);
    const unreadOf = async () =>
      (
        (await (await unitCtx.request.get(`${stage.server.url}/api/notifications/unread-count`)).json()) as {
          unread: number;
        }
      ).unread;
    const before = await unreadOf();
    await expect.poll(shown).toBe(before);

    const supCtx = await newContext(stage.browser, CONSOLE);
    await signInByApi(supCtx, stage.server.url, 'demo-supervisor');
    const me = await unitCtx.request.get(`${stage.server.url}/api/auth/me`);
    const unitId = ((await me.json()) as { user: { unitId: string } }).user.unitId;
    const csrf = (
      (await (await supCtx.request.get(`${stage.server.url}/api/auth/csrf`)).json()) as { token: string }
    ).token;
    const d = await supCtx.request.post(`${stage.server.url}/api/problems/${problem.id}/actions/dispatch`, {
      data: { leadUnitId: unitId },
      headers: { 'x-csrf-token': csrf },
    });
    expect(d.status()).toBe(200);

    // The count is read again when the page becomes visible; a reload does the same here.
    await page.reload();
    await expect.poll(shown).toBe(before + 1);
    await page.locator('[data-test=inbox-bell]').click();
    const item = page.locator('[data-test=inbox-item]', { hasText: problem.number });
    await item.waitFor();
    // The drawer slides in: the picture waits for its transitions (the finite animations) to end.
    await page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
          .map((a) => a.finished),
      ),
    );
    await screenshot(page, 'inbox-console');
    await item.click();
    await page.waitForURL(`${stage.server.url}/admin/problems/${problem.id}`);
    await expect.poll(shown).toBe(before);

    const phone = log.watch(await residentCtx.newPage(), 'resident');
    await phone.goto(`${stage.server.url}/m/`);
    const tab = phone.locator('[data-test=tab-messages] .van-badge');
    await expect.poll(() => tab.innerText()).toMatch(/^[1-9]\d*$/);
    await phone.locator('[data-test=tab-messages]').click();
    const msg = phone.locator('[data-test=inbox-item]', { hasText: '已受理' }).first();
    await msg.waitFor();
    expect(await msg.innerText()).toContain(problem.number);
    await screenshot(phone, 'inbox-phone');
    await msg.click();
    await phone.waitForURL(`${stage.server.url}/m/problems/${problem.id}`);
    expect(log.errors).toEqual([]);
  });

  it('shows the phone messages in English with the kinds translated', async () => {
    const ctx = await newContext(stage.browser, PHONE, { locale: 'en-US' });
    const page = log.watch(await ctx.newPage(), 'resident-en');
    await phoneSignIn(page, stage.server.url, 'demo-resident');
    await page.goto(`${stage.server.url}/m/messages`);
    await page.locator('[data-test=inbox-item]').first().waitFor();
    expect(await page.locator('.van-nav-bar__title').innerText()).toBe('Messages');
    expect(await page.locator('[data-test=inbox-item] .van-tag').first().innerText()).toMatch(/[A-Za-z]/);
    expect(log.errors).toEqual([]);
  });
});
