import { describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  consoleSignIn,
  newContext,
  phoneSignIn,
  pickCascader,
  screenshot,
  useStage,
} from './browser.ts';

/** The browser's own note about the 400 answers these tests provoke on purpose. */
const BAD_REQUEST = [/status of 400/];

/** The server's message for one field of a 400 answer. */
async function serverMessage(answer: Response, field: string): Promise<string> {
  expect(answer.status()).toBe(400);
  const body = (await answer.json()) as {
    error: { details: { path: string | string[]; message: string }[] };
  };
  const issue = body.error.details.find((d) => (Array.isArray(d.path) ? d.path.join('.') : d.path) === field);
  expect(issue, `a message for ${field}`).toBeTruthy();
  return issue!.message;
}

/** Fails when visible text shows schema wording or a request field path instead of plain words. */
async function expectNoSchemaText(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(
    /Too small|Too big|expected|Invalid input|leadUnitId|categoryCode|villageCode|reporter\.phone|intoId/,
  );
}

/** Forms show the server's validation messages next to the field they are about. */
describe('server validation messages', () => {
  const log = new ErrorLog();

  const stage = useStage();
  it('on the phone report form: missing fields, then a too-long address', async () => {
    const ctx = await newContext(stage.browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'report', BAD_REQUEST);
    await phoneSignIn(page, stage.server.url, 'demo-resident');
    await page.goto(`${stage.server.url}/m/report`);

    // Nothing filled in: every required field says so, and nothing is sent.
    await page.locator('[data-test=submit-report]').click();
    for (const field of ['categoryCode', 'title', 'description', 'villageCode'])
      await expect
        .poll(() => page.locator(`.van-field:has([name=${field}]) .van-field__error-message`).innerText())
        .not.toBe('');

    await page.locator('input[name=categoryCode]').click();
    await pickCascader(page, ['民生保障', '环境卫生']);
    await page.locator('input[name=title]').fill('垃圾清运不及时');
    await page.locator('textarea[name=description]').fill('垃圾桶满了三天没人清运。');
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [0, 0]);
    await page.locator('input[name=address]').fill('长'.repeat(201));
    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/api/problems') && r.request().method() === 'POST',
    );
    await page.locator('[data-test=submit-report]').click();
    const message = await serverMessage(await answer, 'address');
    const shown = page.locator('.van-field:has([name=address]) .van-field__error-message');
    await expect.poll(() => shown.innerText()).toBe(message);
    expect(message).toBe('最多 200 个字');
    await expectNoSchemaText(page);
    await page.locator('input[name=address]').fill('荷塘区月塘街道');
    await expect.poll(() => shown.count()).toBe(0);
    await screenshot(page, 'forms-report-address');
    expect(log.errors).toEqual([]);
  });

  it('on the enterprise form: a contact phone the server refuses', async () => {
    const ctx = await newContext(stage.browser, PHONE);
    const page = log.watch(await ctx.newPage(), 'enterprise', BAD_REQUEST);
    await phoneSignIn(page, stage.server.url, 'demo-enterprise');
    await page.goto(`${stage.server.url}/m/enterprise`);
    await page.locator('input[name=enterpriseName]').fill('湘江新材料有限公司');
    // The credit code is checked as it is typed.
    await page.locator('input[name=enterpriseUscc]').fill('91430202MA4L16JQ9');
    await expect.poll(() => page.locator('[data-test=uscc-note]').innerText()).toContain('17');
    await page.locator('input[name=enterpriseUscc]').fill('91430202MA4L16JQ9B');
    await page.locator('input[name=contactName]').fill('李经理');
    await page.locator('input[name=contactPhone]').fill('12345');
    await page.locator('input[name=categoryCode]').click();
    await pickCascader(page, ['企业发展', '招商引资']);
    await page.locator('input[name=title]').fill('希望对接产业基金');
    await page.locator('textarea[name=description]').fill('扩大产能需要引入战略投资。');
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [0, 0]);
    // The phone is checked in the browser: nothing is sent, the message sits under the field.
    let posted = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/problems') && r.method() === 'POST') posted++;
    });
    await page.locator('[data-test=submit-report]').click();
    const shown = page.locator('.van-field:has([name=contactPhone]) .van-field__error-message');
    await expect.poll(() => shown.innerText()).toBe('请填写 11 位手机号码');
    expect(posted).toBe(0);
    await expectNoSchemaText(page);
    // Fixing the field clears its message.
    await page.locator('input[name=contactPhone]').fill('13907331234');
    await expect.poll(() => shown.count()).toBe(0);
    await screenshot(page, 'forms-enterprise-phone');
    expect(log.errors).toEqual([]);
  });

  it('on the console: dispatch without a lead unit, and a wrong password', async () => {
    const ctx = await newContext(stage.browser, CONSOLE);
    const page = log.watch(await ctx.newPage(), 'console', [...BAD_REQUEST, /status of 401/]);

    await page.goto(`${stage.server.url}/admin/login`);
    await page.locator('input[name=username]').fill('demo-supervisor');
    await page.locator('input[name=password]').fill('not-the-password');
    await page.locator('button[type=submit]').click();
    await page.locator('.el-message--error, .el-form-item__error').first().waitFor();

    await consoleSignIn(page, stage.server.url, 'demo-supervisor');
    const r = await ctx.request.get(`${stage.server.url}/api/problems`, {
      params: { status: 'submitted', pageSize: 1 },
    });
    const pending = ((await r.json()) as { items: { id: string }[] }).items[0]!;
    await page.goto(`${stage.server.url}/admin/problems/${pending.id}`);
    await page.locator('[data-test=action-dispatch]').click();
    await page.locator('[data-test=form-dispatch]').waitFor();
    let sent = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/actions/dispatch')) sent++;
    });
    await page.locator('.el-dialog:visible [data-test=action-submit]').click();
    const item = page.locator('.el-dialog:visible .el-form-item', {
      has: page.locator('[data-test=unit-picker]'),
    });
    await expect.poll(() => item.first().locator('.el-form-item__error').innerText()).toBe('必填');
    expect(sent).toBe(0);
    await expectNoSchemaText(page);
    await screenshot(page, 'forms-dispatch');
    expect(log.errors).toEqual([]);
  });

  it('in English: the server answers in English and the page shows no schema text', async () => {
    const ctx = await newContext(stage.browser, PHONE, { locale: 'en-US' });
    const page = log.watch(await ctx.newPage(), 'report-en', BAD_REQUEST);
    await phoneSignIn(page, stage.server.url, 'demo-resident');
    await page.goto(`${stage.server.url}/m/report`);
    await page.locator('input[name=categoryCode]').click();
    await pickCascader(page, [0, 0]);
    await page.locator('input[name=title]').fill('Rubbish not collected');
    await page.locator('textarea[name=description]').fill('The bins have been full for three days.');
    await page.locator('input[name=villageCode]').click();
    await pickCascader(page, [0, 0]);
    await page.locator('input[name=address]').fill('x'.repeat(201));
    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/api/problems') && r.request().method() === 'POST',
    );
    await page.locator('[data-test=submit-report]').click();
    expect(await serverMessage(await answer, 'address')).toBe('At most 200 characters');
    const shown = page.locator('.van-field:has([name=address]) .van-field__error-message');
    await expect.poll(() => shown.innerText()).toBe('At most 200 characters');
    await expectNoSchemaText(page);
    await screenshot(page, 'forms-report-address-en');
    expect(log.errors).toEqual([]);
  });
});
