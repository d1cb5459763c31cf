import { describe, expect, it } from 'vitest';
import { CONSOLE, ErrorLog, consoleSignIn, newContext, screenshot, useStage } from './browser.ts';

/** The supervisor's merge (ranked candidates, side by side, a confirmation naming both) and 改派. */
describe('merge and re-dispatch in the console', () => {
  const log = new ErrorLog();

  const stage = useStage();
  it('merges a duplicate after comparing the two, and re-dispatches another problem with a reason', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'supervisor');
    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    const token = (
      (await (await ctx.request.get(`${stage.server.url}/api/auth/csrf`)).json()) as { token: string }
    ).token;
    const report = async (title: string) =>
      (await (
        await ctx.request.post(`${stage.server.url}/api/problems`, {
          headers: { 'x-csrf-token': token },
          data: {
            categoryCode: 'roads',
            title,
            description: `${title}，晚上出行不便，请尽快修复。`,
            villageCode: '430202001001',
            lat: 27.8632,
            lng: 113.1601,
            fields: { hazard: '一般' },
          },
        })
      ).json()) as { id: string; number: string };
    const primary = await report('红旗路口路灯不亮');
    const duplicate = await report('红旗路口的路灯不亮了');

    await page.goto(`${stage.server.url}/admin/problems/${duplicate.id}`);
    await page.locator('[data-test=action-merge]').click();
    const rows = page.locator('[data-test=merge-candidates] .el-table__row');
    await rows.first().waitFor();
    // The true duplicate ranks first.
    expect(await rows.first().innerText()).toContain(primary.number);
    await rows.first().click();
    await page.locator('[data-test=merge-compare]').waitFor();
    expect(await page.locator('[data-test=merge-compare]').innerText()).toContain(duplicate.number);
    await screenshot(page, 'merge-compare');
    await page.locator('.el-dialog:visible [data-test=action-submit]').click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    expect(await box.innerText()).toContain(primary.number);
    expect(await box.innerText()).toContain(duplicate.number);
    const merged = page.waitForResponse((r) => r.url().endsWith('/actions/merge'));
    await box.locator('.el-button--primary').click();
    const mergeAnswer = await merged;
    if (mergeAnswer.status() !== 200)
      console.error(await mergeAnswer.text(), stage.server.output().slice(-3000));
    expect(mergeAnswer.status()).toBe(200);

    // 改派 of the primary after its dispatch.
    const units = (
      (await (await ctx.request.get(`${stage.server.url}/api/units?pageSize=50`)).json()) as {
        items: { id: string; name: string }[];
      }
    ).items;
    await ctx.request.post(`${stage.server.url}/api/problems/${primary.id}/actions/dispatch`, {
      headers: { 'x-csrf-token': token },
      data: { leadUnitId: units[0]!.id },
    });
    await page.goto(`${stage.server.url}/admin/problems/${primary.id}`);
    await page.locator('[data-test=action-reassign]').click();
    const dialog = page.locator('.el-dialog:visible');
    await dialog.locator('[data-test=unit-picker]').first().click();
    await page
      .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: units[1]!.name })
      .first()
      .click();
    await dialog.locator('textarea[name=reason]').fill('属地不符，改由属地单位办理');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('.el-message-box').waitFor();
    expect(await page.locator('.el-message-box').innerText()).toContain(units[1]!.name);
    const reassigned = page.waitForResponse((r) => r.url().endsWith('/actions/reassign'));
    await page.locator('.el-message-box .el-button--primary').click();
    expect((await reassigned).status()).toBe(200);
    await expect.poll(() => page.locator('body').innerText()).toContain('属地不符，改由属地单位办理');
    expect(log.errors).toEqual([]);
  });
});
