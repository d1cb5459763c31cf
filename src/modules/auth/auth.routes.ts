import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { SESSION_COOKIE } from '../../platform/guards.ts';
import {
  createApiKey,
  listApiKeys,
  login,
  logout,
  requestOtp,
  revokeApiKey,
  verifyOtp,
} from './auth.service.ts';
import { getUser, Role, User } from '../users/index.ts';
import { jurisdictionLevel, JurisdictionLevel } from '../../platform/jurisdictions.ts';
import { notFound } from '../../platform/errors.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';

const tags = ['auth'];

/** Who is signed in: a user, or the name and roles of an API key; and the jurisdiction it works in. */
const Me = z.object({
  user: z.union([
    User,
    z.object({ id: z.null(), username: z.string(), displayName: z.string(), roles: z.array(Role) }),
  ]),
  jurisdiction: JurisdictionLevel.nullable(),
});
/** An API key as the admin sees it (never the secret itself). */
const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

/** Sign-in, sign-out, CSRF token, one-time codes, API keys. */
export async function authRoutes(app: App, ctx: AppContext): Promise<void> {
  const cookieOptions = (secure: boolean) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    maxAge: ctx.config.sessionAbsoluteHours * 3600,
  });
  // Per client address and account name: an office behind one NAT address is not locked out together,
  // and one account cannot be guessed at quickly from one place (lockout covers the rest).
  const signInLimit = {
    max: 20,
    timeWindow: '1 minute',
    hook: 'preHandler' as const,
    keyGenerator: (req: { ip: string; body?: unknown }) => {
      const b = (req.body ?? {}) as { username?: unknown; phone?: unknown };
      return `${req.ip}|${String(b.username ?? b.phone ?? '')}`;
    },
  };

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags,
        body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
      },
      config: { rateLimit: signInLimit },
    },
    async (req, reply) => {
      const s = await login(ctx, req.body.username, req.body.password);
      reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req.protocol === 'https'));
      const user = await getUser(ctx, s.principal.jurisdictionId, s.principal.userId!, s.principal);
      return {
        user,
        jurisdiction: jurisdictionLevel(ctx, s.principal.jurisdictionId),
        csrfToken: s.csrfToken,
      };
    },
  );

  app.post(
    '/api/auth/otp',
    { schema: { tags, body: z.object({ phone: z.string().max(20) }) }, config: { rateLimit: signInLimit } },
    async (req) => {
      const r = await requestOtp(ctx, req.jurisdictionId, req.body.phone, req.ip);
      return { sent: true, ...r };
    },
  );

  app.post(
    '/api/auth/otp/verify',
    {
      schema: {
        tags,
        body: z.object({ phone: z.string().max(20), code: z.string().regex(/^\d{6}$/, 'code: six digits') }),
      },
      config: { rateLimit: signInLimit },
    },
    async (req, reply) => {
      const s = await verifyOtp(ctx, req.jurisdictionId, req.body.phone, req.body.code);
      reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req.protocol === 'https'));
      const user = await getUser(ctx, s.principal.jurisdictionId, s.principal.userId!, s.principal);
      return {
        user,
        jurisdiction: jurisdictionLevel(ctx, s.principal.jurisdictionId),
        csrfToken: s.csrfToken,
      };
    },
  );

  app.get('/api/auth/me', { schema: { tags, response: { 200: Me } } }, async (req) => {
    const p = requireAuth(req);
    // The jurisdiction names the console and decides which pages it offers (a city reads its districts).
    const jurisdiction = jurisdictionLevel(ctx, p.jurisdictionId);
    if (!p.userId)
      return {
        user: { id: null, username: p.username, displayName: p.displayName, roles: p.roles },
        jurisdiction,
      };
    return { user: await getUser(ctx, p.jurisdictionId, p.userId, p, true), jurisdiction };
  });

  app.get('/api/auth/csrf', { schema: { tags } }, async (req) => {
    const p = requireAuth(req);
    return { token: p.csrfToken ?? null };
  });

  app.post(
    '/api/auth/logout',
    { schema: { tags, body: z.object({ everywhere: z.boolean().default(false) }).optional() } },
    async (req, reply) => {
      if (req.principal) await logout(ctx, req.principal, req.body?.everywhere ?? false);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );

  app.get('/api/api-keys', { schema: { tags, response: { 200: listOf(ApiKey) } } }, async (req) => {
    const p = requireRole(req, 'admin');
    return listAnswer(await listApiKeys(ctx, p.jurisdictionId));
  });
  app.post(
    '/api/api-keys',
    { schema: { tags, body: z.object({ name: z.string().min(1).max(80) }) } },
    async (req, reply) => {
      const p = requireRole(req, 'admin');
      reply.status(201);
      return createApiKey(ctx, p.jurisdictionId, req.body.name, p.userId);
    },
  );
  app.delete(
    '/api/api-keys/:id',
    { schema: { tags, params: z.object({ id: z.string().max(60) }) } },
    async (req) => {
      const p = requireRole(req, 'admin');
      if (!(await revokeApiKey(ctx, p.jurisdictionId, req.params.id, p.userId))) throw notFound('api key');
      return { revoked: true };
    },
  );
}
