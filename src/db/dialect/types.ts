import type { Expression, Insertable, Kysely, RawBuilder, SqlBool, Transaction } from 'kysely';
import type { DB } from '../schema.ts';

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

/** Everything that differs between SQLite and PostgreSQL lives behind this interface. */
export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  readonly types: ColumnTypes;
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
  /** A condition on `problems.id` matching all the given query tokens. */
  problemSearchCondition(jurisdictionId: string, tokens: string[]): Expression<SqlBool>;
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
  /** Refreshes the planner's statistics (after a bulk import, and at start-up). */
  analyze(db: Kysely<DB>): Promise<void>;
  /** Takes an online, consistent copy of the database into the given file or folder. */
  backup(target: string): Promise<void>;
}
