import crypto from 'node:crypto';
import argon2 from 'argon2';
import { randomToken, sha256Hex, uuidv7 } from '../../kernel/ids.ts';
import { isMobile } from '../../kernel/identifiers.ts';
import type { Principal, Role } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, unauthorized } from '../../platform/errors.ts';
import { jurisdictionSettings } from '../../platform/jurisdictions.ts';
import { recordAudit } from '../audit/index.ts';
import {
  accountById,
  accountByPhone,
  accountByUsername,
  clearLoginFailures,
  createResidentAccount,
  lockAccount as lockUntil,
  takeLoginAttempt,
  type Account,
} from '../users/index.ts';
import { authRepository } from './auth.repository.ts';

/** Failed sign-ins before the account is locked, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 };
/** One-time codes: valid for 5 minutes, 5 tries, one a minute and five an hour per phone, ten per address in 10 minutes. */
export const OTP = {
  ttlMinutes: 5,
  maxAttempts: 5,
  resendSeconds: 60,
  perPhonePerHour: 5,
  perAddressPer10Minutes: 10,
};

// A fixed hash to verify against when the user does not exist, so timing does not reveal user names.
let dummyHash: Promise<string> | null = null;

/** Builds the principal of an account. */
export async function principalOf(ctx: AppContext, a: Account, via: Principal['via']): Promise<Principal> {
  const ref = await ctx.reference.get(a.jurisdictionId);
  return {
    jurisdictionId: a.jurisdictionId,
    userId: a.id,
    username: a.username,
    displayName: a.displayName,
    roles: a.roles,
    unitId: a.unitId,
    unitIds: a.unitId ? ref.unitSubtree(a.unitId) : [],
    scope: a.scope,
    via,
  };
}

/** The principal of a user of a jurisdiction signing in now (the demo seed acts as its people). */
export async function principalOfUser(
  ctx: AppContext,
  jurisdictionId: string,
  userId: string,
  via: Principal['via'],
): Promise<Principal | null> {
  const a = await accountById(ctx.db, jurisdictionId, userId);
  return a ? principalOf(ctx, a, via) : null;
}

async function openSession(ctx: AppContext, row: Account) {
  const token = randomToken(32);
  const now = ctx.clock.now();
  const session = {
    jurisdiction_id: row.jurisdictionId,
    id: sha256Hex(token),
    user_id: row.id,
    csrf_token: randomToken(24),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.config.sessionAbsoluteHours * 3600_000).toISOString(),
  };
  await authRepository.insertSession(ctx.db, session);
  return { token, csrfToken: session.csrf_token };
}

/** The one answer to every refused sign-in: wrong password, unknown name, disabled or locked account. */
const refused = () => unauthorized('用户名或密码错误 / wrong user name or password');

/** Spends the time of a real password check, so a refusal takes as long whatever its reason. */
async function spendVerifyTime(password: string): Promise<void> {
  dummyHash ??= argon2.hash('not-a-real-password', {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  await argon2.verify(await dummyHash, password).catch(() => false);
}

/**
 * Password sign-in with a lockout that holds under concurrency: each attempt takes a number from the
 * account's counter in one statement before the password is checked, so at most `LOCKOUT.attempts`
 * passwords are ever checked per lock window however many arrive at once. A locked account answers like a
 * wrong password; its owner hears of the lock by SMS and in the audit log.
 */
export async function login(ctx: AppContext, username: string, password: string) {
  const row = await accountByUsername(ctx.db, username);
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  if (!row || !row.passwordHash || !row.active) {
    await spendVerifyTime(password);
    throw refused();
  }
  const take = await takeLoginAttempt(ctx.db, row, nowIso);
  const until = new Date(now.getTime() + LOCKOUT.minutes * 60_000).toISOString();
  if (!take || (take.lockedUntil !== null && take.lockedUntil > nowIso) || take.attempt > LOCKOUT.attempts) {
    // Past the limit without a lock (a process stopped between counting and locking): lock now, so the
    // account is refused for one window and then starts again, never for ever.
    if (take && take.lockedUntil === null) await lockAccount(ctx, row, nowIso, until);
    await spendVerifyTime(password);
    throw refused();
  }
  const ok = await argon2.verify(row.passwordHash, password).catch(() => false);
  if (!ok) {
    if (take.attempt >= LOCKOUT.attempts) await lockAccount(ctx, row, nowIso, until);
    throw refused();
  }
  if (take.attempt > 1 || row.lockedUntil) await clearLoginFailures(ctx.db, row);
  const s = await openSession(ctx, row);
  return { ...s, principal: await principalOf(ctx, row, 'session') };
}

/** Locks an account for one window; the call that locks it tells the owner and the audit log. */
async function lockAccount(ctx: AppContext, row: Account, nowIso: string, until: string): Promise<void> {
  const locked = await ctx.db.transaction().execute(async (trx) => {
    if (!(await lockUntil(trx, row, nowIso, until))) return false;
    await recordAudit(ctx, trx, row.jurisdictionId, {
      kind: 'auth.locked',
      refId: row.id,
      actorUserId: null,
      summary: `账号 ${row.username} 因连续 ${LOCKOUT.attempts} 次密码错误锁定至 ${until}`,
      data: { until },
    });
    return true;
  });
  if (locked && row.phone) {
    await ctx.sms
      .send({
        to: row.phone,
        template: 'account_locked',
        params: { username: row.username, minutes: String(LOCKOUT.minutes) },
        jurisdictionId: row.jurisdictionId,
      })
      .catch((err: unknown) => ctx.log.warn({ err, userId: row.id }, 'lock notice not sent'));
  }
}

/**
 * Sessions resolved in the last two seconds, by session id: a page makes several requests at once and a
 * busy client many per second; each would otherwise read the session and the user. Sign-out removes the
 * entry at once in this process; other processes see it within the two seconds.
 */
const sessionsOf = (ctx: AppContext) => ctx.cache.recent<Principal>('auth.sessions', 2000, 10_000);

/**
 * API keys resolved in the last two seconds, by hash, like sessions: an integration sends many requests a
 * second and each would otherwise read its key (and its user) again. Revoking a key here forgets them all;
 * a key revoked by another process stops working within the same two seconds.
 */
const apiKeysOf = (ctx: AppContext) => ctx.cache.recent<Principal>('auth.apiKeys', 2000, 1_000);

/** Resolves a session cookie to a principal, enforcing idle and absolute timeouts. */
export async function principalFromSession(ctx: AppContext, token: string): Promise<Principal | null> {
  const id = sha256Hex(token);
  const now = ctx.clock.now();
  const sessions = sessionsOf(ctx);
  const hit = sessions.get(id, now.getTime());
  if (hit?.jurisdictionId) return hit;
  const s = await authRepository.findSession(ctx.db, id);
  if (!s) {
    sessions.delete(id);
    return null;
  }
  const idleLimit = new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString();
  if (s.expires_at < now.toISOString() || s.last_seen_at < idleLimit) {
    sessions.delete(id);
    await authRepository.deleteSession(ctx.db, id);
    return null;
  }
  const row = await accountById(ctx.db, s.jurisdiction_id, s.user_id);
  if (!row || !row.active) return null;
  // Touch at most once a minute: sessions stay alive without a write on every request.
  if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) {
    await authRepository.touchSession(ctx.db, s.jurisdiction_id, id, now.toISOString());
  }
  const principal: Principal = {
    ...(await principalOf(ctx, row, 'session')),
    sessionId: id,
    csrfToken: s.csrf_token,
  };
  sessions.set(id, now.getTime(), principal);
  return principal;
}

/** Resolves an API key to a principal acting as an integration (an Open311 client, the hotline). */
export async function principalFromApiKey(ctx: AppContext, key: string): Promise<Principal | null> {
  const hash = sha256Hex(key);
  const now = ctx.clock.now().getTime();
  const apiKeys = apiKeysOf(ctx);
  const hit = apiKeys.get(hash, now);
  if (hit) return hit;
  const principal = await readApiKey(ctx, hash);
  if (!principal) {
    apiKeys.delete(hash);
    return null;
  }
  apiKeys.set(hash, now, principal);
  return principal;
}

async function readApiKey(ctx: AppContext, hash: string): Promise<Principal | null> {
  const row = await authRepository.findApiKey(ctx.db, hash);
  if (!row || row.revoked_at) return null;
  if (row.user_id) {
    const user = await accountById(ctx.db, row.jurisdiction_id, row.user_id);
    if (user && user.active) return { ...(await principalOf(ctx, user, 'api_key')), apiKeyId: row.id };
  }
  return {
    jurisdictionId: row.jurisdiction_id,
    userId: null,
    username: `apikey:${row.prefix}`,
    displayName: row.name,
    roles: [],
    unitId: null,
    unitIds: [],
    scope: { kind: 'own', ref: null },
    via: 'api_key',
    apiKeyId: row.id,
  };
}

/** Signs out one session, or every session of the user. */
export async function logout(ctx: AppContext, p: Principal, everywhere: boolean): Promise<void> {
  if (everywhere && p.userId) {
    await authRepository.deleteUserSessions(ctx.db, p.jurisdictionId, p.userId);
    sessionsOf(ctx).deleteWhere((principal) => principal.userId === p.userId);
  } else if (p.sessionId) {
    await authRepository.deleteSession(ctx.db, p.sessionId);
    sessionsOf(ctx).delete(p.sessionId);
  }
}

/** Forgets cached sessions of a user (after a change of roles, scope, password or activity). */
export function forgetUserSessions(ctx: AppContext, userId: string): void {
  sessionsOf(ctx).deleteWhere((p) => p.userId === userId);
  apiKeysOf(ctx).deleteWhere((p) => p.userId === userId);
}

/** Creates an API key; the key itself is shown once and stored only as a hash. */
export async function createApiKey(
  ctx: AppContext,
  jurisdictionId: string,
  name: string,
  actorUserId: string | null,
  fixedKey?: string,
): Promise<{ id: string; key: string; prefix: string }> {
  const key = fixedKey ?? `qd_${randomToken(24)}`;
  const id = uuidv7();
  const prefix = key.slice(0, 8);
  await ctx.db.transaction().execute(async (trx) => {
    await authRepository.insertApiKey(trx, {
      jurisdiction_id: jurisdictionId,
      id,
      name,
      key_hash: sha256Hex(key),
      prefix,
      user_id: null,
      created_at: ctx.clock.now().toISOString(),
      revoked_at: null,
      last_used_at: null,
    });
    await recordAudit(ctx, trx, jurisdictionId, {
      kind: 'apikey.create',
      refId: id,
      actorUserId,
      summary: `创建 API 密钥 ${name}`,
      data: { name, prefix },
    });
  });
  return { id, key, prefix };
}

/** Revokes an API key by id or prefix. */
export async function revokeApiKey(
  ctx: AppContext,
  jurisdictionId: string,
  idOrPrefix: string,
  actorUserId: string | null,
): Promise<boolean> {
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    const r = await authRepository.revokeApiKey(
      trx,
      jurisdictionId,
      idOrPrefix,
      ctx.clock.now().toISOString(),
    );
    const done = Number(r.numUpdatedRows) > 0;
    if (done)
      await recordAudit(ctx, trx, jurisdictionId, {
        kind: 'apikey.revoke',
        refId: idOrPrefix,
        actorUserId,
        summary: `吊销 API 密钥 ${idOrPrefix}`,
        data: {},
      });
    return done;
  });
  // After the commit: a request resolving the key in between would otherwise keep it a little longer.
  apiKeysOf(ctx).clear();
  return revoked;
}

/** Lists API keys (never the keys themselves). */
export async function listApiKeys(ctx: AppContext, jurisdictionId: string) {
  const rows = await authRepository.listApiKeys(ctx.db, jurisdictionId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * Sends a one-time code through the SMS adapter, and only there. Limits, each counted atomically in the
 * database: one code a minute per phone, `OTP.perPhonePerHour` per phone, `OTP.perAddressPer10Minutes` per
 * client address. The answer carries the code only for the demo's own seeded phones in a jurisdiction the
 * demo seeded (`demoCodePhones`), so a demo can be tried without a phone.
 */
export async function requestOtp(
  ctx: AppContext,
  jurisdictionId: string,
  phone: string,
  clientAddress: string,
): Promise<{ demoCode?: string }> {
  if (!isMobile(phone))
    throw badRequest('phone: 请输入11位手机号 / an 11-digit mobile number', [
      { path: 'phone', message: '手机号格式不正确' },
    ]);
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const tooMany = () =>
    new AppError(
      429,
      'too_many_requests',
      '验证码请求过于频繁，请稍后再试 / too many code requests, try later',
    );
  const windowEnd = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  await authRepository.pruneGuards(ctx.db, nowIso);
  const byAddress = await authRepository.countGuard(
    ctx.db,
    jurisdictionId,
    `otp:address:${clientAddress}`,
    nowIso,
    windowEnd(10),
  );
  if (byAddress > OTP.perAddressPer10Minutes) throw tooMany();
  const byPhone = await authRepository.countGuard(
    ctx.db,
    jurisdictionId,
    `otp:phone:${phone}`,
    nowIso,
    windowEnd(60),
  );
  if (byPhone > OTP.perPhonePerHour) throw tooMany();
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const stored = await authRepository.putOtpUnlessRecent(
    ctx.db,
    jurisdictionId,
    phone,
    sha256Hex(`${phone}:${code}`),
    new Date(now.getTime() + OTP.ttlMinutes * 60_000).toISOString(),
    nowIso,
    new Date(now.getTime() - OTP.resendSeconds * 1000).toISOString(),
  );
  if (!stored)
    throw new AppError(
      429,
      'too_many_requests',
      `请 ${OTP.resendSeconds} 秒后再获取验证码 / wait before asking for another code`,
    );
  try {
    await ctx.sms.send({
      to: phone,
      template: 'otp',
      params: { code, minutes: String(OTP.ttlMinutes) },
      jurisdictionId,
    });
  } catch (err) {
    ctx.log.warn({ err }, 'one-time code not sent');
    await authRepository.consumeOtp(ctx.db, jurisdictionId, phone, sha256Hex(`${phone}:${code}`));
    throw new AppError(
      503,
      'sms_unavailable',
      '短信发送失败，请稍后再试 / the text message could not be sent',
    );
  }
  const { demoCodePhones } = await jurisdictionSettings(ctx.db, jurisdictionId);
  return demoCodePhones.includes(phone) ? { demoCode: code } : {};
}

/** Roles whose accounts may sign in by a one-time code: the public, never staff. */
export const CODE_SIGN_IN_ROLES: readonly Role[] = ['resident', 'enterprise'];

/**
 * Checks a one-time code and signs in the resident or enterprise account of that phone, creating a
 * resident account on first use. Staff accounts never open by a code: a staff member's phone gets a
 * separate resident account. Each try is counted atomically and a code opens one session, once.
 */
export async function verifyOtp(ctx: AppContext, jurisdictionId: string, phone: string, code: string) {
  const now = ctx.clock.now();
  const take = await authRepository.takeOtpAttempt(ctx.db, jurisdictionId, phone);
  if (!take || take.expiresAt < now.toISOString())
    throw unauthorized('验证码已失效，请重新获取 / the code has expired');
  if (take.attempt > OTP.maxAttempts)
    throw new AppError(429, 'too_many_requests', '尝试次数过多，请重新获取验证码 / too many attempts');
  if (take.codeHash !== sha256Hex(`${phone}:${code}`)) throw unauthorized('验证码错误 / wrong code');
  if (!(await authRepository.consumeOtp(ctx.db, jurisdictionId, phone, take.codeHash)))
    throw unauthorized('验证码已失效，请重新获取 / the code has expired');
  const row =
    (await accountByPhone(ctx.db, jurisdictionId, phone, CODE_SIGN_IN_ROLES)) ??
    (await createResidentAccount(ctx, jurisdictionId, phone));
  if (!row.active) throw unauthorized('账号已停用 / the account is disabled');
  const s = await openSession(ctx, row);
  return { ...s, principal: await principalOf(ctx, row, 'session') };
}
