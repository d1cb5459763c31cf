/**
 * The bulk-load path on SQLite or PostgreSQL (QINGDAN_TEST_DB): a load fed in several chunks that drops and
 * rebuilds the problems table's secondary indexes keeps every index, chains every action, indexes every
 * problem for search and raises the counters; a failing load leaves nothing behind.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../kernel/chain.ts';
import { HETANG } from '../../../demo/hetang.ts';
import { ROLLUP_TABLE_NAMES } from '../../../db/rollupTables.ts';
import { rebuildRollups } from '../../stats/index.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { actionHashRecord, verifyChains } from '../../audit/index.ts';
import {
  actionHashText,
  beginBulkLoad,
  ChunkPreparer,
  INDEX_REBUILD_MIN,
  type ImportProblem,
} from '../index.ts';

const actor = { userId: null, name: '测试导入', unitId: null };

function problem(i: number, over: Partial<ImportProblem> = {}): ImportProblem {
  return {
    number: null,
    kind: 'resident',
    domain: 'livelihood',
    categoryCode: 'roads',
    channel: 'hotline',
    title: `荷塘路灯损坏${i}`,
    description: `第${i}号路灯夜间不亮，居民出行不便。`,
    reporterName: '市民',
    reporterPhone: null,
    enterpriseName: null,
    townshipCode: '430202001',
    villageCode: null,
    address: null,
    campaignId: null,
    topicId: null,
    leadUnitId: null,
    supportingUnitIds: [],
    rectificationType: null,
    closeDueAt: null,
    status: 'submitted',
    foundOn: '2024-05-0' + String(1 + (i % 9)),
    closedAt: null,
    rating: null,
    progress: [],
    result: null,
    extra: {
      history: [
        {
          action: 'submit',
          from: null,
          to: 'submitted',
          at: '2024-05-01T01:00:00.000Z',
          unitId: null,
          note: i % 2 ? '含"引号"与\\反斜杠' : null,
          public: true,
        },
      ],
    },
    ...over,
  };
}

/** The rows of every KPI rollup with something in them, comparable across rebuilds. */
async function rollups(app: TestApp): Promise<string[]> {
  const out: string[] = [];
  for (const table of ROLLUP_TABLE_NAMES) {
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(app.ctx.db);
    for (const row of r.rows) {
      const plain = Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)] as const);
      if (plain.some(([k, v]) => typeof v === 'number' && v !== 0 && k !== 'hour'))
        out.push(`${table} ${JSON.stringify(Object.fromEntries(plain))}`);
    }
  }
  return out.sort();
}

async function problemIndexes(app: TestApp): Promise<string[]> {
  const q =
    app.ctx.dialect.name === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'problems'`
      : sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'problems'`;
  return (await q.execute(app.ctx.db)).rows.map((r) => r.name).sort();
}

describe('bulk load', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seed: 'reference', clock: 'system' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('writes the canonical hash text of an action row', () => {
    const row = {
      jurisdiction_id: 'j',
      id: 'a',
      problem_id: 'p',
      seq: 7,
      action: 'import',
      from_status: null,
      to_status: 'closed',
      actor_user_id: null,
      actor_name: '名\n"x"',
      actor_unit_id: 'u',
      note: '\u2028备注',
      data: JSON.stringify({ number: 'QD-2024-000001', progress: [{ date: '2024-01-01', note: 'é' }] }),
      is_public: 0,
      created_at: '2024-01-01T00:00:00.000Z',
    };
    expect(actionHashText(row)).toBe(canonicalJson(actionHashRecord(row)));
  });

  it('loads in chunks with the indexes rebuilt, the log chained, search and counters complete', async () => {
    const jid = app.ctx.jurisdictions[0]!.id;
    const before = await problemIndexes(app);
    const cacheSize = async () =>
      app.ctx.dialect.name === 'sqlite'
        ? Number(
            (await sql<{ cache_size: number }>`pragma cache_size`.execute(app.ctx.db)).rows[0]!.cache_size,
          )
        : null;
    const cacheBefore = await cacheSize();
    // `expected` large enough to take the rebuild path, on a table far smaller than that.
    const ids = await app.ctx.db.transaction().execute(async (trx) => {
      const load = await beginBulkLoad(app.ctx, trx, jid, actor, {
        expected: INDEX_REBUILD_MIN,
        batchSize: 7,
        endCacheMiB: 1024,
      });
      const out = [
        ...(await load.add(Array.from({ length: 20 }, (_, i) => problem(i)))),
        ...(await load.add(Array.from({ length: 15 }, (_, i) => problem(100 + i)))),
      ];
      await load.finish();
      return out;
    });
    expect(ids).toHaveLength(35);
    expect(await problemIndexes(app)).toEqual(before);
    // The connection's own page cache again after the load's larger one.
    expect(await cacheSize()).toBe(cacheBefore);
    const report = await verifyChains(app.ctx.db);
    expect(report.ok, JSON.stringify(report.broken)).toBe(true);
    const actions = await app.ctx.db
      .selectFrom('actions')
      .select(['problem_id', 'action'])
      .where('jurisdiction_id', '=', jid)
      .orderBy('seq')
      .execute();
    expect(actions).toHaveLength(70);
    expect(actions.slice(0, 2).map((a) => a.action)).toEqual(['submit', 'import']);
    const numbers = await app.ctx.db
      .selectFrom('problems')
      .select('number')
      .where('jurisdiction_id', '=', jid)
      .execute();
    expect(new Set(numbers.map((n) => n.number)).size).toBe(35);
    const counter = await app.ctx.db
      .selectFrom('counters')
      .select('value')
      .where('jurisdiction_id', '=', jid)
      .where('name', '=', 'problem_number:2024')
      .executeTakeFirstOrThrow();
    expect(Number(counter.value)).toBe(35);
    const sup = await app.as('demo-supervisor');
    const found = await sup.get(`/api/problems?q=${encodeURIComponent('路灯损坏')}&pageSize=1`);
    expect(found.body.total).toBe(35);
    const one = await sup.get(`/api/problems?q=${encodeURIComponent('第114号')}&pageSize=5`);
    expect(one.body.total).toBe(1);
    if (app.ctx.dialect.name === 'sqlite') {
      // The load's full-text entries were merged into one segment at its end (no merging left for the
      // writes that follow).
      const segments = await sql<{
        n: number;
      }>`select count(distinct segid) as n from problem_search_idx`.execute(app.ctx.db);
      expect(Number(segments.rows[0]!.n)).toBe(1);
    }
    // The KPI rollups took the load without their triggers and equal a rebuild; the triggers are back.
    const kept = await rollups(app);
    const summary = (await sup.get('/api/stats/summary?groupBy=township')).body;
    expect(summary.totals.received).toBe(35);
    await app.ctx.db.transaction().execute(async (trx) => {
      await rebuildRollups(trx, app.ctx.dialect);
    });
    expect(await rollups(app)).toEqual(kept);
    const first = await app.ctx.db
      .selectFrom('problems')
      .select('channel')
      .where('id', '=', ids[0]!)
      .executeTakeFirstOrThrow();
    await app.ctx.db
      .updateTable('problems')
      .set({ channel: first.channel === 'hotline' ? 'online' : 'hotline' })
      .where('id', '=', ids[0]!)
      .execute();
    const moved = await rollups(app);
    expect(moved).not.toEqual(kept);
    await app.ctx.db.transaction().execute(async (trx) => {
      await rebuildRollups(trx, app.ctx.dialect);
    });
    expect(await rollups(app)).toEqual(moved);
  });

  it('leaves nothing behind when a load fails', async () => {
    const jid = app.ctx.jurisdictions[0]!.id;
    const count = async () =>
      Number(
        (
          await app.ctx.db
            .selectFrom('problems')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { problems: await count(), indexes: await problemIndexes(app) };
    await expect(
      app.ctx.db.transaction().execute(async (trx) => {
        const load = await beginBulkLoad(app.ctx, trx, jid, actor, { expected: INDEX_REBUILD_MIN });
        try {
          await load.add([
            problem(1, { number: `${HETANG.prefix}-2024-900001` }),
            problem(2, { number: `${HETANG.prefix}-2024-900001` }),
          ]);
          await load.finish();
        } catch (err) {
          await load.abort();
          throw err;
        }
      }),
    ).rejects.toThrow();
    expect(await count()).toBe(before.problems);
    expect(await problemIndexes(app)).toEqual(before.indexes);
    expect((await verifyChains(app.ctx.db)).ok).toBe(true);
  });

  it('writes chunks prepared elsewhere from its plan, in order only', async () => {
    const jid = app.ctx.jurisdictions[0]!.id;
    const ids = await app.ctx.db.transaction().execute(async (trx) => {
      const load = await beginBulkLoad(app.ctx, trx, jid, actor);
      await load.reserveYears(['2024']);
      // As a worker thread would: a preparer of its own, given the plan.
      const preparer = new ChunkPreparer(load.plan());
      expect(() => preparer.prepare([problem(1, { foundOn: '2019-03-01' })])).toThrow(/2019.*not reserved/);
      const first = preparer.prepare([problem(200), problem(201)]);
      const second = preparer.prepare([problem(202)]);
      await expect(load.write(second)).rejects.toThrow(/written after/);
      await load.write(first);
      await expect(load.write(first)).rejects.toThrow(/written after/);
      await load.write(second);
      await load.finish();
      return [...first.ids, ...second.ids];
    });
    const rows = await app.ctx.db
      .selectFrom('problems')
      .select(['id', 'number'])
      .where('id', 'in', ids)
      .orderBy('number')
      .execute();
    // After the 35 of the first load (the failed one took none).
    expect(rows.map((r) => r.number)).toEqual([36, 37, 38].map((n) => `${HETANG.prefix}-2024-0000${n}`));
    const report = await verifyChains(app.ctx.db);
    expect(report.ok, JSON.stringify(report.broken)).toBe(true);
    expect(report.checked.actions).toBe(76);
    const counters = await app.ctx.db
      .selectFrom('counters')
      .select(['name', 'value'])
      .where('jurisdiction_id', '=', jid)
      .where('name', 'in', ['action_seq', 'problem_number:2024'])
      .orderBy('name')
      .execute();
    expect(counters.map((c) => [c.name, Number(c.value)])).toEqual([
      ['action_seq', 76],
      ['problem_number:2024', 38],
    ]);
  });
});
