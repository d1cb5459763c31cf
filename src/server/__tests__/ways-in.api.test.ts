import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSms } from '../../adapters/sms/index.ts';
import { HETANG } from '../../demo/hetang.ts';
import { LOCKOUT, OTP } from '../../modules/auth/index.ts';
import { startTestApp, TEST_DB, type Client, type TestApp } from '../../test/harness.ts';

/**
 * The ways in an attacker found against a freshly started server (issue "close the ways in"), one test per
 * finding: each failed on the code before the fix.
 */
describe('closed ways in', () => {
  let t: TestApp;
  let admin: Client;
  const sms = () => t.ctx.sms as RecordingSms;
  /** A fresh 10-minute window for the per-address code limit (every request here comes from one address). */
  const nextWindow = () => t.clock!.advanceHours(11 / 60);

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    admin = await t.as('demo-admin');
  });
  afterAll(() => t.close());

  /** Creates a user through the admin API. */
  async function user(body: Record<string, unknown>) {
    const r = await admin.post('/api/users', { password: 'Strong-pass-2024', active: true, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; username: string };
  }

  /** Signs in by code: asks for one, reads it from the SMS fake, sends it back. */
  async function signInByCode(phone: string) {
    nextWindow();
    const c = t.client();
    const asked = await c.post('/api/auth/otp', { phone });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const code = sms().last(phone, 'otp', 'code');
    const r = await c.post('/api/auth/otp/verify', { phone, code });
    const cookie = [r.headers['set-cookie']].flat().find((x) => String(x).startsWith('qd_session='));
    c.cookie = cookie ? String(cookie).split(';')[0]! : null;
    c.csrf = r.body.csrfToken ?? null;
    return { c, asked, r };
  }

  it('1: sends a code only through the SMS adapter, never in the answer, but for the demo phones', async () => {
    nextWindow();
    const phone = '13900005555';
    const r = await t.client().post('/api/auth/otp', { phone });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toMatch(/\d{6}/);
    expect(sms().last(phone, 'otp', 'code')).toMatch(/^\d{6}$/);
    // The demo's own resident sees his code on the page in the demo jurisdiction …
    const demo = await t.client().post('/api/auth/otp', { phone: '13907330001' });
    expect(demo.body.demoCode).toBe(sms().last('13907330001', 'otp', 'code'));
    // … and nowhere the demo did not seed.
    const settings = await t.ctx.db.selectFrom('jurisdictions').select('settings').executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('jurisdictions').set({ settings: '{}' }).execute();
    t.clock!.advanceHours(2 / 60);
    const again = await t.client().post('/api/auth/otp', { phone: '13907330001' });
    expect(again.status).toBe(200);
    expect(again.body.demoCode).toBeUndefined();
    await t.ctx.db.updateTable('jurisdictions').set({ settings: settings.settings }).execute();
  });

  it('2: never opens a staff account by code, even with the password locked', async () => {
    const phone = '13900003333';
    const staff = await user({ username: 'sup-phone', displayName: '督查员', roles: ['supervisor'], phone });
    for (let i = 0; i < LOCKOUT.attempts; i++)
      expect((await t.client().login('sup-phone', `wrong-${i}`)).status).toBe(401);
    // The owner hears of the lock.
    expect(
      sms()
        .to(phone)
        .some((m) => m.template === 'account_locked'),
    ).toBe(true);
    const { c, r } = await signInByCode(phone);
    expect(r.status).toBe(200);
    const me = await c.get('/api/auth/me');
    expect(me.body.user.roles).toEqual(['resident']);
    expect(me.body.user.id).not.toBe(staff.id);
    expect((await c.get('/api/problems?status=submitted')).body.total).toBe(0);
  });

  it('3: refuses an impossible calendar date without saving it, and starts despite a bad stored row', async () => {
    const r = await admin.request('PUT', '/api/calendar/2025-02-30', { isWorkday: false, name: '假日' });
    expect(r.status).toBe(400);
    const stored = await t.ctx.db
      .selectFrom('calendar_days')
      .select('date')
      .where('date', '=', '2025-02-30')
      .execute();
    expect(stored).toHaveLength(0);
    // A row written before dates were checked: the reference data loads without it and says so.
    await t.ctx.db
      .insertInto('calendar_days')
      .values({ jurisdiction_id: HETANG.id, date: '2025-02-31', is_workday: 0, name: '坏数据' })
      .execute();
    const ref = await t.ctx.reference.invalidate(HETANG.id);
    expect(ref.calendarDays.some((d) => d.date === '2025-02-31')).toBe(false);
    const health = await t.client().get('/api/health');
    expect(health.status).toBe(200);
    expect(JSON.stringify(health.body.warnings)).toContain('2025-02-31');
    await t.ctx.db.deleteFrom('calendar_days').where('date', '=', '2025-02-31').execute();
    await t.ctx.reference.invalidate(HETANG.id);
  });

  it('4: locks after 19 concurrent wrong passwords, and the right one then fails', async () => {
    await user({ username: 'clerk-race', displayName: '科员', roles: ['leader'] });
    // 19 at once, and the right password as the 20th: all within the per-account rate limit of 20 a minute,
    // so only the lockout stands between them and a session.
    const answers = await Promise.all(
      Array.from({ length: 19 }, (_, i) => t.client().login('clerk-race', `wrong-${i}`)),
    );
    expect(answers.every((a) => a.status === 401)).toBe(true);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('locked_until')
      .where('username', '=', 'clerk-race')
      .executeTakeFirstOrThrow();
    expect(row.locked_until).not.toBeNull();
    expect((await t.client().login('clerk-race', 'Strong-pass-2024')).status).toBe(401);
  });

  it('5 and 17: a code sign-up never collides with a user name and never names the account by its phone', async () => {
    const phone = '13900004444';
    await user({ username: `m${phone}`, displayName: '同名用户', roles: ['resident'] });
    const { c, r } = await signInByCode(phone);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const me = await c.get('/api/auth/me');
    expect(me.body.user.username).not.toContain(phone);
    expect(me.body.user.username).not.toContain(phone.slice(3));
  });

  it('6: a field visit is read only by those whose work it is', async () => {
    const supervisor = await t.as('demo-supervisor');
    const topics = await supervisor.get('/api/topics');
    const topic = topics.body.items[0] as { id: string };
    const visit = await supervisor.post('/api/visits', {
      topicId: topic.id,
      visitedAt: '2024-03-01T02:00:00Z',
      villageCode: '430202001001',
      place: '文化路社区',
      participants: '周督查',
      notes: '走访企业，了解用工需求',
    });
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    expect((await supervisor.get(`/api/visits/${visit.body.id}`)).status).toBe(200);
    for (const who of ['demo-resident', 'demo-enterprise', 'demo-unit'])
      expect([403, 404]).toContain((await (await t.as(who)).get(`/api/visits/${visit.body.id}`)).status);
    const byKey = await t
      .client()
      .get(`/api/visits/${visit.body.id}`, { authorization: `Bearer ${HETANG.apiKey}` });
    expect([403, 404]).toContain(byKey.status);
  });

  it('7: a point that is not a number is a 400, for anyone, on both databases', async () => {
    const supervisor = await t.as('demo-supervisor');
    for (const near of ['.,.', '1.2.3,4', '-,-', '91,10']) {
      const q = `near=${encodeURIComponent(near)}&radius=100`;
      expect((await t.client().get(`/api/stats/summary?${q}`)).status).toBe(400);
      expect((await supervisor.get(`/api/problems?${q}`)).status).toBe(400);
    }
    expect((await t.client().get('/api/stats/summary?bbox=.,.,.,.')).status).toBe(400);
    expect((await t.client().get('/api/stats/summary?near=27.86,113.16&radius=100')).status).toBe(200);
    expect((await supervisor.get('/api/problems?near=27.86,113.16&radius=100')).status).toBe(200);
  });

  it("10: nobody marks another person's notification read", async () => {
    const row = {
      jurisdiction_id: HETANG.id,
      id: 'note-for-supervisors',
      user_id: null,
      unit_id: null,
      role: 'supervisor',
      kind: 'overdue',
      problem_id: null,
      title: '已超期',
      body: '一件问题已超期',
      created_at: t.ctx.clock.now().toISOString(),
      read_at: null,
    };
    await t.ctx.db.insertInto('notifications').values(row).execute();
    const resident = await t.as('demo-resident');
    expect((await resident.post(`/api/notifications/${row.id}/read`)).status).toBe(404);
    const r = await t.ctx.db
      .selectFrom('notifications')
      .select('read_at')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(r.read_at).toBeNull();
    expect((await (await t.as('demo-supervisor')).post(`/api/notifications/${row.id}/read`)).status).toBe(
      200,
    );
  });

  it('11: one address cannot ask codes for many phones', async () => {
    nextWindow();
    const answers: number[] = [];
    for (let i = 0; i < 60; i++)
      answers.push(
        (await t.client().post('/api/auth/otp', { phone: `1390001${String(i).padStart(4, '0')}` })).status,
      );
    expect(answers.filter((s) => s === 200)).toHaveLength(OTP.perAddressPer10Minutes);
    expect(answers.slice(OTP.perAddressPer10Minutes).every((s) => s === 429)).toBe(true);
  });

  it('11: one phone gets a handful of codes an hour, however they are asked for', async () => {
    const phone = '13900006666';
    nextWindow();
    const statuses: number[] = [];
    for (let i = 0; i < OTP.perPhonePerHour + 3; i++) {
      t.clock!.advanceHours(2 / 60);
      statuses.push((await t.client().post('/api/auth/otp', { phone })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(OTP.perPhonePerHour);
  });

  it('14: a locked account answers exactly like a wrong password', async () => {
    await user({ username: 'clerk-lock', displayName: '科员乙', roles: ['leader'] });
    const unknown = await t.client().login('nobody-here', 'whatever-123');
    for (let i = 0; i < LOCKOUT.attempts; i++) await t.client().login('clerk-lock', `wrong-${i}`);
    const locked = await t.client().login('clerk-lock', 'Strong-pass-2024');
    expect(locked.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(locked.body).toEqual(unknown.body);
  });

  it('15: anonymous statistics cannot count matches of a search text', async () => {
    expect((await t.client().get('/api/stats/summary?q=%E5%B7%A5%E8%B5%84')).status).toBe(403);
    expect((await (await t.as('demo-resident')).get('/api/stats/summary?q=%E5%B7%A5%E8%B5%84')).status).toBe(
      403,
    );
    expect(
      (await (await t.as('demo-supervisor')).get('/api/stats/summary?q=%E5%B7%A5%E8%B5%84')).status,
    ).toBe(200);
  });

  it('18: a database outage is a 503 on the API and Open311, and health names no driver text', async () => {
    const executor = t.ctx.db.getExecutor();
    const original = executor.executeQuery.bind(executor);
    const outage = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432 user=qingdan db=prod'), {
      code: TEST_DB === 'postgres' ? 'ECONNREFUSED' : 'SQLITE_IOERR',
    });
    (executor as { executeQuery: unknown }).executeQuery = async () => {
      throw outage;
    };
    try {
      const o311 = await t.client().get('/open311/v2/requests.json?status=closed');
      expect(o311.status).toBe(503);
      const health = await t.client().get('/api/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'error', databaseUp: false });
      expect(JSON.stringify(health.body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|qingdan|SQLITE/);
      const api = await t.client().get('/api/stats/summary?township=430202002&groupBy=domain');
      expect(api.status).toBe(503);
      expect(JSON.stringify(api.body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7/);
    } finally {
      (executor as { executeQuery: unknown }).executeQuery = original;
    }
  });
});

describe('8: trusted proxies are a list, not a switch', () => {
  it('keys per-address limits on the socket unless the proxy is listed', async () => {
    for (const [trustedProxies, expected] of [
      [[], '127.0.0.1'],
      // A proxy is listed, but this connection does not come from it: its header counts for nothing.
      [['10.9.9.9'], '127.0.0.1'],
      [['127.0.0.1'], '203.0.113.9'],
    ] as const) {
      const t = await startTestApp({ seed: 'reference', config: { trustedProxies: [...trustedProxies] } });
      try {
        const r = await t
          .client()
          .post('/api/auth/otp', { phone: '13900007777' }, { 'x-forwarded-for': '203.0.113.9' });
        expect(r.status).toBe(200);
        const keys = await t.ctx.db.selectFrom('guard_counters').select('key').execute();
        expect(keys.map((k) => k.key)).toContain(`otp:address:${expected}`);
      } finally {
        await t.close();
      }
    }
  });
});
