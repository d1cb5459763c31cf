/**
 * The database under test (QINGDAN_TEST_DB) and PostgreSQL housekeeping for the test harness: creating
 * and dropping per-file databases and the seeded templates they are copied from. No application code is
 * imported here, so vitest's global setup can use it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The dialect the API tests run on. */
export const TEST_DB = (process.env.QINGDAN_TEST_DB ?? 'sqlite') as 'sqlite' | 'postgres';
const PG_ADMIN_URL = process.env.QINGDAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The seeds a test can start from: the whole Hetang demo, or its reference data without problems. */
export type SeedKind = 'demo' | 'reference';

/** Names of template databases: `qd_template_<pid of the vitest run>_<random>_<seed kind>`. */
const TEMPLATE_PREFIX = 'qd_template_';
/** Folders of one run's templates in the system temporary folder: `qingdan-templates-<run id>`. */
const RUN_DIR_PREFIX = 'qingdan-templates-';

/** A PostgreSQL URL for the named database on the test server. */
export function pgUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` on a short-lived connection to the server's maintenance database. */
export async function withPgAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Drops a database even when a test left connections open (templates lose their template flag first). */
export async function dropPgDatabase(admin: pg.Client, name: string): Promise<void> {
  if (!/^qd_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop database ${name}`);
  await admin.query(`alter database ${name} with is_template false allow_connections true`).catch(() => {});
  await admin.query(`drop database if exists ${name} with (force)`);
}

/**
 * Creates a PostgreSQL database for one test, empty or as a copy of a template; `drop` removes it. A
 * template may be briefly busy (autovacuum, another file copying it): the copy is retried.
 */
export async function freshPgDatabase(
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `qd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withPgAdmin(async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
        return;
      } catch (err) {
        const busy = (err as { code?: string }).code === '55006'; // object_in_use
        if (!busy || attempt >= 20) throw err;
        await new Promise((res) => setTimeout(res, 250 * attempt));
      }
    }
  });
  return {
    url: pgUrl(name),
    drop: () => withPgAdmin((admin) => dropPgDatabase(admin, name)),
  };
}

/** The identifier of one vitest run: its process id and a random part (lower case, for database names). */
export function newRunId(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The template database of one run and seed kind. */
export function pgTemplateName(runId: string, kind: SeedKind): string {
  return `${TEMPLATE_PREFIX}${runId}_${kind}`;
}

/** The folder holding one run's templates (SQLite files, data folders, locks). */
export function runDir(runId: string): string {
  return path.join(os.tmpdir(), `${RUN_DIR_PREFIX}${runId}`);
}

/** True while a process of this id runs (on this machine). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when a template's name carries the process id of a vitest run that has ended. */
function staleRunOf(name: string, prefix: string): boolean {
  const m = new RegExp(`^${prefix}(\\d+)_`).exec(name);
  return m !== null && !processAlive(Number(m[1]));
}

/**
 * Removes templates left by earlier runs whose vitest process has ended (a killed run skips its
 * teardown). Templates of runs still going, such as a parallel run on the other dialect, are kept.
 */
export async function dropStaleTemplates(): Promise<void> {
  for (const entry of fs.readdirSync(os.tmpdir())) {
    if (entry.startsWith(RUN_DIR_PREFIX) && staleRunOf(entry, RUN_DIR_PREFIX))
      fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
  }
  if (TEST_DB !== 'postgres') return;
  await withPgAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'qd\\_template\\_%'`,
    );
    for (const { datname } of rows)
      if (staleRunOf(datname, TEMPLATE_PREFIX)) await dropPgDatabase(admin, datname);
  });
}

/** Removes this run's templates (its folder, and on PostgreSQL its template databases). */
export async function dropRunTemplates(runId: string): Promise<void> {
  fs.rmSync(runDir(runId), { recursive: true, force: true });
  if (TEST_DB !== 'postgres') return;
  await withPgAdmin(async (admin) => {
    for (const kind of ['demo', 'reference'] as const)
      await dropPgDatabase(admin, pgTemplateName(runId, kind));
  });
}
