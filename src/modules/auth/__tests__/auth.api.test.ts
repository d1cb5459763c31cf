import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HETANG } from '../../../demo/hetang.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { LOCKOUT, OTP } from '../auth.service.ts';

/** Identification and authentication: lockout, session timeouts, sign-out everywhere, codes, keys, headers. */
describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      seed: 'reference',
      config: { sessionIdleMinutes: 30, sessionAbsoluteHours: 12 },
    });
  });
  afterAll(() => t.close());

  it('locks an account after repeated wrong passwords, even against the right one', async () => {
    const c = t.client();
    const wrong = await c.login('demo-leader', 'wrong-0');
    expect(wrong.status).toBe(401);
    for (let i = 1; i < LOCKOUT.attempts; i++)
      expect((await c.login('demo-leader', `wrong-${i}`)).status).toBe(401);
    // Locked: the right password gets the same answer as a wrong one, so the lock tells a guesser nothing.
    const r = await c.login('demo-leader');
    expect(r.status).toBe(401);
    expect(r.body).toEqual(wrong.body);
    t.clock!.advanceHours((LOCKOUT.minutes * 60_000 + 1000) / 3600_000);
    expect((await c.login('demo-leader')).status).toBe(200);
  });

  it('sets the session cookie httpOnly and SameSite, and ends an idle session', async () => {
    const c = t.client();
    const r = await c.login('demo-supervisor');
    const cookie = String([r.headers['set-cookie']].flat()[0]);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    t.clock!.advanceHours((29 * 60_000) / 3600_000);
    expect((await c.get('/api/auth/me')).status).toBe(200); // activity keeps it alive
    t.clock!.advanceHours((31 * 60_000) / 3600_000);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('ends a busy session at the absolute limit', async () => {
    const c = t.client();
    await c.login('demo-supervisor');
    for (let h = 0; h < 12; h++) {
      t.clock!.advanceHours((20 * 60_000) / 3600_000);
      expect((await c.get('/api/auth/me')).status).toBe(200);
    }
    t.clock!.advanceHours((12 * 3600_000 - 12 * 20 * 60_000 + 60_000) / 3600_000);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('signs out everywhere: a stolen session cookie stops working', async () => {
    const mine = await t.as('demo-official');
    const stolen = await t.as('demo-official'); // the same account, another device
    expect((await stolen.get('/api/auth/me')).status).toBe(200);
    expect((await mine.post('/api/auth/logout', { everywhere: true })).status).toBe(200);
    expect((await stolen.get('/api/auth/me')).status).toBe(401);
    expect((await mine.get('/api/auth/me')).status).toBe(401);
  });

  it('limits one-time codes in rate and in attempts', async () => {
    const c = t.client();
    const phone = '13900001111';
    const sms = t.ctx.sms as RecordingSms;
    const first = await c.post('/api/auth/otp', { phone });
    expect(first.status).toBe(200);
    first.body.devCode = sms.last(phone, 'otp', 'code');
    expect((await c.post('/api/auth/otp', { phone })).status).toBe(429);
    for (let i = 0; i < OTP.maxAttempts; i++) {
      const wrong = String((Number(first.body.devCode) + 1 + i) % 1_000_000).padStart(6, '0');
      expect((await c.post('/api/auth/otp/verify', { phone, code: wrong })).status).toBe(401);
    }
    // The right code no longer helps once the attempts are used up.
    expect((await c.post('/api/auth/otp/verify', { phone, code: first.body.devCode })).status).toBe(429);
    t.clock!.advanceHours((OTP.resendSeconds * 1000 + 1000) / 3600_000);
    const again = await c.post('/api/auth/otp', { phone });
    expect(again.status).toBe(200);
    const code = sms.last(phone, 'otp', 'code');
    expect((await c.post('/api/auth/otp/verify', { phone, code })).status).toBe(200);
  });

  it('stores API keys and passwords hashed only, never in the clear', async () => {
    const admin = await t.as('demo-admin');
    const created = await admin.post('/api/api-keys', { name: 'hotline' });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    const keys = await t.ctx.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(keys)).not.toContain(key);
    expect(JSON.stringify(keys)).not.toContain(HETANG.apiKey);
    const users = await t.ctx.db.selectFrom('users').select('password_hash').execute();
    expect(users.every((u) => !u.password_hash || u.password_hash.startsWith('$argon2id$'))).toBe(true);
    const withKey = t.client();
    expect((await withKey.get('/api/auth/me', { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await admin.request('DELETE', `/api/api-keys/${created.body.id}`)).status).toBe(200);
    expect((await withKey.get('/api/auth/me', { authorization: `Bearer ${key}` })).status).toBe(401);
  });

  it('sends the security headers: CSP without inline scripts, no framing, no sniffing', async () => {
    const r = await t.client().get('/api/health');
    const csp = String(r.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toBe("'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['strict-transport-security']).toBeUndefined(); // plain HTTP: no HSTS
  });
});
