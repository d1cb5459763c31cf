/**
 * All SQL about problems, their units, actions, results and notifications. Over 500 lines, to be split
 * (issue 19): the list planner's fast paths (unit sets, cursor seeks, rollup totals) are a part of their own,
 * apart from the plain reads and the writes of the change funnel.
 */
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';
import type { ActionTable, DB, ProblemTable } from '../../db/schema.ts';
import type { DialectAdapter } from '../../db/dialect/types.ts';
import { insertRow } from '../../db/fastInsert.ts';
import { boundingBox, cellsOfBox } from '../../kernel/geo.ts';
import { queryTokens } from '../../kernel/text.ts';
import { PUBLISHED_STATUSES, RUNNING_STATUSES } from './problems.lifecycle.ts';
import type { Visibility } from './problems.policy.ts';
import type { ProblemFilters } from './problems.schema.ts';
import { ROLLUP_TABLES, type RollupQuery } from './problems.rollup.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type ProblemRow = Selectable<ProblemTable>;
export type ActionRow = Selectable<ActionTable>;

/** Filters plus what only the server knows: who asks, and when. */
export interface FilterContext {
  jurisdictionId: string;
  filters: ProblemFilters;
  visibility: Visibility | null;
  now: string;
  dialect: DialectAdapter;
  /** Restrict to problems reported by this user (the `mine` filter). */
  mineUserId?: string | null;
  /**
   * `updatedAfter`/`updatedBefore` by the last public change (Open311's updated_datetime) instead of any
   * write to the row.
   */
  publicChanges?: boolean;
  /**
   * Only the problems none of these units leads; the units of the scope and of the `unit` filter then count
   * only as supporting units. The part of a unit's problems that the KPI rollup cannot sum (see the
   * statistics' `unitSplitOf`).
   */
  notLedBy?: string[];
}

/**
 * The problems one of these units leads or supports (`problem_units` holds the lead unit too: dispatch writes
 * the lead and the supporting units together, as an import does), in the form that suits the read:
 * - `set`, for counts, statistics and exports: the ids, read from the index of each unit's problems. As a
 *   condition tested on every problem row, the total of a unit's list read the whole jurisdiction (0.4-0.6 s
 *   at 300k); as a set it took about 40 ms for a unit with 20,000 problems;
 * - `row`, for a page in some order over units with many problems: the condition tested row by row while the
 *   order's index is walked, which stops at the page's end. At 1M on SQLite the newest 50 of a unit with
 *   218,000 problems took 42 ms this way and 366 ms from the set (which reads and sorts them all); a unit
 *   with 3,700 took 165 ms this way and 14 ms from the set. The database cannot tell the two apart (its
 *   statistics do not know how many problems a unit has), so a page asks first (see `unitPageForm`).
 */
function ofUnits(
  eb: ExpressionBuilder<DB, 'problems'>,
  jid: string,
  unitIds: string[],
  form: 'set' | 'row',
  supportingOnly = false,
): Expression<SqlBool> {
  const ids = unitProblemIds(eb, jid, unitIds, supportingOnly);
  if (form === 'set') return eb('problems.id', 'in', ids);
  return eb.exists(ids.whereRef('pu.problem_id', '=', 'problems.id'));
}

/**
 * The ids of the problems these units lead or support, from the index of each unit's problems; or only
 * those they support, from the index of supporting units (its condition written out, not a parameter, so
 * that both databases can use that partial index).
 */
function unitProblemIds(
  eb: ExpressionBuilder<DB, 'problems'>,
  jid: string,
  unitIds: string[],
  supportingOnly = false,
) {
  const ids = eb
    .selectFrom('problem_units as pu')
    .select('pu.problem_id')
    .where('pu.jurisdiction_id', '=', jid)
    .where('pu.unit_id', 'in', unitIds);
  return supportingOnly ? ids.where(sql<boolean>`pu.role = 'supporting'`) : ids;
}

function visibilityCondition(
  eb: ExpressionBuilder<DB, 'problems'>,
  jid: string,
  v: Visibility,
  unitForm: 'set' | 'row',
  supportingOnly: boolean,
): Expression<SqlBool> {
  if (v.all) return sql<boolean>`1 = 1`;
  const topics = () =>
    eb
      .selectFrom('topics')
      .select('topics.id')
      .where('topics.jurisdiction_id', '=', jid)
      .where('topics.lead_official_id', '=', v.topicLeadId);
  // The scope's conditions on a problem row other than its units, over `problems` or an alias of it.
  const rowConditions = (p: string): Expression<SqlBool>[] => [
    ...(v.townships.length ? [eb(sql.ref(`${p}.township_code`), 'in', v.townships)] : []),
    ...(v.reporterId ? [eb(sql.ref(`${p}.reporter_user_id`), '=', v.reporterId)] : []),
    ...(v.topicLeadId ? [eb(sql.ref(`${p}.topic_id`), 'in', topics())] : []),
  ];
  if (unitForm === 'set' && v.unitIds.length) {
    // One set of ids for the whole scope: a unit handler also sees his own reports, and "in the unit's set,
    // or reported by him" made SQLite count every problem of the jurisdiction (728 ms at 1M) where the union
    // of the two sets takes 86 ms.
    const others = rowConditions('o');
    const units = unitProblemIds(eb, jid, v.unitIds, supportingOnly);
    const ids = others.length
      ? units.unionAll(
          eb
            .selectFrom('problems as o')
            .select('o.id as problem_id')
            .where('o.jurisdiction_id', '=', jid)
            .where(eb.or(others)),
        )
      : units;
    return eb('problems.id', 'in', ids);
  }
  const ors = rowConditions('problems');
  if (v.unitIds.length) ors.push(ofUnits(eb, jid, v.unitIds, unitForm, supportingOnly));
  if (ors.length === 0) return sql<boolean>`1 = 0`;
  return eb.or(ors);
}

/**
 * The most problems a unit scope may hold for a page in some order to read it as a set (see ofUnits). The
 * two forms' costs cross near here at a million problems: a set costs about 4 µs a problem of the units,
 * the walk about 12 µs a problem passed over on the way to the page's end.
 */
export const UNIT_SET_PAGE_MAX = 10_000;

/**
 * How a page in some order should read the units of its filters and scope (see ofUnits): as a set when
 * one of them holds at most `setMax` problems, counted from the index of each unit's problems and no
 * further than that; row by row otherwise.
 */
export async function unitPageForm(
  db: Db,
  fc: FilterContext,
  setMax = UNIT_SET_PAGE_MAX,
): Promise<'set' | 'row'> {
  const v = fc.visibility;
  const groups = [
    ...(v && !v.all && v.unitIds.length ? [v.unitIds] : []),
    ...(fc.filters.unit ? [[fc.filters.unit]] : []),
  ];
  for (const unitIds of groups) {
    const r = await db
      .selectFrom((eb) =>
        eb
          .selectFrom('problem_units')
          .select(sql`1`.as('one'))
          .where('jurisdiction_id', '=', fc.jurisdictionId)
          .where('unit_id', 'in', unitIds)
          .limit(setMax + 1)
          .as('u'),
      )
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(r.n) <= setMax) return 'set';
  }
  return 'row';
}

/**
 * Applies the shared filters to any query over `problems`. `unitForm`: how the units of the filters and of
 * the scope are read (see ofUnits); `row` only for a page in some order over units with many problems.
 */
export function applyFilters<O>(
  qb: SelectQueryBuilder<DB, 'problems', O>,
  fc: FilterContext,
  unitForm: 'set' | 'row' = 'set',
): SelectQueryBuilder<DB, 'problems', O> {
  const f = fc.filters;
  const jid = fc.jurisdictionId;
  const notLedBy = fc.notLedBy;
  let q = qb.where('problems.jurisdiction_id', '=', jid);
  if (fc.visibility) {
    const v = fc.visibility;
    q = q.where((eb) => visibilityCondition(eb, jid, v, unitForm, !!notLedBy));
  }
  if (notLedBy)
    q = q.where((eb) =>
      eb.or([eb('problems.lead_unit_id', 'is', null), eb('problems.lead_unit_id', 'not in', notLedBy)]),
    );
  if (fc.mineUserId) q = q.where('problems.reporter_user_id', '=', fc.mineUserId);
  if (f.ids) q = q.where('problems.id', 'in', f.ids.split(',').slice(0, 1000));
  if (f.status?.length) q = q.where('problems.status', 'in', f.status);
  if (f.kind?.length) q = q.where('problems.kind', 'in', f.kind);
  if (f.domain) q = q.where('problems.domain', 'in', f.domain.split(','));
  if (f.category) q = q.where('problems.category_code', 'in', f.category.split(','));
  if (f.channel?.length) q = q.where('problems.channel', 'in', f.channel);
  if (f.township) q = q.where('problems.township_code', '=', f.township);
  if (f.village) q = q.where('problems.village_code', '=', f.village);
  if (f.unit) {
    const unit = f.unit;
    q = q.where((eb) => ofUnits(eb, jid, [unit], unitForm, !!notLedBy));
  }
  if (f.campaign) q = q.where('problems.campaign_id', '=', f.campaign);
  if (f.topic) q = q.where('problems.topic_id', '=', f.topic);
  if (f.visit) q = q.where('problems.visit_id', '=', f.visit);
  if (f.from) q = q.where('problems.created_at', '>=', f.from);
  if (f.to) q = q.where('problems.created_at', '<', f.to);
  if (fc.publicChanges) {
    // The time of the last public change (Open311's updated_datetime): the latest public action that is
    // not a rating. After `a`: one such action after it; before `b`: none at or after it.
    const changes = (eb: ExpressionBuilder<DB, 'problems'>) =>
      eb
        .selectFrom('actions as pc')
        .select('pc.seq')
        .whereRef('pc.jurisdiction_id', '=', 'problems.jurisdiction_id')
        .whereRef('pc.problem_id', '=', 'problems.id')
        .where('pc.is_public', '=', 1)
        .where('pc.action', '!=', 'rate');
    const a = f.updatedAfter;
    const b = f.updatedBefore;
    if (a) q = q.where((eb) => eb.exists(changes(eb).where('pc.created_at', '>', a)));
    if (b) q = q.where((eb) => eb.not(eb.exists(changes(eb).where('pc.created_at', '>=', b))));
  } else {
    if (f.updatedAfter) q = q.where('problems.updated_at', '>', f.updatedAfter);
    if (f.updatedBefore) q = q.where('problems.updated_at', '<', f.updatedBefore);
  }
  if (f.dueState) q = q.where('problems.due_state', '=', f.dueState);
  if (f.overdue === '1' || f.overdue === 'true') {
    q = q.where('problems.status', 'in', RUNNING_STATUSES).where('problems.close_due_at', '<', fc.now);
  } else if (f.overdue === '0' || f.overdue === 'false') {
    q = q.where((eb) =>
      eb.or([
        eb('problems.close_due_at', 'is', null),
        eb('problems.close_due_at', '>=', fc.now),
        eb('problems.status', 'not in', RUNNING_STATUSES),
      ]),
    );
  }
  if (f.bbox) {
    const [minLng, minLat, maxLng, maxLat] = f.bbox.split(',').map(Number) as [
      number,
      number,
      number,
      number,
    ];
    q = q
      .where('problems.lat', '>=', minLat)
      .where('problems.lat', '<=', maxLat)
      .where('problems.lng', '>=', minLng)
      .where('problems.lng', '<=', maxLng);
  }
  if (f.near) {
    const [lat, lng] = f.near.split(',').map(Number) as [number, number];
    const radius = f.radius ?? 1000;
    const box = boundingBox(lat, lng, radius);
    const cells = cellsOfBox(box);
    // Only the grid cells around the point (an index of cells), then the box, then the circle itself
    // (equirectangular: exact enough within 50 km).
    if (cells)
      q = q.where(sql.raw(fc.dialect.geoCellExpression('problems.lat', 'problems.lng')), 'in', cells);
    const mLat = 111_320;
    const mLng = 111_320 * Math.cos((lat * Math.PI) / 180);
    q = q
      .where('problems.lat', '>=', box.minLat)
      .where('problems.lat', '<=', box.maxLat)
      .where('problems.lng', '>=', box.minLng)
      .where('problems.lng', '<=', box.maxLng)
      .where(
        sql<boolean>`((problems.lat - ${lat}) * ${mLat}) * ((problems.lat - ${lat}) * ${mLat}) + ((problems.lng - ${lng}) * ${mLng}) * ((problems.lng - ${lng}) * ${mLng}) <= ${radius * radius}`,
      );
  }
  if (f.q) {
    const tokens = queryTokens(f.q);
    if (tokens.length) q = q.where(fc.dialect.problemSearchCondition(jid, tokens));
  }
  return q;
}

/** The orders a list can take: each sort key's column of `problems`. */
export const SORT_FIELDS = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  closeDueAt: 'close_due_at',
  number: 'number',
} as const satisfies Record<string, keyof ProblemRow>;
export type SortKey = keyof typeof SORT_FIELDS;

/** All SQL about problems, their units, actions, results and notifications. */
/** Version queries sent in this turn of the event loop, per database and jurisdiction. */
const versionsThisTurn = new WeakMap<Db, Map<string, Promise<number>>>();

async function readDataVersion(db: Db, jurisdictionId: string): Promise<number> {
  const r = await db
    .selectFrom('counters')
    .select('value')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('name', '=', 'action_seq')
    .executeTakeFirst();
  return Number(r?.value ?? 0);
}

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
      .select([
        'jurisdiction_id',
        'id',
        'version',
        'number',
        'title',
        'status',
        'due_state',
        'close_due_at',
        'respond_due_at',
        'lead_unit_id',
        // The columns the log records with each change (problems.proof.ts).
        'closed_at',
        'resolved',
        'rating',
        'last_rating',
        'merged_into_id',
        'press_count',
        'reopen_count',
        'bounce_count',
      ])
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
      // A range on the order's column the index can seek to, then the tie on it broken by id. (Written as
      // "beyond the value, or equal and beyond the id", SQLite read every row beyond the value through two
      // index scans and sorted them: 733 ms instead of 1.5 ms for a page at 300k.)
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
      // the problems with a deadline, then those without. (A PostgreSQL index keeps one place for nulls,
      // so "latest deadline first, none last" as one order was a sort of every problem: 622 ms at 1M.)
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
  async dataVersion(db: Db, jurisdictionId: string, dialect?: DialectAdapter): Promise<number> {
    // Outside a transaction, SQLite answers from a prepared statement on the same connection.
    const fast = db.isTransaction ? undefined : dialect?.readDataVersion?.(jurisdictionId);
    if (fast !== undefined) return fast;
    if (db.isTransaction) return readDataVersion(db, jurisdictionId);
    // The requests read in one turn of the event loop share one query, sent after all of them arrived:
    // each still sees every write committed before it arrived (a burst of 32 reads costs one round trip).
    let versions = versionsThisTurn.get(db);
    if (!versions) {
      versions = new Map();
      versionsThisTurn.set(db, versions);
      setImmediate(() => versionsThisTurn.delete(db));
    }
    let version = versions.get(jurisdictionId);
    if (!version) {
      version = readDataVersion(db, jurisdictionId);
      versions.set(jurisdictionId, version);
      version.catch(() => versions.delete(jurisdictionId));
    }
    return version;
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
   * The earlier reports a new one may repeat (重复诉求): from the same reporter or the same village, made
   * since `since`, newest first.
   */
  repeatCandidates(
    db: Db,
    jurisdictionId: string,
    c: { reporterUserId: string | null; villageCode: string | null; since: string },
    limit: number,
  ) {
    const { reporterUserId, villageCode } = c;
    if (!reporterUserId && !villageCode) return Promise.resolve([]);
    return db
      .selectFrom('problems')
      .select(['id', 'title', 'description'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('created_at', '>=', c.since)
      .where((eb) =>
        eb.or([
          ...(reporterUserId ? [eb('reporter_user_id', '=', reporterUserId)] : []),
          ...(villageCode ? [eb('village_code', '=', villageCode)] : []),
        ]),
      )
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
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
