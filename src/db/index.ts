import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type KyselyConfig,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import pg from 'pg';
import type { DialectAdapter } from './dialect/types.ts';
import { sqliteAdapter } from './dialect/sqlite.ts';
import { postgresAdapter } from './dialect/postgres.ts';
import type { DB } from './schema.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { WriteBatcher, type Durability, type GroupJob, type WriteJob } from './writes.ts';

export type { DB } from './schema.ts';
export type { DialectAdapter } from './dialect/types.ts';

/** An open database: the Kysely instance, its dialect adapter and a way to close it. */
export interface Database {
  db: Kysely<DB>;
  dialect: DialectAdapter;
  /**
   * Runs a durable write in a transaction. Concurrent writes share one commit (group commit, each in its
   * own savepoint; see WriteBatcher). Use it for the writes that matter for throughput.
   */
  write<T>(fn: WriteJob<T>): Promise<T>;
  /**
   * A durable write of a kind that runs together with the others of its `key` in the same batch: `run` gets
   * all their items at once (see WriteBatcher.writeGrouped). Each write still succeeds or fails alone.
   */
  writeGrouped<I, R>(key: string, item: I, run: GroupJob<I, R>): Promise<R>;
  close(): Promise<void>;
}

/** Logs statements slower than QINGDAN_SLOW_QUERY_MS (off when unset): how a bad plan gets found. */
function slowQueryLog(): KyselyConfig['log'] {
  const limit = Number(process.env.QINGDAN_SLOW_QUERY_MS);
  if (!(limit > 0)) return undefined;
  return (event) => {
    if (event.queryDurationMillis >= limit) {
      console.warn(
        `slow query ${event.queryDurationMillis.toFixed(1)} ms: ${event.query.sql.replace(/\s+/g, ' ').slice(0, 400)}`,
      );
    }
  };
}

/**
 * Prepared statements kept by their SQL text (the query builder asks for a fresh one on every query, and
 * preparing cost more than running on the hot read paths). A statement still being iterated is not
 * shared; the cache holds the most recently used 1,000 texts.
 */
function statementCache(raw: SqliteDatabase.Database, beforeWrite: () => void) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        if (!hit.reader) beforeWrite();
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = raw.prepare(sql);
      if (!stmt.reader) beforeWrite();
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > 1000) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
}

/**
 * Durable group commits without blocking the event loop on the disk. A batch commits with
 * `synchronous=NORMAL` (in WAL mode SQLite then writes the log but does not sync it, and stays
 * corruption-safe), then the log file is synced on the thread pool; the batch is acknowledged only after
 * that sync, and the connection stays held until then, so no statement reads what is not yet on disk.
 * The next batch of writes may run meanwhile (see WriteBatcher): it is acknowledged after its own sync and
 * every earlier one. Every other transaction keeps `synchronous=FULL`.
 */
function walSync(raw: SqliteDatabase.Database, file: string): Durability {
  const wal = `${file}-wal`;
  let dirSynced = false;
  const syncFile = async (target: string) => {
    const fh = await fs.promises.open(target, 'r');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  };
  return {
    begin() {
      raw.pragma('synchronous = NORMAL');
    },
    async sync() {
      await syncFile(wal);
      if (!dirSynced) {
        // The log file's own directory entry, once (SQLite syncs it when it creates the file in FULL mode).
        await syncFile(path.dirname(file));
        dirSynced = true;
      }
    },
    end() {
      raw.pragma('synchronous = FULL');
    },
  };
}

/** Where the data lives: a PostgreSQL URL, or the folder holding the SQLite file. */
export interface DatabaseConfig {
  databaseUrl?: string;
  dataDir: string;
}

// int8 counts and numeric sums come back as strings from pg; we parse them once here.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens SQLite (WAL, synchronous=FULL so an acknowledged write survives a crash) or PostgreSQL. */
export function openDatabase(config: DatabaseConfig): Database {
  if (config.databaseUrl && /^postgres(ql)?:/.test(config.databaseUrl)) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process; the pool
    // replaces it on the next query.
    pool.on('error', (err) => console.warn(`postgres idle connection error: ${err.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: slowQueryLog() });
    // Group commit here too: one commit (one log flush) per batch, and the counter rows that serialise
    // writers are locked once per batch instead of once per write. At most 32 savepoints a transaction,
    // under the 64 subtransactions PostgreSQL tracks without overflowing.
    const batcher = new WriteBatcher(db, { maxBatch: 32 });
    return {
      db,
      dialect: postgresAdapter(config.databaseUrl),
      write: (fn) => batcher.write(fn),
      writeGrouped: (key, item, run) => batcher.writeGrouped(key, item, run),
      close: () => db.destroy(),
    };
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'qingdan.sqlite');
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // A small page cache (16 MB): the operating system caches the file too, and a larger one does not make
  // writes faster.
  raw.pragma('cache_size = -16384');
  raw.pragma('temp_store = MEMORY');
  const dialect = sqliteAdapter(raw);
  const db = new Kysely<DB>({
    // Every statement that writes (commit included) makes the adapter forget the data versions it read.
    dialect: new SqliteDialect({ database: statementCache(raw, () => dialect.forgetDataVersions?.()) }),
    log: slowQueryLog(),
  });
  const batcher = new WriteBatcher(db, { durability: walSync(raw, file) });
  return {
    db,
    dialect,
    write: (fn) => batcher.write(fn),
    writeGrouped: (key, item, run) => batcher.writeGrouped(key, item, run),
    close: () => db.destroy(),
  };
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrate(database: Database): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) {
        out[name] = { up: (db) => m.up(db, database.dialect) };
      }
      return out;
    },
  };
  // Migration numbers are handed out to parallel work ahead of time, so one may land after a higher one
  // has already run somewhere: it is run then, in its place, instead of refusing to start.
  const migrator = new Migrator({ db: database.db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
