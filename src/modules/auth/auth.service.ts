import crypto from 'node:crypto';
import argon2 from 'argon2';
import { randomToken, sha256Hex, uuidv7 } from '../../kernel/ids.ts';
import { isMobile } from '../../kernel/identifiers.ts';
import type { Principal, Role } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, unauthorized } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { usersRepository, type UserRow } from '../users/users.repository.ts';
import { authRepository } from './auth.repository.ts';

/** Failed sign-ins before the account is locked, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 };
/** One-time codes: valid for 5 minutes, 5 tries, one new code a minute per phone. */
export const OTP = { ttlMinutes: 5, maxAttempts: 5, resendSeconds: 60 };

// A fixed hash to verify against when the user does not exist, so timing does not reveal user names.
let dummyHash: Promise<string> | null = null;

/** Builds the principal of a user row. */
export async function principalOf(ctx: AppContext, row: UserRow, via: Principal['via']): Promise<Principal> {
  const ref = await ctx.reference.get(row.jurisdiction_id);
  return {
    jurisdictionId: row.jurisdiction_id,
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    unitId: row.unit_id,
    unitIds: row.unit_id ? ref.unitSubtree(row.unit_id) : [],
    scope: { kind: row.scope_kind as Principal['scope']['kind'], ref: row.scope_ref },
    via,
  };
}

async function openSession(ctx: AppContext, row: UserRow) {
  const token = randomToken(32);
  const now = ctx.clock.now();
  const session = {
    jurisdiction_id: row.jurisdiction_id,
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

/** Password sign-in with lockout after repeated failures. */
export async function login(ctx: AppContext, username: string, password: string) {
  const row = await usersRepository.findByUsername(ctx.db, username);
  const now = ctx.clock.now();
  if (!row || !row.password_hash || row.active !== 1) {
    dummyHash ??= argon2.hash('not-a-real-password', {
      type: argon2.argon2id,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    await argon2.verify(await dummyHash, password).catch(() => false);
    throw unauthorized('用户名或密码错误 / wrong user name or password');
  }
  if (row.locked_until && row.locked_until > now.toISOString()) {
    throw new AppError(
      423,
      'locked',
      `账号已锁定，请于 ${LOCKOUT.minutes} 分钟后重试 / account locked after repeated failures until ${row.locked_until}`,
    );
  }
  const ok = await argon2.verify(row.password_hash, password).catch(() => false);
  if (!ok) {
    const failed = row.failed_logins + 1;
    const locked =
      failed >= LOCKOUT.attempts ? new Date(now.getTime() + LOCKOUT.minutes * 60_000).toISOString() : null;
    await usersRepository.update(ctx.db, row.jurisdiction_id, row.id, {
      failed_logins: locked ? 0 : failed,
      locked_until: locked,
    });
    throw unauthorized('用户名或密码错误 / wrong user name or password');
  }
  if (row.failed_logins || row.locked_until) {
    await usersRepository.update(ctx.db, row.jurisdiction_id, row.id, {
      failed_logins: 0,
      locked_until: null,
    });
  }
  const s = await openSession(ctx, row);
  return { ...s, principal: await principalOf(ctx, row, 'session') };
}

/**
 * Sessions resolved in the last two seconds, by session id: a page makes several requests at once and a
 * busy client many per second; each would otherwise read the session and the user. Sign-out removes the
 * entry at once in this process; other processes see it within the two seconds.
 */
const sessionCache = new Map<string, { at: number; principal: Principal }>();
const SESSION_CACHE_MS = 2000;

/** The principal kept under `key` if it was resolved less than two seconds ago (and not in the future). */
function keptPrincipal(
  cache: Map<string, { at: number; principal: Principal }>,
  key: string,
  now: number,
): Principal | undefined {
  const hit = cache.get(key);
  return hit && now - hit.at < SESSION_CACHE_MS && now >= hit.at ? hit.principal : undefined;
}

/** Keeps a resolved principal, dropping the oldest entry beyond `max`. */
function keepPrincipal(
  cache: Map<string, { at: number; principal: Principal }>,
  key: string,
  now: number,
  principal: Principal,
  max: number,
): void {
  cache.set(key, { at: now, principal });
  if (cache.size > max) cache.delete(cache.keys().next().value!);
}

/** Resolves a session cookie to a principal, enforcing idle and absolute timeouts. */
export async function principalFromSession(ctx: AppContext, token: string): Promise<Principal | null> {
  const id = sha256Hex(token);
  const now = ctx.clock.now();
  const hit = keptPrincipal(sessionCache, id, now.getTime());
  if (hit?.jurisdictionId) return hit;
  const s = await authRepository.findSession(ctx.db, id);
  if (!s) {
    sessionCache.delete(id);
    return null;
  }
  const idleLimit = new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString();
  if (s.expires_at < now.toISOString() || s.last_seen_at < idleLimit) {
    sessionCache.delete(id);
    await authRepository.deleteSession(ctx.db, id);
    return null;
  }
  const row = await usersRepository.findById(ctx.db, s.jurisdiction_id, s.user_id);
  if (!row || row.active !== 1) return null;
  // Touch at most once a minute: sessions stay alive without a write on every request.
  if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) {
    await authRepository.touchSession(ctx.db, s.jurisdiction_id, id, now.toISOString());
  }
  const principal: Principal = {
    ...(await principalOf(ctx, row, 'session')),
    sessionId: id,
    csrfToken: s.csrf_token,
  };
  keepPrincipal(sessionCache, id, now.getTime(), principal, 10_000);
  return principal;
}

/**
 * API keys resolved in the last moments, by hash, like sessions: an integration sends many requests a second
 * and each would otherwise read its key (and its user) again. Revoking a key here forgets them all; a key
 * revoked by another process stops working within the same two seconds.
 */
const apiKeyCache = new Map<string, { at: number; principal: Principal }>();

/** Resolves an API key to a principal acting as an integration (an Open311 client, the hotline). */
export async function principalFromApiKey(ctx: AppContext, key: string): Promise<Principal | null> {
  const hash = sha256Hex(key);
  const now = ctx.clock.now().getTime();
  const hit = keptPrincipal(apiKeyCache, hash, now);
  if (hit) return hit;
  const principal = await readApiKey(ctx, hash);
  if (!principal) {
    apiKeyCache.delete(hash);
    return null;
  }
  keepPrincipal(apiKeyCache, hash, now, principal, 1_000);
  return principal;
}

async function readApiKey(ctx: AppContext, hash: string): Promise<Principal | null> {
  const row = await authRepository.findApiKey(ctx.db, hash);
  if (!row || row.revoked_at) return null;
  if (row.user_id) {
    const user = await usersRepository.findById(ctx.db, row.jurisdiction_id, row.user_id);
    if (user && user.active === 1) return { ...(await principalOf(ctx, user, 'api_key')), apiKeyId: row.id };
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
    for (const [id, e] of sessionCache) if (e.principal.userId === p.userId) sessionCache.delete(id);
  } else if (p.sessionId) {
    await authRepository.deleteSession(ctx.db, p.sessionId);
    sessionCache.delete(p.sessionId);
  }
}

/** Forgets cached sessions of a user (after a change of roles, scope, password or activity). */
export function forgetUserSessions(userId: string): void {
  for (const [id, e] of sessionCache) if (e.principal.userId === userId) sessionCache.delete(id);
  for (const [hash, e] of apiKeyCache) if (e.principal.userId === userId) apiKeyCache.delete(hash);
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
  apiKeyCache.clear();
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

/** Sends a one-time code by SMS (the console provider logs it). */
export async function requestOtp(
  ctx: AppContext,
  jurisdictionId: string,
  phone: string,
): Promise<{ devCode?: string }> {
  if (!isMobile(phone))
    throw badRequest('phone: 请输入11位手机号 / an 11-digit mobile number', [
      { path: 'phone', message: '手机号格式不正确' },
    ]);
  const now = ctx.clock.now();
  const existing = await authRepository.findOtp(ctx.db, jurisdictionId, phone);
  if (existing && now.getTime() - Date.parse(existing.created_at) < OTP.resendSeconds * 1000) {
    throw new AppError(
      429,
      'too_many_requests',
      `请 ${OTP.resendSeconds} 秒后再获取验证码 / wait before asking for another code`,
    );
  }
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  await authRepository.upsertOtp(
    ctx.db,
    jurisdictionId,
    phone,
    sha256Hex(`${phone}:${code}`),
    new Date(now.getTime() + OTP.ttlMinutes * 60_000).toISOString(),
    now.toISOString(),
  );
  if (ctx.config.smsProvider === 'console')
    ctx.log.info({ otpFor: phone.slice(0, 3) + '****' + phone.slice(7) }, `one-time code ${code}`);
  return ctx.config.exposeDevCodes ? { devCode: code } : {};
}

/** Checks a one-time code and signs the resident in, creating the account on first use. */
export async function verifyOtp(ctx: AppContext, jurisdictionId: string, phone: string, code: string) {
  const otp = await authRepository.findOtp(ctx.db, jurisdictionId, phone);
  const now = ctx.clock.now();
  if (!otp || otp.expires_at < now.toISOString())
    throw unauthorized('验证码已失效，请重新获取 / the code has expired');
  if (otp.attempts >= OTP.maxAttempts)
    throw new AppError(429, 'too_many_requests', '尝试次数过多，请重新获取验证码 / too many attempts');
  if (otp.code_hash !== sha256Hex(`${phone}:${code}`)) {
    await authRepository.bumpOtpAttempts(ctx.db, jurisdictionId, phone);
    throw unauthorized('验证码错误 / wrong code');
  }
  await authRepository.deleteOtp(ctx.db, jurisdictionId, phone);
  let row = await usersRepository.findByPhone(ctx.db, jurisdictionId, phone);
  if (!row) {
    row = {
      jurisdiction_id: jurisdictionId,
      id: uuidv7(),
      username: `m${phone}`,
      display_name: `居民${phone.slice(-4)}`,
      password_hash: null,
      phone,
      id_number_enc: null,
      id_number_hash: null,
      unit_id: null,
      roles: JSON.stringify(['resident']),
      scope_kind: 'own',
      scope_ref: null,
      active: 1,
      failed_logins: 0,
      locked_until: null,
      created_at: now.toISOString(),
      version: 1,
    };
    await usersRepository.insert(ctx.db, row);
  }
  const s = await openSession(ctx, row);
  return { ...s, principal: await principalOf(ctx, row, 'session') };
}
