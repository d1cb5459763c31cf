/**
 * All SQL about problems, their units, actions, results and notifications; the filters are in problems.filters.ts.
 * About 500 lines: the one home of problems' SQL (a lint rule keeps it here), so it grows with the lifecycle.
 */
import { sql, type Kysely, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { ActionTable, DB, ProblemTable } from '../../db/schema.ts';
import { insertRow } from '../../db/fastInsert.ts';
import { PUBLISHED_STATUSES, RUNNING_STATUSES, VILLAGE_OWES } from './problems.lifecycle.ts';
import {
  applyFilters,
  SORT_FIELDS,
  UNIT_SET_PAGE_MAX,
  unitPageForm,
  type FilterContext,
  type SortKey,
} from './problems.filters.ts';
import { PROVEN_COLUMNS } from './problems.proof.ts';
import { ROLLUP_TABLES, type RollupQuery } from './problems.rollup.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** What the deadline scan reads of a problem: enough to mark it and tell its units, and the columns the log proves. */
const SCAN_COLUMNS = [
  'jurisdiction_id',
  'id',
  'version',
  'number',
  'title',
  'due_state',
  ...PROVEN_COLUMNS,
] as const satisfies readonly (keyof ProblemTable)[];

/** One lookup of the repeat check: the newest reports of a reporter or of a village (see repeatCandidates). */
export interface RepeatLookup {
  column: 'reporter_user_id' | 'village_code';
  value: string;
  since: string;
  before?: string;
  /** Only the reports at least as new as the nth newest (all made at that time). */
  newest?: number;
  limit: number;
}

/** A problem as stored. */
export type ProblemRow = Selectable<ProblemTable>;
/** An entry of the action log as stored. */
export type ActionRow = Selectable<ActionTable>;

export const problemsRepository = {
  insert(db: Db, row: ProblemRow) {
    return insertRow(db, 'problems', row as unknown as Record<string, unknown>);
  },

  findById(db: Db, jurisdictionId: string, id: string) {
    return db
      .selectFrom('problems')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  findByNumber(db: Db, jurisdictionId: string, number: string) {
    return db
      .selectFrom('problems')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('number', '=', number)
      .executeTakeFirst();
  },

  findByIds(db: Db, jurisdictionId: string, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([] as ProblemRow[]);
    return db
      .selectFrom('problems')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', 'in', ids)
      .execute();
  },

  /**
   * Running problems the deadline scan may have to mark: not yet overdue, and closing before `soon` or
   * unsigned past their response deadline at `at`.
   */
  dueCandidates(db: Db, jurisdictionId: string, at: string, soon: string) {
    return db
      .selectFrom('problems')
      .select(SCAN_COLUMNS)
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('status', 'in', RUNNING_STATUSES)
      .where('due_state', '!=', 'overdue')
      .where((eb) =>
        eb.or([
          eb('close_due_at', '<', soon),
          eb.and([eb('status', '=', 'assigned'), eb('respond_due_at', '<', at)]),
        ]),
      )
      .execute();
  },

  /**
   * Running problems whose village (二次交办) still owes its work past the village's own deadline at `at`
   * and is not yet marked overdue for it.
   */
  villageDueCandidates(db: Db, jurisdictionId: string, at: string) {
    return db
      .selectFrom('problems')
      .select(SCAN_COLUMNS)
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('delegate_due_at', 'is not', null)
      .where('delegate_due_at', '<', at)
      .where('status', 'in', RUNNING_STATUSES)
      .where('delegate_state', 'in', VILLAGE_OWES)
      .where((eb) => eb.or([eb('delegate_due_state', 'is', null), eb('delegate_due_state', '!=', 'overdue')]))
      .execute();
  },

  /** Updates a problem only if nobody changed it since it was read. */
  async update(
    db: Db,
    jurisdictionId: string,
    id: string,
    expectedVersion: number,
    patch: Partial<ProblemRow>,
  ) {
    const r = await db
      .updateTable('problems')
      .set({ ...patch, version: expectedVersion + 1 })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async supportingUnits(
    db: Db,
    jurisdictionId: string,
    problemIds: string[],
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (problemIds.length === 0) return out;
    const rows = await db
      .selectFrom('problem_units')
      .select(['problem_id', 'unit_id'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', 'in', problemIds)
      .where('role', '=', 'supporting')
      .execute();
    for (const r of rows) out.set(r.problem_id, [...(out.get(r.problem_id) ?? []), r.unit_id]);
    return out;
  },

  async setUnits(
    db: Db,
    jurisdictionId: string,
    problemId: string,
    leadUnitId: string,
    supporting: string[],
  ) {
    await db
      .deleteFrom('problem_units')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .execute();
    const rows = [
      { jurisdiction_id: jurisdictionId, problem_id: problemId, unit_id: leadUnitId, role: 'lead' },
      ...supporting
        .filter((u) => u !== leadUnitId)
        .map((u) => ({
          jurisdiction_id: jurisdictionId,
          problem_id: problemId,
          unit_id: u,
          role: 'supporting',
        })),
    ];
    await db.insertInto('problem_units').values(rows).execute();
  },

  /** Makes `unitId` the problem's one village unit (二次交办), in place of any earlier one. */
  async setDelegate(db: Db, jurisdictionId: string, problemId: string, unitId: string) {
    await db
      .deleteFrom('problem_units')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .where('role', '=', 'delegate')
      .execute();
    await db
      .insertInto('problem_units')
      .values({ jurisdiction_id: jurisdictionId, problem_id: problemId, unit_id: unitId, role: 'delegate' })
      .execute();
  },

  async topicLead(db: Db, jurisdictionId: string, topicId: string | null): Promise<string | null> {
    if (!topicId) return null;
    const r = await db
      .selectFrom('topics')
      .select('lead_official_id')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', topicId)
      .executeTakeFirst();
    return r?.lead_official_id ?? null;
  },

  /**
   * A page of problems in the given order (ties broken by id), `offset` rows in, or, with `after`, right
   * after that problem's place in the order (keyset: as fast at the millionth row as at the first). Problems
   * without a deadline come last in both directions of the deadline order, on both databases.
   */
  async list(
    db: Db,
    fc: FilterContext,
    sort: SortKey,
    desc: boolean,
    limit: number,
    offset: number,
    after?: { value: string | null; id: string },
    unitSetMax = UNIT_SET_PAGE_MAX,
  ) {
    const col = `problems.${SORT_FIELDS[sort]}` as const;
    const dir = desc ? 'desc' : 'asc';
    const nullable = sort === 'closeDueAt';
    const order = <Q extends SelectQueryBuilder<DB, 'problems', object>>(q: Q): Q =>
      (nullable
        ? q.orderBy(col, (ob) => (desc ? ob.desc() : ob.asc()).nullsLast())
        : q.orderBy(col, dir)
      ).orderBy('problems.id', dir) as Q;
    let filtered = applyFilters(db.selectFrom('problems'), fc, await unitPageForm(db, fc, unitSetMax));
    if (after) {
      const beyond = desc ? '<' : '>';
      const from = desc ? '<=' : '>=';
      // A range on the order's column the index can seek to, then the tie broken by id: written as "beyond
      // the value, or equal and beyond the id", SQLite reads and sorts every row beyond the value instead.
      filtered = filtered.where((eb) => {
        if (after.value === null) return eb.and([eb(col, 'is', null), eb('problems.id', beyond, after.id)]);
        const next = eb.and([
          eb(col, from, after.value),
          eb.or([eb(col, beyond, after.value), eb('problems.id', beyond, after.id)]),
        ]);
        return nullable ? eb.or([next, eb(col, 'is', null)]) : next;
      });
    }
    const rowsOf = (ids: string[] | SelectQueryBuilder<DB, 'problems', { id: string }>) =>
      order(
        db
          .selectFrom('problems')
          .selectAll('problems')
          .where('problems.jurisdiction_id', '=', fc.jurisdictionId)
          .where('problems.id', 'in', ids),
      ).execute();
    if (nullable && (after || offset === 0)) {
      // The deadline order as two parts, each in an order the deadline index gives in either direction:
      // the problems with a deadline, then those without. A PostgreSQL index keeps one place for nulls, so
      // "latest deadline first, none last" as one order would sort every problem.
      const ids: string[] = [];
      if (!after || after.value !== null) {
        const dated = await filtered
          .select('problems.id')
          .where(col, 'is not', null)
          .orderBy(col, dir)
          .orderBy('problems.id', dir)
          .limit(limit)
          .execute();
        ids.push(...dated.map((r) => r.id));
      }
      if (ids.length < limit) {
        const undated = await filtered
          .select('problems.id')
          .where(col, 'is', null)
          .orderBy('problems.id', dir)
          .limit(limit - ids.length)
          .execute();
        ids.push(...undated.map((r) => r.id));
      }
      return ids.length ? rowsOf(ids) : [];
    }
    // The page's ids first (answered from an index alone where one covers the filters and the order),
    // then their rows: whole rows are read only for the page, never for the candidates being sorted.
    return rowsOf(
      order(filtered.select('problems.id'))
        .limit(limit)
        .offset(after ? 0 : offset),
    );
  },

  /** How many problems these units lead in these states: from the index of lead units by status alone. */
  async countLed(db: Db, jurisdictionId: string, unitIds: string[], statuses: string[]): Promise<number> {
    const r = await db
      .selectFrom('problems')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('lead_unit_id', 'in', unitIds)
      .where('status', 'in', statuses)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  async count(db: Db, fc: FilterContext): Promise<number> {
    const r = await applyFilters(db.selectFrom('problems'), fc)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Rows for the map: only what a marker needs. */
  mapPoints(db: Db, fc: FilterContext, limit: number) {
    return applyFilters(db.selectFrom('problems'), fc)
      .select([
        'problems.id',
        'problems.lat',
        'problems.lng',
        'problems.status',
        'problems.title',
        'problems.number',
      ])
      .where('problems.lat', 'is not', null)
      .limit(limit)
      .execute();
  },

  /** Queue counts for a console home page. */
  async queueCounts(db: Db, fc: FilterContext) {
    const rows = await applyFilters(db.selectFrom('problems'), fc)
      .select(['problems.status', 'problems.due_state'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('problems.status', 'in', [
        'submitted',
        'returned',
        'assigned',
        'bounced',
        'in_progress',
        'closure_requested',
      ])
      .groupBy(['problems.status', 'problems.due_state'])
      .execute();
    return rows.map((r) => ({ status: r.status, dueState: r.due_state, n: Number(r.n) }));
  },

  actions(db: Db, jurisdictionId: string, problemId: string) {
    return db
      .selectFrom('actions')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .orderBy('seq')
      .execute();
  },

  /** The latest public actions of published problems (the big screen's feed), newest first. */
  recentPublicActions(db: Db, jurisdictionId: string, limit: number) {
    return db
      .selectFrom('actions')
      .innerJoin('problems', (j) =>
        j
          .onRef('problems.id', '=', 'actions.problem_id')
          .onRef('problems.jurisdiction_id', '=', 'actions.jurisdiction_id'),
      )
      .select([
        'actions.id',
        'actions.action',
        'actions.created_at',
        'actions.to_status',
        'actions.actor_unit_id',
        'problems.number',
        'problems.title',
        'problems.township_code',
        'problems.id as problem_id',
      ])
      .where('actions.jurisdiction_id', '=', jurisdictionId)
      .where('actions.is_public', '=', 1)
      .where('problems.status', 'in', PUBLISHED_STATUSES)
      .orderBy('actions.seq', 'desc')
      .limit(limit)
      .execute();
  },

  /**
   * The data version of a jurisdiction: the number of the last action. Every change of a problem appends an
   * action in the same transaction, so an unchanged version means unchanged problems.
   */
  async dataVersion(db: Db, jurisdictionId: string): Promise<number> {
    const r = await db
      .selectFrom('counters')
      .select('value')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('name', '=', 'action_seq')
      .executeTakeFirst();
    return Number(r?.value ?? 0);
  },

  async actionHashAt(db: Db, jurisdictionId: string, seq: number): Promise<string | undefined> {
    const r = await db
      .selectFrom('actions')
      .select('hash')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return r?.hash;
  },

  /** The place of a press among the jurisdiction's presses of its year (the 督办单's number). */
  async pressOrdinal(db: Db, jurisdictionId: string, seq: number, year: number): Promise<number> {
    const r = await db
      .selectFrom('actions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('action', '=', 'press')
      .where('seq', '<=', seq)
      .where('created_at', '>=', `${year}-01-01T00:00:00.000Z`)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  insertAction(db: Db, row: ActionRow) {
    return db.insertInto('actions').values(row).execute();
  },

  insertActions(db: Db, rows: ActionRow[]) {
    if (rows.length === 1) return insertRow(db, 'actions', rows[0] as unknown as Record<string, unknown>);
    return db.insertInto('actions').values(rows).execute();
  },

  async upsertResult(
    db: Db,
    jurisdictionId: string,
    problemId: string,
    summary: string,
    mechanism: string | null,
    indicators: { code: string; value_scaled: number }[],
    at: string,
  ) {
    await db
      .deleteFrom('result_indicators')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .execute();
    await db
      .deleteFrom('results')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .execute();
    await db
      .insertInto('results')
      .values({ jurisdiction_id: jurisdictionId, problem_id: problemId, summary, mechanism, created_at: at })
      .execute();
    if (indicators.length) {
      await db
        .insertInto('result_indicators')
        .values(
          indicators.map((i) => ({
            jurisdiction_id: jurisdictionId,
            problem_id: problemId,
            code: i.code,
            value_scaled: i.value_scaled,
          })),
        )
        .execute();
    }
  },

  /** Whether the problem has a result (申请销号 wrote one). */
  async hasResult(db: Db, jurisdictionId: string, problemId: string): Promise<boolean> {
    const r = await db
      .selectFrom('results')
      .select('problem_id')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .executeTakeFirst();
    return !!r;
  },

  async results(db: Db, jurisdictionId: string, problemIds: string[]) {
    if (problemIds.length === 0) return { results: [], indicators: [] };
    const results = await db
      .selectFrom('results')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', 'in', problemIds)
      .execute();
    // Indicators exist only beside a result: most problems have neither, and skip the second query.
    const withResult = results.map((r) => r.problem_id);
    const indicators = withResult.length
      ? await db
          .selectFrom('result_indicators')
          .selectAll()
          .where('jurisdiction_id', '=', jurisdictionId)
          .where('problem_id', 'in', withResult)
          .execute()
      : [];
    return { results, indicators };
  },

  mergedInto(db: Db, jurisdictionId: string, primaryId: string) {
    return db
      .selectFrom('problems')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('merged_into_id', '=', primaryId)
      .execute();
  },

  insertNotifications(db: Db, rows: Selectable<DB['notifications']>[]) {
    if (rows.length === 0) return Promise.resolve();
    return db
      .insertInto('notifications')
      .values(rows)
      .execute()
      .then(() => undefined);
  },

  /**
   * The earlier reports a new one may repeat (重复诉求), in one statement: per lookup, the newest reports of
   * one reporter or one village made since `since` (and before `before`, when given), at most `limit`, each
   * an indexed lookup that reads its newest entries and stops. Each row says which lookup found it.
   */
  async repeatCandidates(db: Db, jurisdictionId: string, lookups: RepeatLookup[]) {
    const latest = (k: RepeatLookup, i: number) => {
      let q = db
        .selectFrom('problems')
        .select([
          'id',
          'number',
          'title',
          'description',
          'created_at',
          'reporter_user_id',
          'village_code',
          'channel',
          sql<number>`${sql.lit(i)}`.as('lookup'),
        ])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where(k.column, '=', k.value)
        // Only what is at least as new as the nth newest, all reports of that time included: one bound on
        // `created_at`, so that the planner reads the lookup's own index from its newest end.
        .where(
          'created_at',
          '>=',
          k.newest
            ? sql<string>`coalesce((select created_at from problems where jurisdiction_id = ${jurisdictionId}
                and ${sql.ref(k.column)} = ${k.value} and created_at >= ${k.since}
                order by created_at desc limit 1 offset ${k.newest - 1}), ${k.since})`
            : k.since,
        );
      if (k.before) q = q.where('created_at', '<', k.before);
      return db.selectFrom(q.orderBy('created_at', 'desc').limit(k.limit).as('latest')).selectAll();
    };
    const [first, ...rest] = lookups;
    if (!first) return [];
    return rest.reduce((q, k, i) => q.unionAll(latest(k, i + 1)), latest(first, 0)).execute();
  },
};

/** The SQL condition of a rollup query over its level's table. */
export function rollupWhere(q: RollupQuery) {
  const parts = [sql`jurisdiction_id = ${q.jurisdictionId}`];
  for (const w of q.where) parts.push(sql`${sql.ref(w.column)} in (${sql.join(w.values)})`);
  if (q.fromMonth) parts.push(sql`month >= ${q.fromMonth}`);
  if (q.toMonth) parts.push(sql`month < ${q.toMonth}`);
  return sql.join(parts, sql` and `);
}

/** How many problems match a rollup query: the sum of their rollup rows' counts, exact after every write. */
export async function countFromRollup(db: Db, q: RollupQuery): Promise<number> {
  const r = await sql<{ n: unknown }>`select coalesce(sum(received), 0) as n
    from ${sql.table(ROLLUP_TABLES[q.level].table)} where ${rollupWhere(q)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
