/**
 * Seeded templates for the API tests. Each seed kind is migrated and seeded once per run: by the global
 * setup for the kinds the selected files ask for, else by the first file that needs it (the others wait
 * on a lock). Every file then starts from a copy: the SQLite file after a WAL checkpoint, or
 * `CREATE DATABASE ... TEMPLATE` on PostgreSQL. The template's data folder travels with it, so the copy
 * holds the field-encryption key the seed encrypted with (and any file it stored).
 *
 * The seed's only input is its kind: `seedHetang` runs on its own clock and reads none of the settings
 * a test may change (see `SEED_NEUTRAL`). Templates belong to one vitest run (src/test/global-setup.ts
 * gives it an id and drops them at the end), so a run never reuses a seed made by other code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig, type Config } from '../config.ts';
import { seedHetang } from '../demo/hetang.ts';
import { createContext } from '../server/bootstrap.ts';
import {
  freshPgDatabase,
  pgTemplateName,
  pgUrl,
  runDir,
  TEST_DB,
  withPgAdmin,
  dropPgDatabase,
  processAlive,
  type SeedKind,
} from './databases.ts';

/**
 * Settings the seed never reads (they act on sessions, routes, uploads and serving). A test that changes
 * any other setting is seeded afresh with its own configuration instead of copying the template.
 */
const SEED_NEUTRAL: ReadonlySet<keyof Config> = new Set<keyof Config>([
  'host',
  'port',
  'logLevel',
  'smsProvider',
  'paymentsProvider',
  'receiptsProvider',
  'trustedProxies',
  'auditCheckpointMinutes',
  'tileUrl',
  'sessionIdleMinutes',
  'sessionAbsoluteHours',
  'maxUploadBytes',
  'reportsPerMinute',
  'scheduler',
]);

/** True when a test's settings leave the seed as the template's (it changes only `SEED_NEUTRAL` ones). */
export function seedsLikeTemplate(config: Partial<Config> = {}): boolean {
  return Object.keys(config).every((k) => SEED_NEUTRAL.has(k as keyof Config));
}

/** Migrates and seeds one template: its data folder in `dir/data`, on PostgreSQL also its database. */
async function buildTemplate(dir: string, runId: string, kind: SeedKind): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  let databaseUrl: string | undefined;
  const name = pgTemplateName(runId, kind);
  if (TEST_DB === 'postgres') {
    await withPgAdmin(async (admin) => {
      await dropPgDatabase(admin, name);
      await admin.query(`create database ${name}`);
    });
    databaseUrl = pgUrl(name);
  }
  const config = loadConfig({}, { dataDir, databaseUrl, logLevel: 'silent', scheduler: false });
  const ctx = await createContext(config, { logger: pino({ level: 'silent' }) });
  try {
    await seedHetang(ctx, { problems: kind === 'demo' ? 'full' : 'none' });
    // Everything into the main file, so that copying it alone copies the whole database.
    if (TEST_DB === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(ctx.db);
  } finally {
    await ctx.database.close();
  }
  // No connection may be open on a template while it is copied; none can be opened from now on.
  if (TEST_DB === 'postgres')
    await withPgAdmin((admin) =>
      admin.query(`alter database ${name} with is_template true allow_connections false`),
    );
}

/** The data folder of the run's template of this kind, built first if nobody has built it yet. */
export async function templateDataDir(runId: string, kind: SeedKind): Promise<string> {
  const dir = path.join(runDir(runId), `${TEST_DB}-${kind}`);
  const ready = path.join(dir, 'ready');
  const lock = `${dir}.lock`;
  for (;;) {
    if (fs.existsSync(ready)) return path.join(dir, 'data');
    try {
      fs.mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another file is building it; take over only if its process has died.
      let owner = 0;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // not written yet, or the lock is already gone
      }
      if (owner > 0 && !processAlive(owner)) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((res) => setTimeout(res, 200));
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      await buildTemplate(dir, runId, kind);
      fs.writeFileSync(ready, '');
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Fills `dataDir` with a copy of the run's seeded template of this kind; on PostgreSQL also creates a
 * database copied from the template database. Returns the database's URL (PostgreSQL) and its `drop`.
 */
export async function copyTemplate(
  runId: string,
  kind: SeedKind,
  dataDir: string,
): Promise<{ databaseUrl?: string; drop: () => Promise<void> }> {
  const source = await templateDataDir(runId, kind);
  fs.cpSync(source, dataDir, { recursive: true });
  if (TEST_DB === 'sqlite') return { drop: async () => {} };
  const db = await freshPgDatabase(pgTemplateName(runId, kind));
  return { databaseUrl: db.url, drop: db.drop };
}
