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
  /**
   * Like `defer`, for writes of one kind that go together in one statement: `run` is called once at the end
   * of the batch with the items of every job that succeeded and gave this key (one multi-row insert of the
   * batch's search index entries instead of one per job).
   */
  deferItem<T>(key: string, item: T, run: (trx: Transaction<DB>, items: T[]) => Promise<void>): void;
}

/** Connections a write batch holds as its transaction (see `inTransaction`). */
const batchConnections = new WeakSet<object>();

/**
 * Whether `db` runs inside one transaction: a Kysely transaction, or the connection of a write batch
 * (which is not a Kysely transaction object but holds one open). Such an object never outlives it.
 */
export function inTransaction(db: Kysely<DB> | Transaction<DB>): boolean {
  return db.isTransaction || batchConnections.has(db);
}

const memos = new WeakMap<object, Map<string, unknown>>();

/**
 * Values remembered for the rest of one transaction (the end of the hash chain, say), or undefined outside
 * a transaction. A write batch forgets them whenever one of its jobs rolls back to its savepoint.
 */
export function transactionMemo(db: Kysely<DB> | Transaction<DB>): Map<string, unknown> | undefined {
  if (!inTransaction(db)) return undefined;
  let memo = memos.get(db);
  if (!memo) {
    memo = new Map();
    memos.set(db, memo);
  }
  return memo;
}

/** A unit of work that must commit durably, alone or together with others. */
export type WriteJob<T> = (trx: Transaction<DB>, batch: WriteBatch) => Promise<T>;

/**
 * Writes of one kind that run together: called once with the items of every queued write of its key in
 * the batch, it returns one result per item, in order. See `WriteBatcher.writeGrouped`.
 */
export type GroupJob<I, R> = (trx: Transaction<DB>, items: I[], batch: WriteBatch) => Promise<R[]>;

interface Queued {
  fn: WriteJob<unknown>;
  /** Set for a grouped write: the key its kind runs under, its item and the function that runs them. */
  group?: { key: string; item: unknown; run: GroupJob<unknown, unknown> };
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * How a batch's commit is made durable when the commit itself does not wait for the disk (SQLite commits
 * with `synchronous=NORMAL` and syncs the log afterwards, off the event loop). `begin` runs before the first
 * transaction of a run of batches; `sync` after each batch has committed, resolving when that commit is on
 * disk (the next batch of the run may write meanwhile); `end` after every sync of the run has settled,
 * while the connection is still held. A batch is acknowledged only after its own sync and every earlier
 * one of its run have resolved, and no other statement runs on the connection until the run ends (so
 * nothing reads what is not yet on disk).
 */
export interface Durability {
  begin(): void;
  sync(): Promise<void>;
  end(): void;
}

export interface WriteBatcherOptions {
  /** Most jobs in one transaction. */
  maxBatch?: number;
  /** The statement that opens a batch's transaction. */
  beginSql?: string;
  durability?: Durability;
  /**
   * Most batches one hold of the connection runs while earlier ones are still syncing (with `durability`):
   * reads wait for the whole run, so it stays short.
   */
  maxRun?: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit. Concurrent writes are queued and run one after another inside one transaction, each in
 * its own savepoint: a job that fails is rolled back alone, and all the others become durable with one
 * sync. No job is acknowledged before the commit that contains it is durable.
 *
 * A batch starts from `setImmediate`, after the event loop has read every request that is waiting on a
 * socket, and the next batch likewise: the requests that arrived while a batch ran join the next one
 * instead of each paying for its own sync. Where the sync comes after the commit (`durability`), the next
 * batch starts while it runs, up to `maxRun` batches a hold of the connection.
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

  /**
   * Runs a write of a kind that is cheaper together: the batch calls `run` once with the items of all its
   * queued writes of this `key` (one counter update, one multi-row insert, instead of one of each per write),
   * in one savepoint. If that fails, each item runs again alone in its own savepoint, so that only the
   * failing ones fail, as with `write`. Resolves after the batch has committed durably.
   */
  writeGrouped<I, R>(key: string, item: I, run: GroupJob<I, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const g = { key, item, run: run as GroupJob<unknown, unknown> };
      this.queue.push({
        fn: async (trx, batch) => (await g.run(trx, [item], batch))[0],
        group: g,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
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
    const first = this.queue.splice(0, this.maxBatch);
    try {
      await this.db
        .connection()
        .execute((conn) => this.runBatches(conn, first))
        .catch((error: unknown) => {
          // The connection could not be had, or the run could not start: the first batch is not
          // acknowledged (jobs already settled stay as they are).
          for (const job of first) job.reject(error);
        });
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  /**
   * Runs batches on one held connection: one, or with `durability` a short run of them, each starting
   * while the commits before it are still being synced (the disk's wait overlaps the next batch's work
   * instead of leaving the event loop idle). Each batch's jobs are settled when it is durable.
   */
  private async runBatches(conn: Kysely<DB>, first: Queued[]): Promise<void> {
    const durability = this.options.durability;
    const maxRun = durability ? (this.options.maxRun ?? 4) : 1;
    const settling: Promise<void>[] = [];
    // Resolves when every commit so far in this run is on disk.
    let durable: Promise<void> = Promise.resolve();
    let syncFailed = false;
    durability?.begin();
    try {
      for (let run = 0; run < maxRun; run++) {
        let jobs = first;
        if (run > 0) {
          // One turn of the event loop: the requests that came meanwhile join this batch, and the answers
          // of the batches already on disk go out.
          await new Promise((resolve) => setImmediate(resolve));
          if (this.queue.length === 0 || syncFailed) break;
          jobs = this.queue.splice(0, this.maxBatch);
        }
        let outcomes: Outcome[];
        try {
          outcomes = await this.runBatch(conn, jobs);
        } catch (error) {
          // The batch did not commit: nothing in it is acknowledged, and the run ends.
          for (const job of jobs) job.reject(error);
          break;
        }
        // Durable once its own sync and every earlier one have resolved (the log is written in order).
        const before = durable;
        durable = durability
          ? Promise.all([before, durability.sync()]).then(() => undefined)
          : Promise.resolve();
        settling.push(
          durable.then(
            () =>
              jobs.forEach((job, i) => {
                const o = outcomes[i]!;
                if (o.ok) job.resolve(o.value);
                else job.reject(o.error);
              }),
            (error: unknown) => {
              for (const job of jobs) job.reject(error);
            },
          ),
        );
        // A failed sync ends the run (its jobs and every later one's are rejected above).
        durable.catch(() => (syncFailed = true));
      }
    } finally {
      await Promise.all(settling);
      durability?.end();
    }
  }

  private async runBatch(conn: Kysely<DB>, jobs: Queued[]): Promise<Outcome[]> {
    await sql.raw(this.beginSql).execute(conn);
    try {
      // The connection is held for the whole batch: the jobs run on it as their transaction.
      const trx = conn as unknown as Transaction<DB>;
      batchConnections.add(conn);
      const deferred: Deferred[] = [];
      type Group = { run: (trx: Transaction<DB>, items: unknown[]) => Promise<void>; items: unknown[] };
      const groups = new Map<string, Group>();
      let savepoints = 0;
      /**
       * Runs `fn` in its own savepoint: what it defers is kept if it succeeds, and everything it wrote is
       * undone if it throws (then rethrown).
       */
      const inSavepoint = async <T>(fn: (batch: WriteBatch) => Promise<T>): Promise<T> => {
        const name = `job${savepoints++}`;
        const mine: Deferred[] = [];
        const myItems: { key: string; item: unknown; run: Group['run'] }[] = [];
        const batch: WriteBatch = {
          defer: (d) => void mine.push(d),
          deferItem: (key, item, run) => void myItems.push({ key, item, run: run as Group['run'] }),
        };
        await sql.raw(`savepoint ${name}`).execute(conn);
        let value: T;
        try {
          value = await fn(batch);
        } catch (error) {
          memos.delete(conn);
          await sql.raw(`rollback to ${name}`).execute(conn);
          await sql.raw(`release ${name}`).execute(conn);
          throw error;
        }
        await sql.raw(`release ${name}`).execute(conn);
        deferred.push(...mine);
        for (const { key, item, run } of myItems) {
          const g = groups.get(key) ?? { run, items: [] };
          g.items.push(item);
          groups.set(key, g);
        }
        return value;
      };
      const runOne = async (job: Queued): Promise<Outcome> => {
        try {
          return { ok: true, value: await inSavepoint((batch) => job.fn(trx, batch)) };
        } catch (error) {
          return { ok: false, error };
        }
      };
      const outcomes: Outcome[] = new Array<Outcome>(jobs.length);
      for (const [i, job] of jobs.entries()) {
        // Settled already: a grouped write that went with the first of its kind.
        if (outcomes[i]) continue;
        const key = job.group?.key;
        // Every write of this kind in the batch, together (the later ones are settled with this one).
        const members = key === undefined ? [i] : jobs.flatMap((j, k) => (j.group?.key === key ? [k] : []));
        if (members.length === 1) {
          outcomes[i] = await runOne(job);
          continue;
        }
        try {
          const values = await inSavepoint(async (batch) => {
            const v = await job.group!.run(
              trx,
              members.map((k) => jobs[k]!.group!.item),
              batch,
            );
            // Checked inside the savepoint: a wrong count undoes the group's writes before they run alone.
            if (v.length !== members.length)
              throw new Error(`grouped write ${key} gave ${v.length} results for ${members.length}`);
            return v;
          });
          members.forEach((k, n) => (outcomes[k] = { ok: true, value: values[n] }));
        } catch {
          // One of them failed: each runs again alone, so only the failing ones fail.
          for (const k of members) outcomes[k] = await runOne(jobs[k]!);
        }
      }
      for (const d of deferred) await d(trx);
      for (const g of groups.values()) await g.run(trx, g.items);
      await sql.raw('commit').execute(conn);
      return outcomes;
    } catch (error) {
      await sql
        .raw('rollback')
        .execute(conn)
        .catch(() => undefined);
      throw error;
    }
  }
}
