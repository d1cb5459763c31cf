import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Work a job leaves for the end of its batch, in the same transaction, before the commit. */
export type Deferred = (trx: Transaction<DB>) => Promise<void>;

/** What a job may ask of the batch it runs in. */
export interface WriteBatch {
  /**
   * Runs `fn` after every job of the batch, before the commit, if this job succeeds; if it fails, the
   * batch fails whole. For writes that are cheaper together than one by one (SQLite's FTS5 index flushes
   * its pending terms at every statement savepoint: indexed at the end, a batch writes one segment).
   */
  defer(fn: Deferred): void;
}

/** A unit of work that must commit durably, alone or together with others. */
export type WriteJob<T> = (trx: Transaction<DB>, batch: WriteBatch) => Promise<T>;

interface Queued {
  fn: WriteJob<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * How a batch's commit is made durable. `begin` runs before the transaction starts, `end` after it has
 * committed or rolled back, while the connection is still held: a batch is acknowledged only after `end`
 * has resolved, and no other statement runs on the connection in between (so nothing reads what is not
 * yet on disk).
 */
export interface Durability {
  begin(): void;
  end(committed: boolean): Promise<void>;
}

export interface WriteBatcherOptions {
  /** Most jobs in one transaction. */
  maxBatch?: number;
  /** The statement that opens a batch's transaction. */
  beginSql?: string;
  durability?: Durability;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit. Concurrent writes are queued and run one after another inside one transaction, each in
 * its own savepoint: a job that fails is rolled back alone, and all the others become durable with one
 * sync. No job is acknowledged before the commit that contains it is durable.
 *
 * A batch starts from `setImmediate`, after the event loop has read every request that is waiting on a
 * socket, and the next batch likewise: the requests that arrived while a batch ran join the next one
 * instead of each paying for its own sync.
 */
export class WriteBatcher {
  private queue: Queued[] = [];
  private running = false;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly beginSql: string;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: WriteBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.beginSql = options.beginSql ?? 'begin';
  }

  /** Runs a job in the next batch; resolves after its batch has committed durably. */
  write<T>(fn: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn: fn as WriteJob<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const jobs = this.queue.splice(0, this.maxBatch);
    try {
      let outcomes: Outcome[];
      try {
        outcomes = await this.db.connection().execute((conn) => this.runBatch(conn, jobs));
      } catch (error) {
        // The batch did not commit: nothing in it is acknowledged.
        for (const job of jobs) job.reject(error);
        return;
      }
      jobs.forEach((job, i) => {
        const o = outcomes[i]!;
        if (o.ok) job.resolve(o.value);
        else job.reject(o.error);
      });
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private async runBatch(conn: Kysely<DB>, jobs: Queued[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const durability = this.options.durability;
    durability?.begin();
    let committed = false;
    try {
      await sql.raw(this.beginSql).execute(conn);
      try {
        // The connection is held for the whole batch: the jobs run on it as their transaction.
        const trx = conn as unknown as Transaction<DB>;
        const deferred: Deferred[] = [];
        for (const [i, job] of jobs.entries()) {
          const name = `job${i}`;
          const mine: Deferred[] = [];
          await sql.raw(`savepoint ${name}`).execute(conn);
          try {
            outcomes.push({ ok: true, value: await job.fn(trx, { defer: (d) => void mine.push(d) }) });
            await sql.raw(`release ${name}`).execute(conn);
            deferred.push(...mine);
          } catch (error) {
            outcomes.push({ ok: false, error });
            await sql.raw(`rollback to ${name}`).execute(conn);
            await sql.raw(`release ${name}`).execute(conn);
          }
        }
        for (const d of deferred) await d(trx);
        await sql.raw('commit').execute(conn);
        committed = true;
      } catch (error) {
        await sql
          .raw('rollback')
          .execute(conn)
          .catch(() => undefined);
        throw error;
      }
    } finally {
      await durability?.end(committed);
    }
    return outcomes;
  }
}
