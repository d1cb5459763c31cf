import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** A unit of work that must commit durably, alone or together with others. */
export type WriteJob<T> = (trx: Transaction<DB>) => Promise<T>;

interface Queued {
  fn: WriteJob<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for SQLite. SQLite has one writer and `synchronous=FULL` syncs the log on every commit, so
 * concurrent writes are queued and run one after another inside one transaction, each in its own
 * savepoint: a job that fails is rolled back alone, and all the others become durable with one sync.
 * No job is acknowledged before the commit that contains it has returned.
 */
export class WriteBatcher {
  private queue: Queued[] = [];
  private draining = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 64,
  ) {}

  /** Runs a job in the next batch; resolves after its batch has committed. */
  write<T>(fn: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn: fn as WriteJob<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const jobs = this.queue.splice(0, this.maxBatch);
        const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        try {
          const trx = await this.db.startTransaction().execute();
          try {
            for (const [i, job] of jobs.entries()) {
              const name = `job${i}`;
              const sp = await trx.savepoint(name).execute();
              try {
                outcomes.push({ ok: true, value: await job.fn(sp) });
                await sp.releaseSavepoint(name).execute();
              } catch (error) {
                outcomes.push({ ok: false, error });
                await sp.rollbackToSavepoint(name).execute();
                await sp.releaseSavepoint(name).execute();
              }
            }
            await trx.commit().execute();
          } catch (error) {
            await trx
              .rollback()
              .execute()
              .catch(() => undefined);
            throw error;
          }
        } catch (error) {
          // The batch did not commit: nothing in it is acknowledged.
          for (const job of jobs) job.reject(error);
          continue;
        }
        jobs.forEach((job, i) => {
          const o = outcomes[i]!;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
      }
    } finally {
      this.draining = false;
    }
  }
}
