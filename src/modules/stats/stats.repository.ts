import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { applyFilters, type FilterContext } from '../problems/index.ts';

type Db = Kysely<DB> | Transaction<DB>;

const GROUP_COLUMNS = {
  domain: 'problems.domain',
  kind: 'problems.kind',
  channel: 'problems.channel',
  township: 'problems.township_code',
  unit: 'problems.lead_unit_id',
  topic: 'problems.topic_id',
  category: 'problems.category_code',
} as const;
export type GroupKey = keyof typeof GROUP_COLUMNS | 'month';

/** Raw aggregate row, as both dialects return it (numbers may come back as strings or null). */
export interface AggregateRow {
  key: string | null;
  received: unknown;
  accepted: unknown;
  resolved: unknown;
  closed: unknown;
  closed_on_time: unknown;
  responded_on_time: unknown;
  rated: unknown;
  satisfied: unknown;
  bounced: unknown;
  repeated: unknown;
  hours_sum: unknown;
}

/** All SQL of the statistics. */
export const statsRepository = {
  async aggregates(db: Db, fc: FilterContext, groupBy: GroupKey | null): Promise<AggregateRow[]> {
    const keyExpr =
      groupBy === null
        ? sql<string | null>`null`
        : groupBy === 'month'
          ? fc.dialect.monthOf('problems.created_at')
          : sql<string | null>`${sql.ref(GROUP_COLUMNS[groupBy])}`;
    let q = applyFilters(db.selectFrom('problems'), fc).select([
      keyExpr.as('key'),
      sql<number>`count(*)`.as('received'),
      sql<number>`sum(case when problems.dispatched_at is not null then 1 else 0 end)`.as('accepted'),
      sql<number>`sum(problems.resolved)`.as('resolved'),
      sql<number>`sum(case when problems.status = 'closed' then 1 else 0 end)`.as('closed'),
      sql<number>`sum(case when problems.status = 'closed' and problems.closed_at <= problems.close_due_at then 1 else 0 end)`.as(
        'closed_on_time',
      ),
      sql<number>`sum(case when problems.responded_at is not null and problems.responded_at <= problems.respond_due_at then 1 else 0 end)`.as(
        'responded_on_time',
      ),
      sql<number>`sum(case when problems.rating is not null then 1 else 0 end)`.as('rated'),
      sql<number>`sum(case when problems.rating in ('satisfied', 'basically_satisfied') then 1 else 0 end)`.as(
        'satisfied',
      ),
      sql<number>`sum(case when problems.bounce_count > 0 then 1 else 0 end)`.as('bounced'),
      sql<number>`sum(case when problems.reopen_count > 0 then 1 else 0 end)`.as('repeated'),
      sql<number>`sum(problems.close_hours)`.as('hours_sum'),
    ]);
    if (groupBy !== null) q = q.groupBy(keyExpr);
    return (await q.execute()) as AggregateRow[];
  },

  async indicatorSums(db: Db, fc: FilterContext, groupBy: GroupKey | null) {
    const keyExpr =
      groupBy === null
        ? sql<string | null>`null`
        : groupBy === 'month'
          ? fc.dialect.monthOf('problems.created_at')
          : sql<string | null>`${sql.ref(GROUP_COLUMNS[groupBy])}`;
    let q = applyFilters(db.selectFrom('problems'), fc)
      .innerJoin('result_indicators as ri', (j) =>
        j
          .onRef('ri.jurisdiction_id', '=', 'problems.jurisdiction_id')
          .onRef('ri.problem_id', '=', 'problems.id'),
      )
      .where('problems.resolved', '=', 1)
      .select([keyExpr.as('key'), 'ri.code', sql<number>`sum(ri.value_scaled)`.as('total')])
      .groupBy('ri.code');
    if (groupBy !== null) q = q.groupBy(keyExpr);
    return (await q.execute()) as { key: string | null; code: string; total: unknown }[];
  },

  /** The median of hours to close, by sorting (works the same on both dialects). */
  async medianHours(db: Db, fc: FilterContext, closedCount: number): Promise<number | null> {
    if (closedCount === 0) return null;
    const base = applyFilters(db.selectFrom('problems'), fc).where('problems.close_hours', 'is not', null);
    const lo = Math.floor((closedCount - 1) / 2);
    const rows = await base
      .select('problems.close_hours')
      .orderBy('problems.close_hours')
      .limit(closedCount % 2 === 0 ? 2 : 1)
      .offset(lo)
      .execute();
    if (rows.length === 0) return null;
    return rows.reduce((s, r) => s + Number(r.close_hours), 0) / rows.length;
  },

  async results(db: Db, fc: FilterContext, limit: number, offset: number) {
    const base = applyFilters(db.selectFrom('problems'), fc)
      .where('problems.status', '=', 'closed')
      .where('problems.resolved', '=', 1);
    const [items, count] = await Promise.all([
      base
        .selectAll('problems')
        .orderBy('problems.closed_at', 'desc')
        .orderBy('problems.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  },
};
