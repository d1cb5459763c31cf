import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { ROLLUP_LEVELS as LEVELS } from '../../../db/rollupTables.ts';
import { addToRollup, runBulkRollup } from '../rollup/rollup.ts';
import { rebuildRollupStatements } from '../rollup/rollup.sql.ts';
import {
  countProblems,
  countRolledUp,
  rollupQueryOf as rollupQueryForFilters,
  unitSplitOf,
  type FilterContext,
  type ProblemFilters,
} from '../../problems/index.ts';
import type { Visibility } from '../../problems/index.ts';
import { rollupRepository, statsRepository, type GroupKey } from '../stats.repository.ts';
import { figuresPlanOf, kpiSums, rollupQueryOf, splitMedianHours } from '../stats.service.ts';
import { ROLLUP_GROUP_BY as GROUP_BY } from '../stats.schema.ts';

/** Aggregate rows in a stable order, numbers rounded alike whichever database or path they came from. */
const norm = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            k === 'key' || k === 'code' ? v : Math.round(Number(v ?? 0) * 1000) / 1000,
          ]),
        ),
      ),
    )
    .sort();

/** The KPIs (cached per data version) equal a direct count of the rows after every one of many random writes. */
describe('KPIs stay exact after every write', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let hr: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    hr = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  /** The same figures, counted straight from the rows. */
  async function direct() {
    const rows = await t.ctx.db
      .selectFrom('problems')
      .select(['status', 'resolved', 'dispatched_at', 'last_rating', 'domain', 'township_code'])
      .execute();
    const ind = await t.ctx.db
      .selectFrom('result_indicators as ri')
      .innerJoin('problems as p', (j) =>
        j.onRef('p.id', '=', 'ri.problem_id').onRef('p.jurisdiction_id', '=', 'ri.jurisdiction_id'),
      )
      .where('p.resolved', '=', 1)
      .where('ri.code', '=', 'new_jobs')
      .select('ri.value_scaled')
      .execute();
    return {
      received: rows.length,
      accepted: rows.filter((r) => r.dispatched_at !== null).length,
      resolved: rows.filter((r) => Number(r.resolved) === 1).length,
      closed: rows.filter((r) => r.status === 'closed').length,
      // The rating of the last rated round counts, through a 重办 too.
      rated: rows.filter((r) => r.last_rating !== null).length,
      livelihoodResolved: rows.filter((r) => r.domain === 'livelihood' && Number(r.resolved) === 1).length,
      newJobs: ind.reduce((s, r) => s + Number(r.value_scaled), 0),
    };
  }

  it('matches after 120 random writes', async () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // The high bits: the low bits of this generator repeat every few steps.
      return Math.floor(seed / 65536) % n;
    };
    const ids: string[] = [];
    for (let step = 0; step < 120; step++) {
      const choice = ids.length === 0 ? 0 : rnd(4);
      if (choice === 0) {
        const r = await resident.post('/api/problems', {
          categoryCode: rnd(2) ? 'jobs' : 'roads',
          title: `随机问题${step}`,
          description: '随机写入',
          villageCode: '430202001001',
          fields: { hazard: '一般' },
        });
        if (r.status !== 201) {
          // roads needs the hazard field and jobs refuses it: both outcomes are fine, nothing is written.
          expect(r.status).toBe(400);
        } else ids.push(r.body.id);
      } else {
        const id = ids[rnd(ids.length)]!;
        const p = (await supervisor.get(`/api/problems/${id}`)).body;
        const next: Record<string, [Client, string, unknown]> = {
          submitted: [supervisor, 'dispatch', { leadUnitId: hr }],
          assigned: [unit, 'sign', {}],
          in_progress: [
            unit,
            'request_closure',
            { summary: '已办结', indicators: [{ code: 'new_jobs', value: 1 + rnd(9) }] },
          ],
          closure_requested: [supervisor, 'verify', {}],
          closed: p.rating
            ? [supervisor, 'reopen', { reason: '复查' }]
            : [resident, 'rate', { rating: rnd(3) === 0 ? 'dissatisfied' : 'satisfied' }],
        };
        const a = next[p.status];
        if (a) expect((await a[0].post(`/api/problems/${id}/actions/${a[1]}`, a[2])).status).toBe(200);
      }
      const s = (await supervisor.get('/api/stats/summary?groupBy=domain')).body;
      const d = await direct();
      expect(s.totals.received).toBe(d.received);
      expect(s.totals.accepted).toBe(d.accepted);
      expect(s.totals.resolved).toBe(d.resolved);
      expect(s.totals.closed).toBe(d.closed);
      expect(s.totals.rated).toBe(d.rated);
      expect(s.groups.find((g: { key: string }) => g.key === 'livelihood')?.resolved ?? 0).toBe(
        d.livelihoodResolved,
      );
      expect(s.totals.indicators.find((i: { code: string }) => i.code === 'new_jobs').value).toBe(d.newJobs);
      const list = (await supervisor.get('/api/problems?pageSize=1')).body;
      expect(list.total).toBe(d.received);
      // A list's total by status comes from the rollup by status: exact after each write too.
      const closedList = (await supervisor.get('/api/problems?pageSize=1&status=closed')).body;
      expect(closedList.total).toBe(d.closed);
    }
  });

  /** Every rollup row with something in it, in a stable order and with plain numbers. */
  async function rollupRows() {
    const out: Record<string, unknown[]> = {};
    for (const level of [...LEVELS, { table: 'problem_close_hours', indicators: 'problem_close_hours' }]) {
      for (const table of [level.table, level.indicators]) {
        const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.ctx.db);
        out[table] = r.rows
          .map((row) =>
            Object.fromEntries(
              Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)]),
            ),
          )
          .filter((row) =>
            Object.entries(row).some(([k, v]) => typeof v === 'number' && v !== 0 && k !== 'jurisdiction_id'),
          )
          .map((row) => JSON.stringify(row))
          .sort();
      }
    }
    return out;
  }

  it('keeps the rollup equal to a rebuild from the rows, and the rollup answers equal the direct ones', async () => {
    // After the random writes above: what the triggers kept equals a rebuild from scratch.
    const kept = await rollupRows();
    expect(kept.problem_rollup!.length).toBeGreaterThan(0);
    await t.ctx.db.transaction().execute(async (trx) => {
      for (const s of rebuildRollupStatements(t.ctx.dialect)) await sql.raw(s).execute(trx);
    });
    expect(await rollupRows()).toEqual(kept);

    // Every grouping, with and without filters the rollup can answer, equals the computation over the rows.
    const fcOf = (filters: ProblemFilters): FilterContext => ({
      jurisdictionId: t.ctx.jurisdictions[0]!.id,
      filters,
      visibility: null,
      now: new Date().toISOString(),
      dialect: t.ctx.dialect,
    });
    const groups: (GroupKey | null)[] = [null, ...GROUP_BY];
    const filterSets = [
      {},
      { township: '430202001' },
      { domain: 'livelihood,economy', kind: ['resident' as const] },
      { channel: ['resident' as const] },
      { status: ['submitted' as const, 'in_progress' as const, 'closed' as const] },
      { status: ['closed' as const], township: '430202001', domain: 'livelihood' },
      {
        status: ['assigned' as const, 'closed' as const],
        from: '2023-01-01T00:00:00+08:00',
        to: '2030-01-01T00:00:00+08:00',
      },
    ];
    for (const filters of filterSets) {
      const fc = fcOf(filters);
      // A list's total for these filters: the rollup's count equals counting the rows.
      const counted = rollupQueryForFilters(fc);
      expect(counted).not.toBeNull();
      expect(await countRolledUp(t.ctx.db, counted!)).toBe(await countProblems(t.ctx.db, fc));
      for (const g of groups) {
        const rq = rollupQueryOf(fc, g);
        if ('status' in filters && !['township', 'month', 'category', 'domain', 'kind', null].includes(g)) {
          // No level keeps status with the channel, the unit, the topic or the campaign.
          expect(rq).toBeNull();
          continue;
        }
        expect(rq).not.toBeNull();
        expect(norm((await rollupRepository.aggregates(t.ctx.db, rq!, g)) as never)).toEqual(
          norm((await statsRepository.aggregates(t.ctx.db, fc, g)) as never),
        );
        expect(norm((await rollupRepository.indicatorSums(t.ctx.db, rq!, g)) as never)).toEqual(
          norm((await statsRepository.indicatorSums(t.ctx.db, fc, g)) as never),
        );
      }
    }
    // The median from the histogram of hours equals the median read in order from the rows.
    const whole = fcOf({});
    const closed = Number((await statsRepository.aggregates(t.ctx.db, whole, null))[0]!.closed);
    expect(closed).toBeGreaterThan(1);
    expect(kept.problem_indicator_rollup!.length).toBeGreaterThan(0);
    for (const n of [closed, closed - 1, 1, 2]) {
      expect(await rollupRepository.medianHours(t.ctx.db, whole.jurisdictionId, n)).toBe(
        await statsRepository.medianHours(t.ctx.db, whole, n),
      );
    }
    // Filters the rollup does not keep go to the rows.
    const byStatus = fcOf({ status: ['closed'], channel: ['resident'] });
    expect(rollupQueryOf(byStatus, 'township')).toBeNull();
    expect(rollupQueryForFilters(fcOf({ village: '430202001001' }))).toBeNull();
    const midMonth = fcOf({ from: '2026-03-15T00:00:00+08:00' });
    expect(rollupQueryOf(midMonth, null)).toBeNull();
    const monthStart = fcOf({ from: '2026-03-01T00:00:00+08:00' });
    expect(rollupQueryOf(monthStart, null)?.fromMonth).toBe('2026-03');
  });

  it("sums a unit's problems from the rollup for those it leads and from the rows for the rest, exactly", async () => {
    const other = (await supervisor.get('/api/units?q=住房')).body.items[0].id as string;
    const report = async (c: Client, title: string) => {
      const r = await c.post('/api/problems', {
        categoryCode: 'jobs',
        title,
        description: '单位统计',
        villageCode: '430202002002',
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const dispatch = async (id: string, leadUnitId: string, supportingUnitIds: string[] = []) =>
      expect(
        (await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId, supportingUnitIds }))
          .status,
      ).toBe(200);
    // Supported by the unit and led by another; the handler's own reports: not dispatched, led by another
    // and supported by his unit, led by his unit; one that is none of his unit's business.
    const supported = await report(resident, '协办问题');
    await dispatch(supported, other, [hr]);
    const own = await report(unit, '本单位人员反映');
    const ownSupported = await report(unit, '本人反映协办');
    await dispatch(ownSupported, other, [hr]);
    await dispatch(await report(unit, '本人反映主办'), hr);
    await dispatch(await report(resident, '他单位问题'), other);
    // Dispatched to the unit as the lead, sent back by it, then dispatched to another with it supporting.
    const redispatched = await report(resident, '改派');
    await dispatch(redispatched, hr);
    expect(
      (await unit.post(`/api/problems/${redispatched}/actions/bounce`, { reason: '不属于本单位职责' }))
        .status,
    ).toBe(200);
    await dispatch(redispatched, other, [hr]);

    const me = (await unit.get('/api/auth/me')).body.user.id as string;
    const scope: Visibility = { all: false, townships: [], unitIds: [hr], reporterId: me, topicLeadId: null };
    const fcOf = (filters: ProblemFilters, visibility: Visibility | null): FilterContext => ({
      jurisdictionId: t.ctx.jurisdictions[0]!.id,
      filters,
      visibility,
      now: new Date().toISOString(),
      dialect: t.ctx.dialect,
    });
    const cases: [ProblemFilters, Visibility | null][] = [
      [{}, scope],
      [{ township: '430202002' }, scope],
      [{ domain: 'livelihood,economy', kind: ['resident'] }, scope],
      [{ channel: ['resident'] }, scope],
      [{ unit: hr }, null],
      [{ unit: other }, null],
      [{ unit: hr, township: '430202001' }, null],
    ];
    for (const [filters, visibility] of cases) {
      const fc = fcOf(filters, visibility);
      expect(unitSplitOf(fc)).not.toBeNull();
      const whole = (await statsRepository.aggregates(t.ctx.db, fc, null))[0]!;
      expect(Number(whole.received)).toBeGreaterThan(0);
      for (const g of [null, ...GROUP_BY]) {
        const sums = await kpiSums(t.ctx.db, fc, figuresPlanOf(fc, g), g);
        expect(norm(sums.rows as never)).toEqual(
          norm((await statsRepository.aggregates(t.ctx.db, fc, g)) as never),
        );
        expect(norm(sums.indicators as never)).toEqual(
          norm((await statsRepository.indicatorSums(t.ctx.db, fc, g)) as never),
        );
      }
    }
    // The median time to close: the led problems' close times from their index, merged with the rest's.
    // Some of the rest closed too (written straight to the rows), one at a close time a led problem has.
    const open = await t.ctx.db
      .selectFrom('problems')
      .select('id')
      .where('lead_unit_id', '=', hr)
      .where('close_hours', 'is', null)
      .orderBy('id')
      .limit(5)
      .execute();
    expect(open.length).toBe(5);
    for (const [id, hours] of [
      ...open.map((r, i): [string, number] => [r.id, [3, 5, 7.5, 7.5, 40][i]!]),
      [supported, 0.001],
      [own, 7.5],
      [ownSupported, 1e6],
    ] as const)
      await t.ctx.db
        .updateTable('problems')
        .set({ status: 'closed', close_hours: hours, closed_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
    for (const [filters, visibility] of [
      [{}, scope],
      [{ unit: hr }, null],
      [{ unit: other }, null],
    ] as const) {
      const fc = fcOf(filters, visibility);
      const split = unitSplitOf(fc)!;
      const closed = Number((await statsRepository.aggregates(t.ctx.db, fc, null))[0]!.closed);
      expect(closed).toBeGreaterThan(0);
      for (let n = 1; n <= closed + 1; n++)
        expect(await splitMedianHours(t.ctx.db, fc.jurisdictionId, split, n)).toBe(
          await statsRepository.medianHours(t.ctx.db, fc, n),
        );
    }

    // What the split cannot answer goes to the rows: a status filter, a scope with townships, both a unit
    // scope and a unit filter.
    expect(unitSplitOf(fcOf({ status: ['closed'] }, scope))).toBeNull();
    expect(unitSplitOf(fcOf({}, { ...scope, townships: ['430202002'] }))).toBeNull();
    expect(unitSplitOf(fcOf({ unit: other }, scope))).toBeNull();
    // The handler's summary through the API: the same count as his list.
    const list = (await unit.get('/api/problems?pageSize=1')).body;
    const summary = (await unit.get('/api/stats/summary?groupBy=category')).body;
    expect(summary.totals.received).toBe(list.total);
    expect(summary.groups.reduce((n: number, g: { received: number }) => n + g.received, 0)).toBe(list.total);
  });

  it('reports written together, and many rows inserted or deleted in one statement, move the rollup exactly', async () => {
    const rebuilt = async () => {
      const kept = await rollupRows();
      await t.ctx.db.transaction().execute(async (trx) => {
        for (const s of rebuildRollupStatements(t.ctx.dialect)) await sql.raw(s).execute(trx);
      });
      expect(await rollupRows()).toEqual(kept);
      return kept;
    };
    const before = await rebuilt();
    // Concurrent reports: a write batch inserts them in one statement.
    const rs = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        resident.post('/api/problems', {
          categoryCode: i % 2 ? 'jobs' : 'roads',
          title: `同时${i}`,
          description: '同时提交',
          villageCode: i % 3 ? '430202001001' : '430202002002',
          fields: i % 2 ? {} : { hazard: '一般' },
        }),
      ),
    );
    expect(rs.map((r) => (r.status === 201 ? 201 : r.body))).toEqual(rs.map(() => 201));
    const afterReports = await rebuilt();
    expect(afterReports).not.toEqual(before);
    // Copies of every problem in one insert, then all of them deleted in one statement.
    const source = await t.ctx.db.selectFrom('problems').selectAll().execute();
    const copies = source.map((row) => ({ ...row, id: `${row.id}-many`, number: `${row.number}-many` }));
    await t.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < copies.length; i += 100)
        await trx
          .insertInto('problems')
          .values(copies.slice(i, i + 100) as never)
          .execute();
    });
    expect(await rebuilt()).not.toEqual(afterReports);
    await t.ctx.db.deleteFrom('problems').where('id', 'like', '%-many').execute();
    expect(await rebuilt()).toEqual(afterReports);
  });

  it('a bulk load without the triggers leaves the same rollup as the triggers would', async () => {
    const before = await rollupRows();
    const db = t.ctx.db;
    const cols = Object.keys(
      (await db.selectFrom('problems').selectAll().limit(1).executeTakeFirstOrThrow()) as object,
    );
    const source = await db.selectFrom('problems').selectAll().execute();
    // Copies of every problem (with its indicators) loaded with the triggers suspended, then added in bulk.
    const copyIds = await db.transaction().execute(async (trx) => {
      await runBulkRollup(trx, t.ctx.dialect, 'suspend');
      const ids: string[] = [];
      for (const row of source) {
        const copy = {
          ...(row as Record<string, unknown>),
          id: `${row.id}-copy`,
          number: `${row.number}-copy`,
        };
        await trx
          .insertInto('problems')
          .values(copy as never)
          .execute();
        const ind = await trx
          .selectFrom('result_indicators')
          .selectAll()
          .where('problem_id', '=', row.id)
          .execute();
        for (const i of ind)
          await trx
            .insertInto('result_indicators')
            .values({ ...i, problem_id: copy.id })
            .execute();
        ids.push(copy.id);
      }
      await addToRollup(trx, t.ctx.dialect, t.ctx.jurisdictions[0]!.id, ids);
      await runBulkRollup(trx, t.ctx.dialect, 'resume');
      return ids;
    });
    expect(copyIds.length).toBe(source.length);
    expect(cols.length).toBeGreaterThan(10);
    const loaded = await rollupRows();
    expect(loaded).not.toEqual(before);
    await db.transaction().execute(async (trx) => {
      for (const s of rebuildRollupStatements(t.ctx.dialect)) await sql.raw(s).execute(trx);
    });
    expect(await rollupRows()).toEqual(loaded);
    // The triggers are back: a change after the load still moves the rollup.
    await db.updateTable('problems').set({ channel: 'hotline' }).where('id', '=', copyIds[0]!).execute();
    const after = await rollupRows();
    await db.transaction().execute(async (trx) => {
      for (const s of rebuildRollupStatements(t.ctx.dialect)) await sql.raw(s).execute(trx);
    });
    expect(await rollupRows()).toEqual(after);
    expect(after).not.toEqual(loaded);
  });
});
