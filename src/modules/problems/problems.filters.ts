/**
 * The filters of every read over problems, as SQL conditions: the viewer's scope, the list filters, the
 * units of a unit's problems read as a set or walked row by row, and the orders a list can take.
 */
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DialectAdapter } from '../../db/dialect/types.ts';
import { boundingBox, cellsOfBox } from '../../kernel/geo.ts';
import { RUNNING_STATUSES } from './problems.lifecycle.ts';
import type { Visibility } from './problems.policy.ts';
import type { ProblemRow } from './problems.repository.ts';
import type { ProblemFilters } from './problems.schema.ts';
import { planSearch, searchCondition, type SearchPlan } from './problems.search.ts';

type Db = Kysely<DB> | Transaction<DB>;

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
  /**
   * The `q` filter read with the reference names and the searcher's rights (see problems.search.ts); without
   * it `q` searches the text alone.
   */
  search?: SearchPlan | null;
}

/**
 * The problems one of these units leads or supports (`problem_units` holds the lead unit too: dispatch writes
 * the lead and the supporting units together, as an import does), in the form that suits the read:
 * - `set`, for counts, statistics and exports: the ids, read from the index of each unit's problems (as a
 *   condition tested on every problem row, a count would read the whole jurisdiction);
 * - `row`, for a page in some order over units with many problems: the condition tested row by row while the
 *   order's index is walked, which stops at the page's end, where the set would read and sort them all.
 *   Which is cheaper depends on how many problems the units have, which the database's statistics do not
 *   know, so a page asks first (see `unitPageForm`).
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
 * those they hold in another role than the lead's (supporting units, and villages a problem was passed
 * down to), from the partial index of such rows (its condition written out, not a parameter, so that both
 * databases can use that partial index).
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
  return supportingOnly ? ids.where(sql<boolean>`pu.role <> 'lead'`) : ids;
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
    // or reported by him" makes SQLite test every problem of the jurisdiction instead of joining two sets.
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
 * The most problems a unit scope may hold for a page in some order to read it as a set (see ofUnits): near
 * where reading the units' set costs as much as walking the order's index past other problems (measured in
 * `npm run bench`).
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
    const plan = fc.search?.q === f.q ? fc.search : planSearch(f.q, null, false);
    if (plan) q = q.where((eb) => searchCondition(eb, fc.dialect, jid, plan));
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
