/**
 * The synthetic data generator (`npx qingdan gen --problems N --seed S`): a realistic jurisdiction for
 * benchmarks and demos. Categories follow a long-tailed frequency, townships and villages are weighted by
 * population, reports cluster in space around villages and in time by hour, weekday and season, texts are
 * varied Chinese, and every lifecycle state appears in plausible proportions with its log, results and
 * ratings. It writes through the product's bulk-import path (`beginBulkLoad`, the code a ledger import uses),
 * with the problems made and their rows prepared on a worker thread (generate.worker.ts).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { AppContext } from '../src/platform/context.ts';
import { reloadJurisdictions } from '../src/platform/jurisdictions.ts';
import { HETANG, seedHetang } from '../src/demo/hetang.ts';
import {
  beginBulkLoad,
  problemRowOf,
  type BulkLoad,
  type PreparedChunk,
} from '../src/modules/ledger/index.ts';
import { readReferenceSnapshot } from '../src/modules/reference/index.ts';
import { random } from '../src/kernel/random.ts';
import { contextOf, makeProblem, yearsOf } from './synth.ts';
import type { WorkerInput } from './generate.worker.ts';

/** Chunks a worker thread may prepare ahead of the one being written. */
const AHEAD = 2;

/**
 * Generates N problems into the database (seeding the Hetang reference data first when it is empty).
 *
 * The problems are made and prepared (rows, search tokens, the log's hashes) on a worker thread while this
 * one writes the chunk before: on two cores about a quarter of a million-problem load is that JavaScript.
 * `thread: false` prepares each chunk here instead (`load.add`), with the same result for the same seed.
 */
export async function generate(
  ctx: AppContext,
  opts: {
    problems: number;
    seed: number;
    batch?: number;
    thread?: boolean;
    /** The generator's time (ms; default now): two years of reports up to it. */
    now?: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<{ imported: number; seconds: number; rate: number }> {
  if (ctx.jurisdictions.length === 0) {
    await seedHetang(ctx, { problems: 'none' });
    await reloadJurisdictions(ctx);
  }
  const jid = ctx.jurisdictions[0]!.id;
  const rows = await readReferenceSnapshot(ctx.db, jid);
  const now = opts.now ?? Date.now();
  const batch = opts.batch ?? 5000;
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`batch: a whole number of at least 1, not ${batch}`);
  const actor = { userId: null, name: '数据生成器', unitId: null };
  const t0 = process.hrtime.bigint();
  let done = 0;
  const progress = (n: number) => {
    done += n;
    opts.onProgress?.(done, opts.problems);
  };
  // One bulk load in one transaction, as a ledger import is, fed chunk by chunk so that the generated
  // problems never all sit in memory at once.
  await ctx.db.transaction().execute(async (trx) => {
    const load = await beginBulkLoad(ctx, trx, jid, actor, {
      note: '批量导入',
      expected: opts.problems,
      // A process of its own: up to a quarter of the memory for the end of the load, at most 2 GiB.
      endCacheMiB: Math.min(2048, Math.floor(os.totalmem() / 4 / 2 ** 20)),
    });
    try {
      await load.reserveYears(yearsOf(now));
      if (opts.thread === false) {
        const r = random(opts.seed);
        const c = contextOf(jid, rows, now);
        while (done < opts.problems) {
          const n = Math.min(batch, opts.problems - done);
          await load.add(Array.from({ length: n }, (_, k) => makeProblem(r, c, done + k)));
          progress(n);
        }
      } else {
        await writeFromWorker(
          load,
          { plan: load.plan(), rows, now, seed: opts.seed, total: opts.problems, batch },
          progress,
        );
      }
      await load.finish();
    } catch (err) {
      await load.abort();
      throw err;
    }
  });
  await ctx.dialect.analyze(ctx.db);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { imported: done, seconds, rate: Math.round(done / seconds) };
}

/** Writes the chunks a worker thread makes and prepares, in order, keeping it at most AHEAD chunks ahead. */
async function writeFromWorker(
  load: BulkLoad,
  input: WorkerInput,
  progress: (n: number) => void,
): Promise<void> {
  const worker = new Worker(new URL('./generate.worker.mjs', import.meta.url), { workerData: input });
  const ready: PreparedChunk[] = [];
  let failed: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (chunk: PreparedChunk) => {
    ready.push(chunk);
    signal();
  });
  worker.on('error', (err) => {
    failed = err;
    signal();
  });
  // Node delivers a worker's messages before its exit event: a worker gone with chunks missing has failed.
  worker.on('exit', (code) => {
    failed ??= new Error(`the generator's worker thread stopped (exit code ${code}) before its last chunk`);
    signal();
  });
  try {
    worker.postMessage(AHEAD);
    let written = 0;
    while (written < input.total) {
      while (ready.length === 0 && !failed) await new Promise<void>((resolve) => (wake = resolve));
      if (ready.length === 0) throw failed!;
      const chunk = ready.shift()!;
      worker.postMessage(1);
      await load.write(chunk);
      written += chunk.ids.length;
      progress(chunk.ids.length);
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * The ceiling for import: the same problem rows, multi-row inserted into a bare copy of the problems table
 * (no indexes, no log, no full-text) in the same database.
 */
export async function rawInsertRate(ctx: AppContext, count: number, seed: number): Promise<number> {
  const jid = ctx.jurisdictions[0]!.id;
  const r = random(seed + 1);
  const c = contextOf(jid, await readReferenceSnapshot(ctx.db, jid), Date.now());
  await sql`drop table if exists bench_raw_problems`.execute(ctx.db);
  await sql`create table bench_raw_problems as select * from problems where 1 = 0`.execute(ctx.db);
  const at = new Date().toISOString();
  const rows = Array.from({ length: count }, (_, i) =>
    problemRowOf(jid, makeProblem(r, c, i), `raw-${i}`, `RAW-${i}`, at),
  );
  const cols = Object.keys(rows[0]!) as (keyof (typeof rows)[number])[];
  const values = rows.flatMap((row) => cols.map((col) => row[col]));
  const t0 = process.hrtime.bigint();
  // The fastest insert the database offers (the bulk path the import uses too, given rows ready as a flat
  // array), into a table without indexes, log or search index: what an import could at best approach.
  await ctx.db
    .transaction()
    .execute((trx) => ctx.dialect.bulkInsertRows(trx, 'bench_raw_problems' as 'problems', { cols, values }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await sql`drop table bench_raw_problems`.execute(ctx.db);
  return Math.round(count / seconds);
}

export { HETANG };
