import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  CONSOLE,
  ErrorLog,
  PHONE,
  SCREEN,
  newContext,
  phoneSignIn,
  screenshot,
  signInByApi,
  useStage,
} from './browser.ts';

/** 张师傅's doorstep, just north of the 零工服务中心 at 合泰马路市场 (the phone's mocked position). */
const HERE = { latitude: 27.8672, longitude: 113.1718 };

interface SearchItem {
  id: string;
  title: string;
  distanceM: number;
}

/**
 * 荷塘大就业 on the phone, with real taps: 张师傅 opens the doorstep map at his position and sees the
 * nearest postings first; the employer has just posted a gig at his door, and he applies; the employer
 * hires him and records the hours and wage when the work is done; 张师傅 confirms the same hours and
 * wage, then that he was paid. An expired posting says 已过期 and takes no application; the SMS link
 * opens its page from the `#` address.
 */
describe('jobs on the phone', () => {
  const log = new ErrorLog();
  const stage = useStage();
  const url = () => stage.server.url;
  const title = `搬运工（合泰市场卸货）${Date.now().toString(36).slice(-4)}`;

  async function csrf(ctx: BrowserContext): Promise<string> {
    return ((await (await ctx.request.get(`${url()}/api/auth/csrf`)).json()) as { token: string }).token;
  }

  /** demo-employer posts a day gig at 张师傅's door; the centre's staff approve it. */
  async function postGigAtHisDoor(): Promise<string> {
    const employer = await newContext(stage.browser, PHONE);
    await signInByApi(employer, url(), 'demo-employer');
    const employers = (await (await employer.request.get(`${url()}/api/jobs/employers`)).json()) as {
      items: { id: string }[];
    };
    const now = Date.now();
    const made = await employer.request.post(`${url()}/api/jobs/postings`, {
      headers: { 'x-csrf-token': await csrf(employer) },
      data: {
        employerId: employers.items[0]!.id,
        title,
        description: '合泰马路市场蔬菜批发卸货，当天结算。',
        kind: 'gig_day',
        occupationCode: '4-02-06-01',
        headcount: 1,
        wageFen: 20_000,
        wageUnit: 'day',
        villageCode: '430202001003',
        lat: HERE.latitude,
        lng: HERE.longitude,
        validFrom: new Date(now).toISOString(),
        validThrough: new Date(now + 10 * 86_400_000).toISOString(),
        submit: true,
      },
    });
    expect(made.status(), await made.text()).toBe(201);
    const id = ((await made.json()) as { id: string }).id;
    const staff = await newContext(stage.browser, PHONE);
    await signInByApi(staff, url(), 'demo-unit');
    const approved = await staff.request.post(`${url()}/api/jobs/postings/${id}/actions/approve`, {
      headers: { 'x-csrf-token': await csrf(staff) },
      data: {},
    });
    expect(approved.status(), await approved.text()).toBe(200);
    await employer.close();
    await staff.close();
    return id;
  }

  async function openApplication(page: Page, postingTitle: string): Promise<void> {
    await page.goto(`${url()}/m/jobs/applications`);
    await page.locator('[data-test=application-item]', { hasText: postingTitle }).first().click();
    await page.waitForURL(/\/m\/jobs\/applications\/[^/]+$/);
    await page.locator('[data-test=application-status]').waitFor();
  }

  /** Taps a step of an application and waits for its new state. */
  async function step(page: Page, action: string, status: string, wage?: { hours: string; amount: string }) {
    await page.locator(`[data-test=app-${action}]`).click();
    if (wage) {
      const hours = page.locator('[data-test=wage-hours] input');
      await hours.waitFor();
      await hours.fill(wage.hours);
      await page.locator('[data-test=wage-amount] input').fill(wage.amount);
      await page.locator('[data-test=wage-submit]').click();
    }
    await expect.poll(() => page.locator('[data-test=application-status]').innerText()).toBe(status);
  }

  it('张师傅 sees the nearest postings on the map, applies; the employer hires; both confirm the wage; he is paid', async () => {
    const postingId = await postGigAtHisDoor();

    const workerCtx = await newContext(stage.browser, PHONE);
    await workerCtx.grantPermissions(['geolocation'], { origin: url() });
    await workerCtx.setGeolocation(HERE);
    const worker = log.watch(await workerCtx.newPage(), 'worker');
    await phoneSignIn(worker, url(), 'demo-worker');
    await worker.locator('.svc-text', { hasText: '家门口就业' }).click();
    await worker.waitForURL(`${url()}/m/jobs`);
    const items = worker.locator('[data-test=jobs-item]');
    await items.first().waitFor();
    await worker.locator('[data-test=jobs-map] .jm-station').first().waitFor();
    // The schematic base: the townships' names, drawn from the reference data (no tiles).
    await worker.locator('[data-test=jobs-map] .qd-div-label').first().waitFor();
    expect(await worker.locator('[data-test=jobs-where]').innerText()).toContain('以我的位置为中心');

    // The list is the server's answer for his position: nearest first, the new gig at his door on top.
    const answer = (await (
      await fetch(
        `${url()}/api/jobs/postings?lat=${HERE.latitude}&lng=${HERE.longitude}&radius=3000&limit=20`,
      )
    ).json()) as { items: SearchItem[]; total: number };
    expect(answer.items[0]!.id).toBe(postingId);
    const ds = answer.items.map((p) => p.distanceM);
    expect(ds).toEqual([...ds].sort((a, b) => a - b));
    expect(await items.locator('.title').allInnerTexts()).toEqual(answer.items.map((p) => p.title));
    expect(await items.first().locator('[data-test=jobs-distance]').innerText()).toBe('0 米');
    expect(await worker.locator('[data-test=jobs-total]').innerText()).toContain(String(answer.total));
    // The sign-in's toast has gone before the pictures are taken.
    await worker.locator('.van-toast').waitFor({ state: 'hidden' });
    await screenshot(worker, 'jobs-map');
    await worker.locator('.qd-section-title').evaluate((el) => el.scrollIntoView());
    await screenshot(worker, 'jobs-list');

    // The kind chips narrow the list to one kind of work, as the API's filter does, and back.
    const near = `${url()}/api/jobs/postings?lat=${HERE.latitude}&lng=${HERE.longitude}&radius=3000&limit=20`;
    const fullTime = (await (await fetch(`${near}&kind=full_time`)).json()) as {
      items: SearchItem[];
      total: number;
    };
    await worker.locator('[data-test=jobs-kind-full_time]').click();
    await expect
      .poll(() => items.locator('.title').allInnerTexts())
      .toEqual(fullTime.items.map((p) => p.title));
    await expect
      .poll(() => worker.locator('[data-test=jobs-total]').innerText())
      .toContain(String(fullTime.total));
    await worker.locator('[data-test=jobs-kind-all]').click();
    await expect
      .poll(() => items.locator('.title').allInnerTexts())
      .toEqual(answer.items.map((p) => p.title));

    await items.first().click();
    await worker.waitForURL(`${url()}/m/jobs/${postingId}`);
    expect(await worker.locator('[data-test=posting-title]').innerText()).toBe(title);
    await worker.locator('[data-test=posting-apply]').click();
    await worker.waitForURL(/\/m\/jobs\/applications\/[^/]+$/);
    await expect.poll(() => worker.locator('[data-test=application-status]').innerText()).toBe('已报名');
    const applicationUrl = worker.url();

    // The employer, on his phone, hires 张师傅, sees him on site, and records the day's hours and wage.
    const employerCtx = await newContext(stage.browser, PHONE);
    const employer = log.watch(await employerCtx.newPage(), 'employer');
    await phoneSignIn(employer, url(), 'demo-employer');
    await openApplication(employer, title);
    // The employer sees the applicant's name and phone masked.
    expect(await employer.locator('[data-test=app-worker]').innerText()).toContain('张*');
    await step(employer, 'accept', '已录用');
    await step(employer, 'check_in', '已到岗');
    await step(employer, 'complete', '已完工', { hours: '8', amount: '200' });
    expect(await employer.locator('[data-test=employer-says]').innerText()).toContain('8 小时，200 元');

    // 张师傅 confirms the same hours and wage (offered as the employer gave them), then that he was paid.
    await worker.goto(applicationUrl);
    await worker.locator('[data-test=app-confirm_wage]').click();
    expect(await worker.locator('[data-test=wage-hours] input').inputValue()).toBe('8');
    expect(await worker.locator('[data-test=wage-amount] input').inputValue()).toBe('200');
    await worker.locator('[data-test=wage-submit]').click();
    await expect
      .poll(() => worker.locator('[data-test=worker-says]').innerText())
      .toContain('双方已确认一致');
    await step(worker, 'confirm_paid', '已结清');
    await worker.locator('.van-toast').waitFor({ state: 'hidden' });
    await screenshot(worker, 'jobs-settled');
    expect(log.errors).toEqual([]);
  });

  it('shows an expired posting as 已过期 without applying, and opens the SMS link page from its # address', async () => {
    const ctx = await newContext(stage.browser, PHONE);
    // The unknown link's 404 is the answer under test.
    const page = log.watch(await ctx.newPage(), 'worker', [/status of 404/]);
    await phoneSignIn(page, url(), 'demo-worker');
    const expired = (await (await fetch(`${url()}/api/jobs/postings?status=expired&limit=1`)).json()) as {
      items: { id: string }[];
    };
    await page.goto(`${url()}/m/#/jobs/${expired.items[0]!.id}`);
    await page.waitForURL(`${url()}/m/jobs/${expired.items[0]!.id}`);
    expect(await page.locator('[data-test=posting-status]').innerText()).toBe('已过期');
    expect(await page.locator('[data-test=posting-hint]').innerText()).toContain('不能再报名');
    expect(await page.locator('[data-test=posting-apply]').count()).toBe(0);

    // A used or unknown link says so, in words, after the tap (a link preview confirms nothing).
    await page.goto(`${url()}/m/#/jobs/reconfirm/no-such-token-000`);
    await page.waitForURL(`${url()}/m/jobs/reconfirm/no-such-token-000`);
    await page.locator('[data-test=reconfirm]').click();
    expect(await page.locator('[data-test=reconfirm-failed]').innerText()).toContain('链接已失效');
    expect(log.errors).toEqual([]);
  });

  it('shows the jobs tiles on the dashboard and the big screen, counted from the records', async () => {
    const sup = await newContext(stage.browser, CONSOLE);
    await signInByApi(sup, url(), 'demo-supervisor');
    const kpis = (await (await sup.request.get(`${url()}/api/jobs/kpis`)).json()) as {
      placements: number;
      wages: { unpaidRaised: number; confirmedPaid: number };
    };
    expect(kpis.placements).toBeGreaterThan(0);
    const board = log.watch(await sup.newPage(), 'console');
    await board.goto(`${url()}/admin/dashboard`);
    const placements = board.locator('[data-test=jobs-kpi-placements]');
    await expect.poll(() => placements.innerText()).toBe(String(kpis.placements));
    expect(await board.locator('[data-test=jobs-kpi-unpaidRaised]').innerText()).toBe(
      String(kpis.wages.unpaidRaised),
    );
    expect(await board.locator('[data-test=jobs-kpi-wagesPaid]').innerText()).toBe(
      String(kpis.wages.confirmedPaid),
    );
    await board.locator('[data-test=jobs-kpis]').scrollIntoViewIfNeeded();
    await screenshot(board, 'jobs-dashboard');

    const leader = await newContext(stage.browser, SCREEN);
    await signInByApi(leader, url(), 'demo-leader');
    const screen = log.watch(await leader.newPage(), 'screen');
    await screen.goto(`${url()}/screen/`);
    const onScreen = screen.locator('[data-test=screen-jobs-placements]');
    await expect.poll(() => onScreen.innerText()).toBe(String(kpis.placements));
    await screenshot(screen, 'jobs-screen');
    expect(log.errors).toEqual([]);
  });
});
