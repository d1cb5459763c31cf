import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { kpiMeasures } from './rollup/rollup.sql.ts';
import {
  problemsMatching,
  ROLLUP_TABLES,
  rollupCondition,
  type FilterContext,
  type RollupQuery,
} from '../problems/index.ts';

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
  merged: unknown;
  reopened: unknown;
  ever_closed: unknown;
  presses: unknown;
  overdue: unknown;
  hours_sum: unknown;
}

/** The problems these units lead that have a close time: the rows of the index of close times by lead unit. */
function ledClosed(db: Db, jurisdictionId: string, unitIds: string[]) {
  return db
    .selectFrom('problems')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('lead_unit_id', 'in', unitIds)
    .where('close_hours', 'is not', null)
    .where('merged_into_id', 'is', null);
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
    // The measures the rollup keeps, summed over the rows: the same expressions (rollup.sql.ts).
    const sums = kpiMeasures(fc.dialect, 'problems').map(([c, e]) =>
      c === 'hours_ms'
        ? // In whole milliseconds, as the rollup keeps it: the same figure either way.
          sql<number>`sum(${sql.raw(e)}) / 3600000.0`.as('hours_sum')
        : sql<number>`sum(${sql.raw(e)})`.as(c),
    );
    let q = problemsMatching(db, fc).select([keyExpr.as('key'), ...sums]);
    if (groupBy !== null) q = q.groupBy(keyExpr);
    return (await q.execute()) as unknown as AggregateRow[];
  },

  async indicatorSums(db: Db, fc: FilterContext, groupBy: GroupKey | null) {
    const keyExpr =
      groupBy === null
        ? sql<string | null>`null`
        : groupBy === 'month'
          ? fc.dialect.monthOf('problems.created_at')
          : sql<string | null>`${sql.ref(GROUP_COLUMNS[groupBy])}`;
    let q = problemsMatching(db, fc)
      .innerJoin('result_indicators as ri', (j) =>
        j
          .onRef('ri.jurisdiction_id', '=', 'problems.jurisdiction_id')
          .onRef('ri.problem_id', '=', 'problems.id'),
      )
      .where('problems.resolved', '=', 1)
      .where('problems.merged_into_id', 'is', null)
      .select([keyExpr.as('key'), 'ri.code', sql<number>`sum(ri.value_scaled)`.as('total')])
      .groupBy('ri.code');
    if (groupBy !== null) q = q.groupBy(keyExpr);
    return (await q.execute()) as { key: string | null; code: string; total: unknown }[];
  },

  /** The median of hours to close, by sorting (works the same on both dialects). */
  async medianHours(db: Db, fc: FilterContext, closedCount: number): Promise<number | null> {
    if (closedCount === 0) return null;
    const base = problemsMatching(db, fc)
      .where('problems.close_hours', 'is not', null)
      .where('problems.merged_into_id', 'is', null);
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

  /** The close times of the problems in `fc`, in order (for the few problems of a unit split's rest). */
  async closeHours(db: Db, fc: FilterContext): Promise<number[]> {
    const rows = await problemsMatching(db, fc)
      .where('problems.close_hours', 'is not', null)
      .where('problems.merged_into_id', 'is', null)
      .select('problems.close_hours')
      .orderBy('problems.close_hours')
      .execute();
    return rows.map((r) => Number(r.close_hours));
  },

  /** How many problems these units lead have a close time, from the index of their close times. */
  async ledClosedCount(db: Db, jurisdictionId: string, unitIds: string[]): Promise<number> {
    const r = await ledClosed(db, jurisdictionId, unitIds)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** The close times at positions `offset`, `offset + 1` … in the order of those of the problems these units lead. */
  async ledCloseHoursAt(
    db: Db,
    jurisdictionId: string,
    unitIds: string[],
    offset: number,
    limit: number,
  ): Promise<number[]> {
    const rows = await ledClosed(db, jurisdictionId, unitIds)
      .select('close_hours')
      .orderBy('close_hours')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => Number(r.close_hours));
  },

  /** The topics of a jurisdiction with their lead officials (the labels of groups by topic and by official). */
  topics(db: Db, jurisdictionId: string) {
    return db
      .selectFrom('topics')
      .select(['id', 'title', 'lead_official_id', 'lead_official_name'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .execute();
  },

  async results(db: Db, fc: FilterContext, limit: number, offset: number) {
    const base = problemsMatching(db, fc)
      .where('problems.status', '=', 'closed')
      .where('problems.resolved', '=', 1)
      // A merged group is one result: its primary's.
      .where('problems.merged_into_id', 'is', null);
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

/** The rollup columns behind each group and each filter the rollup can answer. */
const ROLLUP_GROUP: Record<GroupKey, string> = {
  domain: 'domain',
  kind: 'kind',
  channel: 'channel',
  township: 'township_code',
  unit: 'lead_unit_id',
  topic: 'topic_id',
  category: 'category_code',
  month: 'month',
};

const MEASURE_SUMS = sql.raw(
  ['received', 'merged', 'accepted', 'resolved', 'closed', 'closed_on_time', 'responded_on_time', 'rated']
    .concat(['satisfied', 'bounced', 'repeated', 'reopened', 'ever_closed', 'presses', 'overdue'])
    .map((c) => `sum(${c}) as ${c}`)
    .concat(['sum(hours_ms) / 3600000.0 as hours_sum'])
    .join(', '),
);

/** Statistics read from the KPI rollup (migration 0003): a few thousand rows at any number of problems. */
export const rollupRepository = {
  /**
   * The median hours to close over a whole jurisdiction, exactly as `statsRepository.medianHours` computes
   * it: the histogram of whole hours says which hour holds the middle, and only that hour's rows are read.
   */
  async medianHours(db: Db, jurisdictionId: string, closedCount: number): Promise<number | null> {
    if (closedCount === 0) return null;
    const lo = Math.floor((closedCount - 1) / 2);
    const hist = await db
      .selectFrom('problem_close_hours' as never)
      .select(['hour' as never, 'n' as never])
      .where('jurisdiction_id' as never, '=', jurisdictionId as never)
      .where('n' as never, '>', 0 as never)
      .orderBy('hour' as never)
      .execute();
    let before = 0;
    let hour: number | null = null;
    for (const h of hist as { hour: unknown; n: unknown }[]) {
      const n = Number(h.n);
      if (before + n > lo) {
        hour = Number(h.hour);
        break;
      }
      before += n;
    }
    if (hour === null) return null;
    const rows = await db
      .selectFrom('problems')
      .select('close_hours')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('close_hours', '>=', hour)
      .where('merged_into_id', 'is', null)
      .orderBy('close_hours')
      .limit(closedCount % 2 === 0 ? 2 : 1)
      .offset(lo - before)
      .execute();
    if (rows.length === 0) return null;
    return rows.reduce((s, r) => s + Number(r.close_hours), 0) / rows.length;
  },

  async aggregates(db: Db, q: RollupQuery, groupBy: GroupKey | null): Promise<AggregateRow[]> {
    const table = sql.table(ROLLUP_TABLES[q.level].table);
    const key = groupBy ? sql.ref(ROLLUP_GROUP[groupBy]) : sql`''`;
    const r = await sql<AggregateRow>`select ${key} as key, ${MEASURE_SUMS} from ${table}
      where ${rollupCondition(q)} ${groupBy ? sql`group by ${key} having sum(received) > 0` : sql``}`.execute(
      db,
    );
    return r.rows.map((row) => ({ ...row, key: row.key === '' ? null : row.key }));
  },

  async indicatorSums(db: Db, q: RollupQuery, groupBy: GroupKey | null) {
    const table = sql.table(ROLLUP_TABLES[q.level].indicators);
    const key = groupBy ? sql.ref(ROLLUP_GROUP[groupBy]) : sql`''`;
    const r = await sql<{ key: string; code: string; total: unknown }>`select ${key} as key, code,
      sum(total) as total from ${table} where ${rollupCondition(q)}
      group by ${groupBy ? sql`${key}, code` : sql`code`}`.execute(db);
    return r.rows.map((row) => ({ ...row, key: row.key === '' ? null : row.key }));
  },
};
