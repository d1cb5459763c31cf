import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { principalFromApiKey, principalFromSession } from '../modules/auth/index.ts';
import { idempotencyRepository } from '../platform/idempotency.repository.ts';
import { getProblem } from '../modules/problems/index.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, badRequest, forbidden, notFound, unauthorized } from '../platform/errors.ts';
import type { App } from '../platform/types.ts';
import { langOf } from '../kernel/apiText.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** After this long a reservation without a commit belongs to a request that died. */
const STALE_RESERVATION_MS = 30_000;
/** Writes that need no CSRF token: they create the session, or carry no cookie credentials. */
// The jobs reconfirmation link is opened from an SMS without signing in: its one-time token is the credential.
// Payment callbacks come from the channel, signed by it, without a session: the payments module checks them.
const CSRF_EXEMPT = new Set([
  '/api/auth/login',
  '/api/auth/otp',
  '/api/auth/otp/verify',
  '/api/jobs/postings/reconfirm',
  '/api/payments/callbacks/:channel',
]);

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7).trim();
  return undefined;
}

/** Picks the jurisdiction: the caller's, an explicit one, or the installation's only one. */
function resolveJurisdiction(ctx: AppContext, req: FastifyRequest): string {
  if (req.principal) return req.principal.jurisdictionId;
  const header = req.headers['x-jurisdiction'];
  const explicit = typeof header === 'string' ? header : undefined;
  if (explicit) {
    const j = ctx.jurisdictions.find((x) => x.id === explicit || x.open311Id === explicit);
    if (!j) throw notFound(`jurisdiction ${explicit}`);
    return j.id;
  }
  return ctx.jurisdictions[0]?.id ?? '';
}

/** Resolves the caller, checks CSRF on cookie-authenticated writes, and applies Idempotency-Key. */
export function authHooks(app: App, ctx: AppContext): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('jurisdictionId', '');

  app.addHook('onRequest', async (req) => {
    const key = bearer(req);
    if (key) {
      req.principal = await principalFromApiKey(ctx, key);
      if (!req.principal) throw unauthorized('API 密钥无效或已吊销 / invalid or revoked API key');
    } else {
      const token = req.cookies.qd_session;
      if (token) req.principal = await principalFromSession(ctx, token);
      if (req.principal && !SAFE.has(req.method) && !CSRF_EXEMPT.has(req.routeOptions.url ?? '')) {
        const sent = req.headers['x-csrf-token'];
        const expected = req.principal.csrfToken ?? '';
        const ok =
          typeof sent === 'string' &&
          sent.length === expected.length &&
          crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
        if (!ok)
          throw forbidden(
            'CSRF 校验失败：请携带 x-csrf-token / missing or wrong x-csrf-token (GET /api/auth/csrf)',
          );
      }
    }
    // A copy per request: the principal itself is kept across a session's requests.
    const lang = langOf(req.headers['accept-language']);
    if (req.principal && lang) req.principal = { ...req.principal, lang };
    req.jurisdictionId = resolveJurisdiction(ctx, req);
    // Anonymous writes to the API are refused before their bodies are even validated.
    if (
      !req.principal &&
      !SAFE.has(req.method) &&
      req.url.startsWith('/api/') &&
      !CSRF_EXEMPT.has(req.routeOptions.url ?? '')
    ) {
      throw unauthorized();
    }
  });

  // Idempotency-Key: the first request with a key runs and its answer is kept; a repeat gets the same
  // answer without running again. A key reused for a different request is refused.
  app.addHook('preHandler', async (req, reply) => {
    if (SAFE.has(req.method)) return;
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return;
    if (key.length > 200) throw badRequest('Idempotency-Key: at most 200 characters');
    const principal = req.principal?.userId ?? req.principal?.apiKeyId ?? `anon:${req.ip}`;
    const requestHash = crypto
      .createHash('sha256')
      .update(`${req.method} ${req.url} `)
      .update(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? null))
      .digest('hex');
    // The key's own writes go through the group commit too: durable, without a sync of their own.
    const reserved = await ctx.database.write((trx) =>
      idempotencyRepository.reserve(
        trx,
        req.jurisdictionId,
        principal,
        key,
        requestHash,
        ctx.clock.now().toISOString(),
      ),
    );
    if (reserved) {
      req.idempotency = { principal, key };
      return;
    }
    const prior = await idempotencyRepository.find(ctx.db, req.jurisdictionId, principal, key);
    if (!prior) throw new AppError(409, 'conflict', 'Idempotency-Key: try again');
    if (prior.request_hash !== requestHash) {
      throw new AppError(
        422,
        'idempotency_mismatch',
        'Idempotency-Key was already used for a different request',
      );
    }
    if (prior.status_code === 0) {
      // A reservation left by a request that died before it committed (nothing was written: a commit
      // records itself in the same transaction) is taken over after a while.
      const now = ctx.clock.now();
      const stale = new Date(now.getTime() - STALE_RESERVATION_MS).toISOString();
      if (
        await ctx.database.write((trx) =>
          idempotencyRepository.takeOver(trx, req.jurisdictionId, principal, key, stale, now.toISOString()),
        )
      ) {
        req.idempotency = { principal, key };
        return;
      }
      throw new AppError(409, 'in_progress', 'a request with this Idempotency-Key is still being processed');
    }
    // The stored answer keeps its content type (an Open311 client may have asked for XML).
    let stored: { type: string; body: string; ref?: { problemId: string } };
    try {
      stored = JSON.parse(prior.response) as typeof stored;
    } catch {
      stored = { type: 'application/json; charset=utf-8', body: prior.response };
    }
    if (stored.ref && req.principal) {
      // The write committed but its answer was never stored (the process stopped in between): the
      // answer is made again from what was written.
      stored = {
        type: 'application/json; charset=utf-8',
        body: JSON.stringify(await getProblem(ctx, req.principal, stored.ref.problemId, true)),
      };
    }
    reply.header('idempotent-replayed', 'true');
    reply.status(prior.status_code).type(stored.type);
    return reply.send(stored.body);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const idem = req.idempotency;
    if (!idem) return payload;
    req.idempotency = undefined;
    if (reply.statusCode >= 500 || reply.statusCode === 401 || reply.statusCode === 429) {
      await ctx.database.write((trx) =>
        idempotencyRepository.release(trx, req.jurisdictionId, idem.principal, idem.key),
      );
    } else {
      const response = JSON.stringify({
        type: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        body: typeof payload === 'string' ? payload : '',
      });
      await ctx.database.write((trx) =>
        idempotencyRepository.complete(
          trx,
          req.jurisdictionId,
          idem.principal,
          idem.key,
          reply.statusCode,
          response,
        ),
      );
    }
    return payload;
  });
}
