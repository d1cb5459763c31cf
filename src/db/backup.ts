/**
 * Backup and restore of the whole database (`qingdan backup` / `qingdan restore`).
 *
 * SQLite: an online, consistent copy through SQLite's backup API while the server keeps writing; the
 * restore checks the copy, keeps the current file aside and moves the copy into place atomically.
 * PostgreSQL: `pg_dump --format=custom` (so `pg_restore` can read it too) and `pg_restore` into the
 * configured database, in one transaction.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { openDatabase, type DatabaseConfig } from './index.ts';

/** What a backup wrote. */
export interface BackupInfo {
  file: string;
  bytes: number;
  sha256: string;
  dialect: 'sqlite' | 'postgres';
  seconds: number;
}

const isPostgres = (c: DatabaseConfig) => !!c.databaseUrl && /^postgres(ql)?:/.test(c.databaseUrl);

/** The SQLite file of a data folder. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'qingdan.sqlite');
}

function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} failed (${code}): ${err.trim()}`)),
    );
  });
}

/** Takes an online, consistent copy of the database into `file` (written aside, then renamed). */
export async function backupDatabase(config: DatabaseConfig, file: string): Promise<BackupInfo> {
  const started = Date.now();
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  const database = openDatabase(config);
  try {
    await database.dialect.backup(partial);
  } finally {
    await database.close();
  }
  if (!isPostgres(config)) {
    const check = new SqliteDatabase(partial, { readonly: true });
    try {
      const r = check.pragma('quick_check', { simple: true });
      if (r !== 'ok') throw new Error(`the copy failed its check: ${String(r)}`);
    } finally {
      check.close();
    }
  }
  const fd = fs.openSync(partial, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(partial, target);
  return {
    file: target,
    bytes: fs.statSync(target).size,
    sha256: sha256File(target),
    dialect: isPostgres(config) ? 'postgres' : 'sqlite',
    seconds: (Date.now() - started) / 1000,
  };
}

async function hasData(config: DatabaseConfig): Promise<boolean> {
  if (isPostgres(config)) {
    const c = new pg.Client({ connectionString: config.databaseUrl });
    await c.connect();
    try {
      const r = await c.query(`select to_regclass('public.problems') is not null as present`);
      if (!r.rows[0]?.present) return false;
      const n = await c.query('select exists (select 1 from jurisdictions) as present');
      return !!n.rows[0]?.present;
    } finally {
      await c.end();
    }
  }
  const file = sqliteFile(config.dataDir);
  if (!fs.existsSync(file)) return false;
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const t = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'jurisdictions'`).get();
    return !!t && !!db.prepare('select 1 from jurisdictions limit 1').get();
  } finally {
    db.close();
  }
}

/**
 * Restores a backup over the configured database. The server must be stopped. A database that holds
 * data is only replaced with `force`; on SQLite the replaced file is kept beside it.
 */
export async function restoreDatabase(
  config: DatabaseConfig,
  file: string,
  opts: { force?: boolean } = {},
): Promise<{ replaced: string | null }> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new Error(`no such backup: ${source}`);
  if (!opts.force && (await hasData(config)))
    throw new Error('the database already holds data: stop the server and add --force to replace it');
  if (isPostgres(config)) {
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      '--dbname',
      config.databaseUrl!,
      source,
    ]);
    return { replaced: null };
  }
  const check = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  try {
    const r = check.pragma('integrity_check', { simple: true });
    if (r !== 'ok') throw new Error(`the backup failed its integrity check: ${String(r)}`);
    if (!check.prepare(`select 1 from sqlite_master where name = 'actions'`).get())
      throw new Error('the file is not a Qingdan database');
  } finally {
    check.close();
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const target = sqliteFile(config.dataDir);
  const incoming = `${target}.restoring`;
  fs.copyFileSync(source, incoming);
  const fd = fs.openSync(incoming, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  let replaced: string | null = null;
  if (fs.existsSync(target)) {
    // Fold the live file's write-ahead log into it before keeping it aside.
    const live = new SqliteDatabase(target);
    live.pragma('wal_checkpoint(TRUNCATE)');
    live.close();
    replaced = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target, replaced);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
  fs.renameSync(incoming, target);
  return { replaced };
}
