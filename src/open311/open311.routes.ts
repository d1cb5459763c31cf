import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import qs from 'qs';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { acceptsGzip, COMPRESS_MIN_BYTES } from '../platform/sendAnswer.ts';
import type { App } from '../platform/types.ts';
import { principalFromApiKey } from '../modules/auth/index.ts';
import {
  CONTENT_TYPES,
  formatOfUrl,
  payloadOf,
  splitFormat,
  type Document,
  type Format,
  Rendered,
} from './open311.format.ts';
import { Open311Error, resolveJurisdiction, type Params } from './open311.calls.ts';
import { createRequest, tokenLookup } from './open311.create.ts';
import { getRequest, listRequests } from './open311.requests.ts';
import { discovery, serviceDefinition, services } from './open311.services.ts';
import { listUpdates, postUpdate } from './open311.updates.ts';

/** Where GeoReport v2 is mounted. */
export const OPEN311_PREFIX = '/open311/v2';
const QS_OPTIONS = { depth: 3, arrayLimit: 100, parameterLimit: 500, charset: 'utf-8' } as const;
const tags = ['open311'];

/** Anonymous GETs per client and minute (QINGDAN_OPEN311_RATE_LIMIT overrides). */
function anonymousLimit(): number {
  const n = Number(process.env.QINGDAN_OPEN311_RATE_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : 120;
}

/** The query string and the form body of a request, parsed alike (`attribute[code][]=…`). */
function paramsOf(req: FastifyRequest): Params {
  const query = qs.parse(req.url.split('?')[1] ?? '', QS_OPTIONS) as Params;
  const body =
    req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Params) : {};
  return { ...query, ...body };
}

function send(reply: FastifyReply, format: Format, doc: Document | Rendered, status = 200) {
  return reply.status(status).header('content-type', CONTENT_TYPES[format]).send(payloadOf(doc, format));
}

/**
 * Sends a read's answer: a kept (rendered) answer goes out gzip-compressed, made once and kept with it, to
 * clients that accept it (a default listing is hundreds of kilobytes); anything else as `send` does.
 */
async function sendRead(req: FastifyRequest, reply: FastifyReply, format: Format, doc: Document | Rendered) {
  if (!(doc instanceof Rendered)) return send(reply, format, doc);
  reply.header('vary', 'accept-encoding');
  if (doc[format].length >= COMPRESS_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    const gz = await doc.gzip(format);
    return reply.header('content-type', CONTENT_TYPES[format]).header('content-encoding', 'gzip').send(gz);
  }
  return send(reply, format, doc);
}

function sendError(reply: FastifyReply, format: Format, e: Open311Error) {
  return send(
    reply,
    format,
    { root: 'errors', body: e.errors.map((x) => ({ code: x.code, description: x.description })) },
    e.statusCode,
  );
}

/**
 * Any failure as the spec's `errors` document: 403 for keys, 404 for what does not exist, 400 for other
 * faults of the request, 503 when the database cannot serve, 500 for a fault of ours.
 */
function toOpen311Error(error: unknown, req: FastifyRequest, ctx: AppContext): Open311Error {
  if (error instanceof Open311Error) return error;
  if (error instanceof AppError && error.statusCode >= 500)
    return new Open311Error(error.statusCode, [{ code: error.statusCode, description: error.message }]);
  if (error instanceof AppError) {
    // The server's hook refuses an unknown Bearer key with 401; Open311 says 403.
    const status =
      error.statusCode === 401 ? 403 : error.statusCode === 404 ? 404 : error.statusCode === 403 ? 403 : 400;
    const description =
      error.statusCode === 401 ? `Invalid api_key received -- ${error.message}` : error.message;
    return new Open311Error(status, [{ code: status, description }]);
  }
  const fe = error as Partial<FastifyError> & { statusCode?: number; message?: string };
  if (fe.statusCode === 429)
    return new Open311Error(429, [{ code: 429, description: fe.message ?? 'Too many requests' }]);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new Open311Error(fe.statusCode, [
      { code: fe.statusCode, description: fe.message ?? 'bad request' },
    ]);
  }
  if (ctx.dialect.isUnavailable(error)) {
    req.log.error({ err: error }, 'open311: database unavailable');
    return new Open311Error(503, [
      { code: 503, description: 'Service temporarily unavailable; try again later' },
    ]);
  }
  req.log.error({ err: error }, 'open311: unhandled error');
  return new Open311Error(500, [
    { code: 500, description: 'General service error: the request could not be processed; please tell us' },
  ]);
}

/** Open311 GeoReport v2 and mySociety's updates, mounted at /open311/v2/ in their own context. */
export async function open311Routes(app: App, ctx: AppContext): Promise<void> {
  await app.register(
    async (o311) => {
      // Form bodies are parsed here only, with qs, so that `attribute[code][]=…` becomes a list.
      o311.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 512 * 1024 },
        (_req, body, done) => {
          try {
            done(null, qs.parse(String(body), QS_OPTIONS));
          } catch (e) {
            done(e as Error, undefined);
          }
        },
      );
      o311.setErrorHandler((error, req, reply) =>
        sendError(reply, formatOfUrl(req.url), toOpen311Error(error, req, ctx)),
      );
      o311.setNotFoundHandler((req, reply) =>
        sendError(
          reply,
          formatOfUrl(req.url),
          new Open311Error(404, [
            { code: 404, description: `no such resource: ${req.method} ${req.url.split('?')[0]}` },
          ]),
        ),
      );
      // The spec's `api_key` parameter is as good as a Bearer header: a read with a valid key in its query
      // is the key's, so the anonymous limit does not apply (a key in a form body is read by the handler).
      o311.addHook('onRequest', async (req) => {
        if (req.principal) return;
        const key = new URLSearchParams(req.url.split('?')[1] ?? '').get('api_key');
        if (key) req.principal = await principalFromApiKey(ctx, key);
      });
      // A public API: any web page may read it.
      o311.addHook('onSend', async (_req, reply, payload) => {
        reply.header('access-control-allow-origin', '*');
        // Fastify adds a charset to a text answer's type; RFC 8259 defines none for JSON, and some clients
        // compare the type exactly.
        if (String(reply.getHeader('content-type')).startsWith('application/json'))
          reply.header('content-type', 'application/json');
        return payload;
      });

      const readLimit = {
        rateLimit: {
          max: anonymousLimit(),
          timeWindow: '1 minute',
          keyGenerator: (req: FastifyRequest) => req.ip,
          allowList: (req: FastifyRequest) => req.principal !== null,
          errorResponseBuilder: (_req: FastifyRequest, c: { after: string; max: number }) => ({
            statusCode: 429,
            message: `Too many requests: at most ${c.max} a minute without an API key; retry in ${c.after}`,
          }),
        },
      };
      const writeLimit = {
        rateLimit: {
          max:
            Number(process.env.QINGDAN_OPEN311_WRITE_LIMIT) > 0
              ? Number(process.env.QINGDAN_OPEN311_WRITE_LIMIT)
              : 60,
          timeWindow: '1 minute',
          keyGenerator: (req: FastifyRequest) => req.principal?.apiKeyId ?? req.ip,
          errorResponseBuilder: (_req: FastifyRequest, c: { after: string; max: number }) => ({
            statusCode: 429,
            message: `Too many requests: at most ${c.max} writes a minute; retry in ${c.after}`,
          }),
        },
      };

      const get = (
        path: string,
        handler: (req: FastifyRequest, format: Format) => Promise<Document | Rendered>,
      ) => {
        for (const format of ['xml', 'json'] as const) {
          o311.get(`${path}.${format}`, { schema: { tags }, config: readLimit }, async (req, reply) =>
            sendRead(req, reply, format, await handler(req, format)),
          );
        }
      };
      const getOne = (path: string, handler: (req: FastifyRequest, name: string) => Promise<Document>) => {
        o311.get(`${path}/:file`, { schema: { tags }, config: readLimit }, async (req, reply) => {
          const file = splitFormat((req.params as { file: string }).file);
          if (!file)
            throw new Open311Error(404, [
              { code: 404, description: `no such resource: ${req.url.split('?')[0]} (use .xml or .json)` },
            ]);
          return send(reply, file.format, await handler(req, file.name));
        });
      };
      const post = (path: string, handler: (req: FastifyRequest) => Promise<Document>) => {
        for (const format of ['xml', 'json'] as const) {
          o311.post(`${path}.${format}`, { schema: { tags }, config: writeLimit }, async (req, reply) =>
            send(reply, format, await handler(req)),
          );
        }
      };

      // Discovery lives at one fixed URL: with several jurisdictions and none named, it speaks for the first.
      get('/discovery', async (req) => {
        const params = paramsOf(req);
        const jid = params.jurisdiction_id
          ? resolveJurisdiction(ctx, params)
          : (ctx.jurisdictions[0]?.id ?? '');
        return discovery(ctx, jid, `${ctx.config.publicUrl}${OPEN311_PREFIX}`);
      });
      get('/services', async (req) => services(ctx, resolveJurisdiction(ctx, paramsOf(req))));
      getOne('/services', async (req, code) =>
        serviceDefinition(ctx, resolveJurisdiction(ctx, paramsOf(req)), code),
      );
      get('/requests', async (req) => {
        const params = paramsOf(req);
        return listRequests(ctx, resolveJurisdiction(ctx, params), req.principal, params);
      });
      post('/requests', async (req) => createRequest(ctx, req.principal, paramsOf(req)));
      getOne('/requests', async (req, id) => {
        const params = paramsOf(req);
        return getRequest(ctx, resolveJurisdiction(ctx, params), req.principal, params, id);
      });
      getOne('/tokens', async (req, token) =>
        tokenLookup(ctx, resolveJurisdiction(ctx, paramsOf(req)), token),
      );
      get('/servicerequestupdates', async (req) => {
        const params = paramsOf(req);
        return listUpdates(ctx, resolveJurisdiction(ctx, params), params);
      });
      post('/servicerequestupdates', async (req) => postUpdate(ctx, req.principal, paramsOf(req)));
    },
    { prefix: OPEN311_PREFIX },
  );
}
