import fs from 'node:fs';
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
import {
  Open311Error,
  err,
  keyPrincipal,
  prefixOf,
  resolveJurisdiction,
  servedBy,
  type Endpoint,
  type Params,
} from './open311.calls.ts';
import { MAX_PHOTOS, createRequest, tokenLookup, type Photo } from './open311.create.ts';
import { getMedia, getRequest, listRequests } from './open311.requests.ts';
import { discovery, serviceDefinition, services } from './open311.services.ts';
import { listUpdates, postUpdate } from './open311.updates.ts';

export { OPEN311_PREFIX, OPEN311_TEST_PREFIX } from './open311.calls.ts';
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

/**
 * The parameters and photos of a POST: a multipart/form-data body (how clients send a photo) has its
 * fields read as a form's would be, `api_key` included, and its files taken as photos; any other body as
 * paramsOf reads it. A photo over the upload limit, too many photos or a broken body are a 400.
 */
async function postOf(ctx: AppContext, req: FastifyRequest): Promise<{ params: Params; photos: Photo[] }> {
  if (!req.isMultipart()) return { params: paramsOf(req), photos: [] };
  const form = new URLSearchParams();
  const photos: Photo[] = [];
  const limits = {
    fields: 200,
    fieldSize: 100_000,
    files: MAX_PHOTOS,
    fileSize: ctx.config.maxUploadBytes,
    parts: 200 + MAX_PHOTOS,
  };
  try {
    for await (const part of req.parts({ limits })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        // An empty file input of a browser form sends a part without a name or bytes: nothing was chosen.
        if (data.length > 0 || part.filename) photos.push({ name: part.filename || 'photo', data });
      } else if (typeof part.value === 'string') form.append(part.fieldname, part.value);
    }
  } catch (e) {
    const fe = e as Partial<FastifyError>;
    if (fe.code === 'FST_REQ_FILE_TOO_LARGE')
      throw new Open311Error(400, [
        err(400, `media: a photo is larger than ${ctx.config.maxUploadBytes} bytes`),
      ]);
    if (fe.code === 'FST_FILES_LIMIT')
      throw new Open311Error(400, [err(400, `media: at most ${MAX_PHOTOS} photos a request`)]);
    if ((fe.statusCode && fe.statusCode < 500) || /busboy|dicer/i.test((e as Error).stack ?? ''))
      throw new Open311Error(400, [err(400, `malformed multipart/form-data body: ${(e as Error).message}`)]);
    throw e;
  }
  const query = qs.parse(req.url.split('?')[1] ?? '', QS_OPTIONS) as Params;
  return { params: { ...query, ...(qs.parse(form.toString(), QS_OPTIONS) as Params) }, photos };
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

/**
 * Open311 GeoReport v2 and mySociety's updates, each endpoint in its own context: production at
 * /open311/v2/ for the real jurisdictions, test at /open311/test/v2/ for their sandboxes.
 */
export async function open311Routes(app: App, ctx: AppContext): Promise<void> {
  for (const endpoint of ['production', 'test'] as const)
    await app.register(async (o311) => mount(o311, ctx, endpoint), { prefix: prefixOf(endpoint) });
}

/** The calls of one endpoint. */
async function mount(o311: App, ctx: AppContext, endpoint: Endpoint): Promise<void> {
  const jurisdictionOf = (params: Params) => resolveJurisdiction(ctx, params, endpoint);
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
  // The spec's `api_key` parameter is as good as a Bearer header: a read with a valid key of a jurisdiction
  // this endpoint serves is the key's, so the anonymous limit does not apply (a key in a form body is read
  // by the handler). A sandbox's key lifts nothing on the production endpoint, nor a real key on the test one.
  o311.addHook('onRequest', async (req) => {
    if (req.principal) return;
    const key = new URLSearchParams(req.url.split('?')[1] ?? '').get('api_key');
    const p = key ? await principalFromApiKey(ctx, key) : null;
    if (p && servedBy(ctx, endpoint).some((j) => j.id === p.jurisdictionId)) req.principal = p;
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
    const jid = params.jurisdiction_id ? jurisdictionOf(params) : (servedBy(ctx, endpoint)[0]?.id ?? '');
    return discovery(ctx, jid);
  });
  get('/services', async (req) => services(ctx, jurisdictionOf(paramsOf(req))));
  getOne('/services', async (req, code) => serviceDefinition(ctx, jurisdictionOf(paramsOf(req)), code));
  get('/requests', async (req) => {
    const params = paramsOf(req);
    return listRequests(ctx, jurisdictionOf(params), req.principal, params);
  });
  // A write's key is checked first (403), then its jurisdiction, then the rest.
  post('/requests', async (req) => {
    const { params, photos } = await postOf(ctx, req);
    const p = await keyPrincipal(ctx, req.principal, params, 'create_request');
    return createRequest(ctx, jurisdictionOf(params), p, params, photos);
  });
  getOne('/requests', async (req, id) => {
    const params = paramsOf(req);
    return getRequest(ctx, jurisdictionOf(params), req.principal, params, id);
  });
  getOne('/tokens', async (req, token) => tokenLookup(ctx, jurisdictionOf(paramsOf(req)), token));
  get('/servicerequestupdates', async (req) => {
    const params = paramsOf(req);
    return listUpdates(ctx, jurisdictionOf(params), params);
  });
  post('/servicerequestupdates', async (req) => {
    const { params, photos } = await postOf(ctx, req);
    const p = await keyPrincipal(ctx, req.principal, params, 'post_service_request_update');
    return postUpdate(ctx, jurisdictionOf(params), p, params, photos);
  });
  // The photos clients posted with their requests (each request's media_url points here).
  o311.get('/media/:id', { schema: { tags }, config: readLimit }, async (req, reply) => {
    const params = paramsOf(req);
    const id = (req.params as { id: string }).id;
    const media = await getMedia(ctx, jurisdictionOf(params), req.principal, params, id);
    return reply
      .type(media.mime)
      .header('cache-control', 'private, max-age=3600')
      .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox")
      .send(fs.createReadStream(media.absPath));
  });
}
