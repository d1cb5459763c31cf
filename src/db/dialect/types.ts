import type { Expression, Insertable, Kysely, RawBuilder, SqlBool, Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { RowSet } from './rowSet.ts';

/** Column types used by migrations, spelled per dialect. */
export interface ColumnTypes {
  /** Free text of any length. */
  text: 'text';
  /** 64-bit integer. */
  bigint: 'integer' | 'bigint';
  /** 32-bit integer. */
  int: 'integer';
  /** Double precision floating point. */
  real: 'real' | 'double precision';
}

/**
 * The dialect-free SQL text the KPI rollup is made of (built by the stats module), from which each dialect
 * makes its triggers and its bulk-load steps. `r` names a problems row (NEW, OLD or an alias); sign 1 adds
 * the row's contribution, -1 takes it away.
 */
export interface RollupParts {
  /** The problems columns whose change can move a problem's contribution. */
  watched: readonly string[];
  /** One upsert per level adding the row's measures. */
  problemUpserts(r: string, sign: 1 | -1): string[];
  /** One upsert per level adding the row's result indicators (when it is resolved). */
  indicatorUpsertsFromProblem(r: string, sign: 1 | -1): string[];
  /** The upsert counting the row in the close-time histogram (when it has a close time). */
  histogramUpsert(r: string, sign: 1 | -1): string;
  /** One upsert per level adding one result_indicators row at its problem's grain. */
  indicatorUpsertsFromIndicator(r: string, sign: 1 | -1): string[];
  /** Statements adding the problems matching `where` (over `problems x`) to every level, as upserts. */
  addMatching(where: string): string[];
}

/** What the KPI rollup needs from the dialect: expressions, triggers and the bulk-load steps. */
export interface RollupDialect {
  /** SQL text of 'YYYY-MM' of row `r`'s creation time in the jurisdiction's time zone (+08:00). */
  monthOfRow(r: string): string;
  /** SQL text of the whole hour of row `r`'s close time (the histogram's bucket). */
  wholeHourOfRow(r: string): string;
  /** What follows `problems x` to read the whole table rather than through an index ('' where moot). */
  scanHint: string;
  /** Stops the triggers for the caller's (bulk-load) transaction. */
  suspendStatements(parts: RollupParts): string[];
  /** Starts them again and adds what the load noted but did not add yet. */
  resumeStatements(parts: RollupParts): string[];
  /** Adds (or notes, to add at resume) newly inserted problems of one jurisdiction during a bulk load. */
  addLoaded(
    trx: Kysely<DB> | Transaction<DB>,
    parts: RollupParts,
    jurisdictionId: string,
    problemIds: string[],
  ): Promise<void>;
}

/** Everything that differs between SQLite and PostgreSQL lives behind this interface. */
export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  readonly types: ColumnTypes;
  /** The KPI rollup's dialect-specific SQL. */
  readonly rollup: RollupDialect;
  /** Creates the full-text index for problems (a dialect-specific migration step). */
  createProblemSearchIndex(db: Kysely<unknown>): Promise<void>;
  /** Writes the tokenised search text of one problem into the full-text index. */
  indexProblem(
    trx: Kysely<DB> | Transaction<DB>,
    jurisdictionId: string,
    problemId: string,
    tokens: string,
  ): Promise<void>;
  /** Writes many problems' search texts at once (bulk import). */
  indexProblems(
    trx: Kysely<DB> | Transaction<DB>,
    rows: { jurisdictionId: string; problemId: string; tokens: string }[],
  ): Promise<void>;
  /**
   * Writes the search texts of problems that have none yet (the new problems of a bulk load), without
   * looking for an earlier entry of each.
   */
  indexNewProblems(
    trx: Kysely<DB> | Transaction<DB>,
    rows: { jurisdictionId: string; problemId: string; tokens: string }[],
  ): Promise<void>;
  /**
   * Starts a bulk load into `tables` inside the caller's transaction; `end()` (in the same transaction,
   * after the last row) finishes it. With `rebuildIndexes` the tables' non-unique secondary indexes are
   * dropped at the start and built again by `end()` (unique ones stay and refuse duplicates as rows come).
   * `abort()` instead of `end()` when the transaction is to roll back (which brings the indexes back).
   * `endCacheMiB`: on SQLite, the page cache while `end()` rebuilds (see BulkLoadOptions.endCacheMiB).
   */
  beginBulkLoad(
    trx: Kysely<DB> | Transaction<DB>,
    opts: { tables: string[]; rebuildIndexes: boolean; endCacheMiB?: number },
  ): Promise<{ end(): Promise<void>; abort(): Promise<void> }>;
  /** A condition on `problems.id` matching all the given query tokens. */
  problemSearchCondition(jurisdictionId: string, tokens: string[]): Expression<SqlBool>;
  /**
   * The ids (`id`) of the newest `limit` problems holding any of the given query tokens (the candidates of a
   * ranked search).
   */
  problemSearchAnyIds(jurisdictionId: string, tokens: string[], limit: number): RawBuilder<{ id: string }>;
  /**
   * The newest `limit` entries of the text index holding one query token (as `problemSearchAnyIds` finds
   * them), each with its problem's id, row key (`problemKey`) and creation time (null for an entry of another
   * jurisdiction) and its place in the index's order (`pos`, higher is newer; null where the database does
   * not tell it), read from indexes alone. Fewer than `limit` rows: these are all the entries holding it.
   */
  problemSearchArm(
    jurisdictionId: string,
    token: string,
    limit: number,
  ): RawBuilder<{
    id: string | null;
    key: string | number | null;
    created_at: string | null;
    pos: number | null;
  }>;
  /**
   * The column that names a problem's row in its own table's indexes: SQLite's rowid (which every index
   * of problems holds, so a search's candidates come from the indexes alone), PostgreSQL's id.
   */
  problemKey: 'rowid' | 'id';
  /** SQL text of the grid cell of two coordinate columns, the same as kernel/geo.ts geoCell (index and query). */
  geoCellExpression(latColumn: string, lngColumn: string): string;
  /** 'YYYY-MM' of an ISO UTC timestamp column, in the jurisdiction's time zone (+08:00). */
  monthOf(column: string): RawBuilder<string>;
  /** Hours between two ISO timestamp columns. */
  hoursBetween(fromColumn: string, toColumn: string): RawBuilder<number>;
  /**
   * Inserts many rows into one table as fast as the database allows (bulk import). Must be called inside
   * a transaction: on SQLite it runs a cached prepared statement on the transaction's connection.
   */
  bulkInsert<T extends keyof DB & string>(
    trx: Kysely<DB> | Transaction<DB>,
    table: T,
    rows: Insertable<DB[T]>[],
  ): Promise<void>;
  /** bulkInsert of rows given row-major (RowSet: `cols.length` values a row, in the order of `cols`). */
  bulkInsertRows(trx: Kysely<DB> | Transaction<DB>, table: keyof DB & string, rows: RowSet): Promise<void>;
  /**
   * The data version of a jurisdiction read without the query builder (the hot path of every cached
   * answer), or undefined where the dialect has no faster way than a query, or not now. `counter`: the
   * counters row that is the version (`action_seq`, the problems' actions, by default; `log:<module>`).
   */
  readDataVersion?(jurisdictionId: string, counter?: string): number | undefined;
  /** Forgets data versions remembered by readDataVersion (called before every writing statement). */
  forgetDataVersions?(): void;
  /**
   * Refreshes the planner's statistics (after a bulk import, and at start-up). With `staleOnly` (start-up)
   * only where the database counts enough changes since the last refresh, or none was ever made.
   */
  analyze(db: Kysely<DB>, opts?: { staleOnly?: boolean }): Promise<void>;
  /**
   * Reclaims the old row versions of the rollup tables, outside any transaction (PostgreSQL: every write
   * updates their rows, and a bulk load updates each of them once a chunk; where autovacuum is off or behind,
   * a small rollup table gathers far more dead rows than live ones, and every summary scans
   * them). Undefined where the database reuses the space itself.
   */
  tidyRollups?(db: Kysely<DB>): Promise<void>;
  /** Takes an online, consistent copy of the database into the given file or folder. */
  backup(target: string): Promise<void>;
  /**
   * Whether an error means the database cannot serve now (down, unreachable, busy, out of disk), which the
   * server answers with 503 and no driver text, rather than a fault of the request or of the code.
   */
  isUnavailable(err: unknown): boolean;
}
