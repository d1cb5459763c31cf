import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { DB } from '../schema.ts';
import { WriteBatcher, type Durability } from '../writes.ts';

/** A durability whose syncs the test settles by hand, recording what happened in order. */
function manualDurability(events: string[]) {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const durability: Durability = {
    begin: () => void events.push('begin'),
    sync: () =>
      new Promise<void>((resolve, reject) => {
        events.push(`sync ${pending.length}`);
        pending.push({ resolve, reject });
      }),
    end: () => void events.push('end'),
  };
  return { durability, pending };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Waits until `cond` holds (a few turns of the event loop at most). */
async function until(cond: () => boolean) {
  for (let i = 0; i < 100 && !cond(); i++) await tick();
  expect(cond()).toBe(true);
}

describe('write batches while earlier commits sync', () => {
  let db: Kysely<DB>;
  afterEach(async () => db?.destroy());

  const open = async () => {
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    await sql`create table t (n integer not null)`.execute(db);
  };
  const insert = (n: number) => async (trx: Kysely<DB>) => {
    await sql`insert into t (n) values (${n})`.execute(trx);
    return n;
  };
  const rows = async () =>
    (await sql<{ n: number }>`select n from t order by n`.execute(db)).rows.map((r) => r.n);

  it('runs the next batch during a sync, acknowledges each only when it and every earlier one are on disk, and lets no read in before', async () => {
    await open();
    const events: string[] = [];
    const { durability, pending } = manualDurability(events);
    const batcher = new WriteBatcher(db, { durability, maxBatch: 1, maxRun: 4 });
    const settled: number[] = [];
    const writes = [1, 2, 3].map((n) => batcher.write(insert(n)).then((v) => void settled.push(v)));
    // All three batches committed, each while the syncs before it were still running.
    await until(() => pending.length === 3);
    expect(events).toEqual(['begin', 'sync 0', 'sync 1', 'sync 2']);
    // A read waits for the connection until every commit of the run is on disk.
    let read: number[] | undefined;
    const reading = rows().then((r) => (read = r));
    await tick();
    expect(read).toBeUndefined();
    // The second sync resolves first: nothing is acknowledged, as the first is not on disk yet.
    pending[1]!.resolve();
    await tick();
    expect(settled).toEqual([]);
    pending[0]!.resolve();
    await until(() => settled.length === 2);
    expect(settled).toEqual([1, 2]);
    expect(read).toBeUndefined();
    pending[2]!.resolve();
    await Promise.all([...writes, reading]);
    expect(settled).toEqual([1, 2, 3]);
    expect(read).toEqual([1, 2, 3]);
    expect(events.at(-1)).toBe('end');
  });

  it('fails a batch whose sync fails, and every later batch of the run, and goes on afterwards', async () => {
    await open();
    const events: string[] = [];
    const { durability, pending } = manualDurability(events);
    const batcher = new WriteBatcher(db, { durability, maxBatch: 1, maxRun: 4 });
    const writes = [1, 2].map((n) => batcher.write(insert(n)));
    await until(() => pending.length === 2);
    pending[1]!.resolve();
    pending[0]!.reject(new Error('disk gone'));
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('disk gone');
    await until(() => events.at(-1) === 'end');
    // The next write starts a new run.
    const next = batcher.write(insert(3));
    await until(() => pending.length === 3);
    pending[2]!.resolve();
    expect(await next).toBe(3);
  });

  it('starts no more than maxRun batches on one hold of the connection', async () => {
    await open();
    const events: string[] = [];
    const { durability, pending } = manualDurability(events);
    const batcher = new WriteBatcher(db, { durability, maxBatch: 1, maxRun: 2 });
    const writes = [1, 2, 3].map((n) => batcher.write(insert(n)));
    await until(() => pending.length === 2);
    for (let i = 0; i < 5; i++) await tick();
    // The third waits for the run to end: its sync has not been asked for.
    expect(pending).toHaveLength(2);
    pending[0]!.resolve();
    pending[1]!.resolve();
    await until(() => pending.length === 3);
    expect(events.filter((e) => e === 'begin')).toHaveLength(2);
    pending[2]!.resolve();
    expect(await Promise.all(writes)).toEqual([1, 2, 3]);
  });
});
