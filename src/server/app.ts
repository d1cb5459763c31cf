import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../platform/context.ts';
import { AppError, badRequest } from '../platform/errors.ts';
import type { App } from '../platform/types.ts';
import { authHooks } from './hooks.ts';
import { registerModules } from './modules.ts';
import { SESSION_COOKIE } from '../platform/guards.ts';
import { permissionGate } from './permissions.ts';
import { yearsWithoutHolidays } from '../kernel/workdays.ts';
import { issueDetail, langOf, localizeError } from '../kernel/apiText.ts';
import { tileSource } from '../adapters/tiles/index.ts';

/** True when a string anywhere in the value (to a sane depth) holds a NUL character. */
function containsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return false;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000') || containsNul(v, depth + 1)) return true;
  }
  return false;
}

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Builds the HTTP application: plugins, hooks, every module's routes, the web app. */
export async function buildApp(ctx: AppContext): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.log,
    // Request start/end lines only at debug level: at info they cost throughput and say little.
    logController: new LogController({ disableRequestLogging: ctx.config.logLevel !== 'debug' }),
    bodyLimit: 2 * 1024 * 1024,
    // Only the listed proxies may say who the client is; with none, the socket's address counts.
    trustProxy: ctx.config.trustedProxies.length ? ctx.config.trustedProxies : false,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array' } },
  }).withTypeProvider() as unknown as App;

  // Every route as registered, for the permission matrix test and the start-up check.
  const routeTable: { method: string; url: string }[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  // Responses are documented with schemas but serialised plainly: the services already return
  // domain objects of the declared shape, and validating every response would cost throughput.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) => {
    // A client that names its language gets messages in it alone; others keep the bilingual text.
    const lang = langOf(req.headers['accept-language']);
    const send = (status: number, body: { code: string; message: string; details?: unknown }) =>
      reply.status(status).send({ error: lang ? localizeError(body, lang) : body });
    if (error instanceof AppError) {
      return send(error.statusCode, { code: error.code, message: error.message, details: error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = (error as { validationContext?: string }).validationContext ?? 'body';
      const details = error.validation.map((v) => {
        const d = issueDetail({
          ...(v.params as Record<string, unknown>),
          path: v.instancePath.split('/').filter(Boolean),
          code: v.keyword,
          message: v.message ?? 'invalid',
        });
        return { ...d, path: d.path === 'body' ? where : d.path };
      });
      return send(400, {
        code: 'validation',
        message: details.map((d) => `${d.path}: ${d.message}`).join('; '),
        details,
      });
    }
    const fe = error as FastifyError;
    // The multipart parser reports a broken body (no closing boundary, bad part headers) as a plain
    // Error while a handler reads the parts: that is the client's fault, not ours.
    if (!fe.statusCode && req.isMultipart() && /busboy|dicer/i.test(error.stack ?? '')) {
      return send(400, {
        code: 'malformed_multipart',
        message: `malformed multipart/form-data body: ${error.message}`,
      });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(fe.statusCode, { code: fe.code ?? 'bad_request', message: fe.message });
    }
    if (ctx.dialect.isUnavailable(error)) {
      req.log.error({ err: error }, 'database unavailable');
      reply.header('retry-after', '30');
      return send(503, {
        code: 'unavailable',
        message: '服务暂时不可用，请稍后再试 / the service is unavailable, try again later',
      });
    }
    req.log.error({ err: error }, 'unhandled error');
    return send(500, { code: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });

  await app.register(cookie);
  await app.register(multipart, {
    limits: { fileSize: ctx.config.maxUploadBytes, files: 9, fields: 20, fieldSize: 100_000, parts: 40 },
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Qingdan API', description: '问题清单 → 成效清单', version: ctx.config.version },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  // The OpenAPI document is built once (@fastify/swagger keeps it), but each request for it would serialise
  // and encode it again: a quarter of a megabyte of JSON, twice that as YAML. Its bytes are kept instead.
  const openapiBytes = (format: 'json' | 'yaml'): Buffer =>
    ctx.cache.own(`server.openapi.${format}`, () =>
      Buffer.from(format === 'json' ? JSON.stringify(app.swagger()) : app.swagger({ yaml: true })),
    );
  const documents: Record<string, { type: string; format: 'json' | 'yaml' }> = {
    '/api/openapi.json': { type: 'application/json; charset=utf-8', format: 'json' },
    '/api/docs/json': { type: 'application/json; charset=utf-8', format: 'json' },
    '/api/docs/yaml': { type: 'application/x-yaml', format: 'yaml' },
  };
  const sendDocument = async (req: FastifyRequest, reply: FastifyReply) => {
    const doc = documents[req.routeOptions.url ?? ''];
    if (doc) return reply.type(doc.type).send(openapiBytes(doc.format));
  };
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiHooks: { preHandler: sendDocument } });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.getHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
      );
    }
    if (_req.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });

  authHooks(app, ctx);
  permissionGate(app);
  // NUL characters have no business in any field, and PostgreSQL refuses them in text: turn them away
  // at the boundary with a 400 rather than fail in the database.
  app.addHook('preValidation', async (req) => {
    for (const [where, value] of [
      ['path', req.params],
      ['query', req.query],
      ['body', req.body],
    ] as const) {
      if (containsNul(value, 0)) throw badRequest(`${where}: NUL characters (\\u0000) are not accepted`);
    }
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, sendDocument);
  app.get('/api/health', { schema: { tags: ['system'] } }, async (_req, reply) => {
    try {
      await ctx.db.selectFrom('jurisdictions').select('id').limit(1).execute();
      const ref = await ctx.reference.get(ctx.jurisdictions[0]?.id ?? '');
      const warnings = [
        ...ref.issues,
        ...yearsWithoutHolidays(ref.calendarDays, ctx.clock.now()).map(
          (y) =>
            `${y} 年节假日安排尚未导入，期限将按普通周末计算，请在“工作日历”导入国务院办公厅通知 / no public holidays for ${y}: deadlines count ordinary weekends only; import the State Council's notice in the admin calendar`,
        ),
      ];
      return {
        status: 'ok',
        database: ctx.dialect.name,
        databaseUp: true,
        version: ctx.config.version,
        warnings,
      };
    } catch (err) {
      // The driver's text names hosts, users and files: it goes to the log, never to the caller.
      ctx.log.error({ err }, 'health: database unreachable');
      reply.status(503);
      return { status: 'error', database: ctx.dialect.name, databaseUp: false, version: ctx.config.version };
    }
  });
  // Read once at start-up: a tile setting that would give blank maps stops the start with its reason.
  const tiles = tileSource(ctx.config.tileUrl);
  const configAnswer = z.object({
    jurisdiction: z.looseObject({ id: z.string(), name: z.string() }).nullable(),
    tileUrl: z.string().nullable(),
    tiles: z
      .object({
        url: z.string(),
        labelsUrl: z.string().nullable(),
        subdomains: z.string(),
        attribution: z.string(),
        maxZoom: z.number(),
      })
      .nullable()
      .describe('the tile service of the maps; null: the web app draws its schematic of the jurisdiction'),
    center: z.tuple([z.number(), z.number()]),
    zoom: z.number(),
  });
  app.get('/api/config', { schema: { tags: ['system'], response: { 200: configAnswer } } }, async (req) => {
    const ref = await ctx.reference.get(req.jurisdictionId);
    const county = [...ref.divisions.values()].find((d) => d.level === 'county');
    return {
      jurisdiction: ctx.jurisdictions.find((j) => j.id === req.jurisdictionId) ?? null,
      tileUrl: tiles?.url ?? null,
      tiles,
      center: [county?.lat ?? 27.859, county?.lng ?? 113.166] as [number, number],
      zoom: 12,
    };
  });

  await registerModules(app, ctx);

  if (fs.existsSync(webDist)) {
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: false,
      index: false,
      // Brotli or gzip files written at build time, chosen by Accept-Encoding.
      preCompressed: true,
      cacheControl: false,
      // Hashed assets never change under their name: a phone keeps them for a year and asks again only
      // for the pages; anything else is checked on every use.
      setHeaders(reply, file) {
        const hashed = /[\\/]assets[\\/]/.test(file); // the build names every file here by its hash
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    for (const base of ['m', 'admin', 'screen']) {
      const index = path.join(webDist, base, 'index.html');
      const send = (_req: FastifyRequest, reply: FastifyReply) => {
        if (!fs.existsSync(index))
          return reply.status(404).send({ error: { code: 'not_found', message: 'web app not built' } });
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(fs.readFileSync(index));
      };
      app.get(`/${base}`, { schema: { hide: true } }, (_req, reply) => reply.redirect(`/${base}/`));
      app.get(`/${base}/`, { schema: { hide: true } }, send);
      app.get(`/${base}/*`, { schema: { hide: true } }, send);
    }
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/m/'));
  }
  return app;
}
