/**
 * Test harness for API tests: a real application on a real database of its own (SQLite in a temporary
 * folder, or a new PostgreSQL database when QINGDAN_TEST_DB=postgres), copied from the run's seeded
 * template (src/test/template.ts), driven through Fastify's full HTTP stack, with small helpers to sign
 * in as a demo user.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../config.ts';
import { ManualClock, type Clock } from '../kernel/clock.ts';
import { buildApp } from '../server/app.ts';
import { createContext } from '../server/bootstrap.ts';
import { reloadJurisdictions } from '../platform/jurisdictions.ts';
import type { AppContext } from '../platform/context.ts';
import type { App } from '../platform/types.ts';
import { HETANG, seedHetang } from '../demo/hetang.ts';
import { freshPgDatabase, TEST_DB } from './databases.ts';
import { copyTemplate, seedsLikeTemplate } from './template.ts';

export { freshPgDatabase, TEST_DB };

/**
 * The run whose seeded templates a test may copy, or null (seed afresh): outside a vitest run, when the
 * test changes a setting the seed might read, or with QINGDAN_TEST_TEMPLATES=0.
 */
export function templateRun(config: Partial<Config> = {}): string | null {
  if (process.env.QINGDAN_TEST_TEMPLATES === '0' || !seedsLikeTemplate(config)) return null;
  try {
    return inject('qingdanTemplateRun') ?? null;
  } catch {
    return null; // not inside a vitest worker
  }
}

export interface TestApp {
  app: App;
  ctx: AppContext;
  clock: ManualClock | null;
  client(): Client;
  as(username: string): Promise<Client>;
  close(): Promise<void>;
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string | Buffer;
}

/** A signed-in (or anonymous) client of the API, keeping its session cookie and CSRF token. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(private readonly app: App) {}

  async login(username: string, password: string = HETANG.password): Promise<Res> {
    const r = await this.request('POST', '/api/auth/login', { username, password });
    if (r.status === 200) {
      const set = r.headers['set-cookie'];
      const c = (Array.isArray(set) ? set : [String(set)]).find((x) => x.startsWith('qd_session='));
      this.cookie = c ? c.split(';')[0]! : null;
      this.csrf = r.body.csrfToken;
    }
    return r;
  }

  async request<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload: string | Buffer | undefined;
    if (Buffer.isBuffer(body)) payload = body;
    else if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const r = await this.app.inject({ method: method as 'GET', url, payload, headers: h });
    let parsed: unknown = r.body;
    if (String(r.headers['content-type'] ?? '').includes('json')) {
      try {
        parsed = JSON.parse(r.body);
      } catch {
        parsed = r.body;
      }
    }
    return { status: r.statusCode, body: parsed as T, headers: r.headers, raw: r.rawPayload };
  }
  get<T = any>(url: string, headers?: Record<string, string>) {
    return this.request<T>('GET', url, undefined, headers);
  }
  post<T = any>(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', url, body ?? {}, headers);
  }
}

/**
 * Starts an application on a database of its own, seeded with the Hetang demo (all of it, or without
 * problems): a copy of the run's template, or seeded here when the test changes a setting the seed might
 * read (or QINGDAN_TEST_TEMPLATES=0).
 */
export async function startTestApp(
  opts: { seed?: 'demo' | 'reference'; clock?: Date | 'system'; config?: Partial<Config> } = {},
): Promise<TestApp> {
  const seed = opts.seed ?? 'reference';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingdan-test-'));
  const runId = templateRun(opts.config);
  let dropPg: (() => Promise<void>) | null = null;
  let databaseUrl: string | undefined;
  if (runId) {
    const copy = await copyTemplate(runId, seed, dataDir);
    databaseUrl = copy.databaseUrl;
    dropPg = copy.drop;
  } else if (TEST_DB === 'postgres') {
    const db = await freshPgDatabase();
    databaseUrl = db.url;
    dropPg = db.drop;
  }
  const config = loadConfig(
    {},
    {
      dataDir,
      databaseUrl,
      logLevel: 'silent',
      scheduler: false,
      smsProvider: 'recording',
      paymentsProvider: 'fake-manual',
      sessionIdleMinutes: 10 ** 7,
      sessionAbsoluteHours: 10 ** 6,
      ...opts.config,
    },
  );
  const manual =
    opts.clock === 'system' ? null : new ManualClock(opts.clock ?? new Date('2024-03-04T01:00:00Z'));
  const clock: Clock | undefined = manual ?? undefined;
  const ctx = await createContext(config, { clock, logger: pino({ level: 'silent' }) });
  if (!runId) await seedHetang(ctx, { problems: seed === 'demo' ? 'full' : 'none' });
  await reloadJurisdictions(ctx);
  const app = await buildApp(ctx);
  await app.ready();
  return {
    app,
    ctx,
    clock: manual,
    client: () => new Client(app),
    async as(username: string) {
      const c = new Client(app);
      const r = await c.login(username);
      if (r.status !== 200)
        throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
      return c;
    },
    async close() {
      await app.close();
      await ctx.database.close();
      if (dropPg) await dropPg();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body with one file field, built by hand (uploads, ledger imports). */
export function multipart(
  field: string,
  filename: string,
  content: Buffer,
  type = 'application/octet-stream',
) {
  const boundary = `----qingdan${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
