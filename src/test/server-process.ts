/**
 * Real server processes for the reliability tests: a database prepared with the Hetang reference data
 * (SQLite in a temporary folder, or a fresh PostgreSQL database), `node bin/qingdan.mjs serve` started on
 * a free loopback port, HTTP clients that sign in like the web app, and the CLI run as a child process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { HETANG, seedHetang } from '../demo/hetang.ts';
import { createContext } from '../server/bootstrap.ts';
import { freshPgDatabase, TEST_DB } from './databases.ts';
import { templateRun } from './harness.ts';
import { copyTemplate } from './template.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/qingdan.mjs');

/** A database for server processes: its environment, and a way to remove it. */
export interface TestDatabase {
  dataDir: string;
  databaseUrl?: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** Creates a database (and data folder) on the dialect under test: a copy of the seeded template, or empty. */
export async function prepareDatabase(
  opts: { seed?: boolean; dialect?: 'sqlite' | 'postgres' } = {},
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingdan-proc-'));
  const dialect = opts.dialect ?? TEST_DB;
  const runId = opts.seed !== false && dialect === TEST_DB ? templateRun() : null;
  let databaseUrl: string | undefined;
  let dropDb = async () => {};
  if (runId) {
    ({ databaseUrl, drop: dropDb } = await copyTemplate(runId, 'reference', dataDir));
  } else {
    if (dialect === 'postgres') ({ url: databaseUrl, drop: dropDb } = await freshPgDatabase());
    if (opts.seed !== false) {
      const ctx = await createContext(loadConfig({}, { dataDir, databaseUrl }), {
        logger: pino({ level: 'silent' }),
      });
      await seedHetang(ctx, { problems: 'none' });
      await ctx.database.close();
    }
  }
  const env: Record<string, string> = { QINGDAN_DATA: dataDir };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return {
    dataDir,
    databaseUrl,
    env,
    async drop() {
      await dropDb();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A running `qingdan serve`. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  output(): string;
}

/** Starts `node bin/qingdan.mjs serve` on a free loopback port and waits until it listens. */
export async function startServer(
  db: TestDatabase,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      QINGDAN_SCHEDULER: '0',
      QINGDAN_REPORTS_PER_MINUTE: '100000',
      ...db.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    // A guard against a server that never listens, not a measure: with the three test runs sharing two
    // cores, a start can take tens of seconds.
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 120_000);
    const onData = () => {
      const m = /listening at (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return { url, child, exited, output: () => out };
}

/** Runs the CLI (from the server bundle, see bin/qingdan.mjs) to completion with the database's environment. */
export function runCli(
  db: TestDatabase,
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', QINGDAN_COMPILED: '1', ...db.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI without blocking this process (so that load generators keep running meanwhile). */
export function runCliAsync(
  db: TestDatabase,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', QINGDAN_COMPILED: '1', ...db.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** An HTTP client of a server process that signs in like the web app (cookie and CSRF token). */
export class HttpClient {
  private cookie = '';
  private csrf = '';
  // node:http rather than fetch: the load tests send tens of thousands of requests, and fetch's streams
  // cost the test process several times the CPU of the request itself. Kept-alive sockets, as fetch keeps.
  private readonly agent = new http.Agent({ keepAlive: true });
  constructor(readonly base: string) {}

  /** Signs in as a demo user. */
  async login(username: string, password = HETANG.password): Promise<this> {
    const r = await this.send('POST', '/api/auth/login', JSON.stringify({ username, password }), {
      'content-type': 'application/json',
    });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    this.cookie = ([r.headers['set-cookie'] ?? []].flat()[0] ?? '').split(';')[0]!;
    this.csrf = (JSON.parse(r.text) as { csrfToken: string }).csrfToken;
    return this;
  }

  /** Sends a request; the body is JSON unless it is a string with its own content type. */
  async request(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const h: Record<string, string> = { cookie: this.cookie, 'x-csrf-token': this.csrf, ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      if (typeof body === 'string') payload = body;
      else {
        payload = JSON.stringify(body);
        h['content-type'] = 'application/json';
      }
    }
    const r = await this.send(method, url, payload, h);
    let parsed: unknown = r.text;
    try {
      parsed = JSON.parse(r.text);
    } catch {
      // not JSON: keep the text
    }
    return { status: r.status, body: parsed };
  }

  private send(
    method: string,
    url: string,
    payload: string | undefined,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.base}${url}`, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** A report with a unique title, as the load generators send it. */
export function reportBody(title: string) {
  return {
    categoryCode: 'roads',
    title,
    description: '压力测试：路面坑洼，积水严重',
    villageCode: '430202001001',
    fields: { hazard: '一般' },
  };
}

/**
 * Keeps `workers` concurrent writers sending reports until `stop()`; remembers every acknowledged one
 * (201 received) with the moment it was acknowledged.
 */
export function writeLoad(client: HttpClient, prefix: string, workers: number) {
  const acked: { id: string; title: string; at: number }[] = [];
  let failed = 0;
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const title = `${prefix}-${n++}`;
      try {
        const r = await client.request('POST', '/api/problems', reportBody(title), {
          'idempotency-key': title,
        });
        if (r.status === 201) acked.push({ id: r.body.id, title, at: Date.now() });
        else failed++;
      } catch {
        failed++; // connection refused or reset: not acknowledged
        await new Promise((res) => setTimeout(res, 5));
      }
    }
  });
  return {
    acked,
    failed: () => failed,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
