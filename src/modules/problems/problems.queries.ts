/**
 * What other modules may read and write about problems, as functions: counts and pages under the shared
 * filters (the ledger's export, Open311's requests), the data version, results, the public feed, the
 * action log's heads and presses, and notices about a problem. The SQL stays in this module.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { AppContext } from '../../platform/context.ts';
import { applyFilters, type FilterContext } from './problems.filters.ts';
import { RUNNING_STATUSES } from './problems.lifecycle.ts';
import {
  countFromRollup,
  problemsRepository,
  rollupWhere,
  type ActionRow,
  type ProblemRow,
} from './problems.repository.ts';
import type { RollupQuery } from './problems.rollup.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * A problem with every column, for the modules that write them all out or in: the ledger's export and
 * bulk load, and Open311's requests. Others read problems through the services' domain objects.
 */
export type ProblemRecord = ProblemRow;
/** An entry of the action log with every column (the bulk load writes them). */
export type ActionRecord = ActionRow;

/** The public columns of a problem that an Open311 service request is made of. */
export type RequestColumns = Pick<
  ProblemRow,
  | 'id'
  | 'number'
  | 'status'
  | 'category_code'
  | 'title'
  | 'description'
  | 'lead_unit_id'
  | 'urgency'
  | 'created_at'
  | 'updated_at'
  | 'close_due_at'
  | 'address'
  | 'village_code'
  | 'township_code'
  | 'lat'
  | 'lng'
>;

const REQUEST_COLUMNS = [
  'problems.id',
  'problems.number',
  'problems.status',
  'problems.category_code',
  'problems.title',
  'problems.description',
  'problems.lead_unit_id',
  'problems.urgency',
  'problems.created_at',
  'problems.updated_at',
  'problems.close_due_at',
  'problems.address',
  'problems.village_code',
  'problems.township_code',
  'problems.lat',
  'problems.lng',
] as const;

/**
 * The data version of a jurisdiction: the number of its last action. Every change of a problem appends
 * one in the same transaction, so an unchanged version means unchanged problems. SQLite answers from a
 * prepared statement on its one connection; elsewhere the requests of one turn of the event loop share one
 * read.
 */
export function dataVersion(
  ctx: Pick<AppContext, 'db' | 'dialect' | 'cache'>,
  jurisdictionId: string,
): Promise<number> {
  const fast = ctx.dialect.readDataVersion?.(jurisdictionId);
  if (fast !== undefined) return Promise.resolve(fast);
  return ctx.cache.thisTurn(`problems.dataVersion|${jurisdictionId}`, () =>
    problemsRepository.dataVersion(ctx.db, jurisdictionId),
  );
}

/** The problems the filters select, as a query the statistics sum and group over. */
export function problemsMatching(db: Db, fc: FilterContext) {
  return applyFilters(db.selectFrom('problems'), fc);
}

/** How many problems the filters select. */
export function countProblems(db: Db, fc: FilterContext): Promise<number> {
  return problemsRepository.count(db, fc);
}

/** A page of the problems the filters select in number order, after `afterNumber` (keyset paging). */
export function problemsByNumber(
  db: Db,
  fc: FilterContext,
  afterNumber: string | null,
  limit: number,
): Promise<ProblemRow[]> {
  let q = applyFilters(db.selectFrom('problems'), fc).selectAll('problems');
  if (afterNumber !== null) q = q.where('problems.number', '>', afterNumber);
  return q.orderBy('problems.number').limit(limit).execute();
}

/** The problems the filters select whose number or id is among `ids`, newest first. */
export function problemsByNumberOrId(db: Db, fc: FilterContext, ids: string[]): Promise<ProblemRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return applyFilters(db.selectFrom('problems'), fc)
    .selectAll('problems')
    .where((eb) => eb.or([eb('problems.number', 'in', ids), eb('problems.id', 'in', ids)]))
    .orderBy('problems.created_at', 'desc')
    .orderBy('problems.id', 'desc')
    .execute();
}

/**
 * One page of the public columns of the problems the filters select, newest first (ties by id). The page's
 * last creation time is found first on the (jurisdiction, created_at) index alone; only the rows from there
 * on are read and sorted, so a page costs the same whatever the number of problems in the window.
 */
export async function requestPage(
  db: Db,
  fc: FilterContext,
  limit: number,
  offset: number,
): Promise<RequestColumns[]> {
  const last = await applyFilters(db.selectFrom('problems'), fc)
    .select('problems.created_at')
    .orderBy('problems.created_at', 'desc')
    .limit(1)
    .offset(offset + limit - 1)
    .executeTakeFirst();
  let q = applyFilters(db.selectFrom('problems'), fc).select(REQUEST_COLUMNS);
  if (last) q = q.where('problems.created_at', '>=', last.created_at);
  return q
    .orderBy('problems.created_at', 'desc')
    .orderBy('problems.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** The earliest creation time among the problems the filters select, if any. */
export async function firstCreatedAt(db: Db, fc: FilterContext): Promise<string | null> {
  const r = await applyFilters(db.selectFrom('problems'), fc)
    .select('problems.created_at')
    .orderBy('problems.created_at', 'asc')
    .limit(1)
    .executeTakeFirst();
  return r?.created_at ?? null;
}

/** The supporting units of each of these problems. */
export function supportingUnitsOf(db: Db, jurisdictionId: string, problemIds: string[]) {
  return problemsRepository.supportingUnits(db, jurisdictionId, problemIds);
}

/** The results (办理结果) and their indicators of these problems. */
export function resultsOf(db: Db, jurisdictionId: string, problemIds: string[]) {
  return problemsRepository.results(db, jurisdictionId, problemIds);
}

/** The latest public actions of published problems (the big screen's feed), newest first. */
export function recentPublicActions(db: Db, jurisdictionId: string, limit: number) {
  return problemsRepository.recentPublicActions(db, jurisdictionId, limit);
}

/** The hash of the action numbered `seq` in a jurisdiction's log, if there is one. */
export function actionHashAt(db: Db, jurisdictionId: string, seq: number): Promise<string | undefined> {
  return problemsRepository.actionHashAt(db, jurisdictionId, seq);
}

/** The place of a press (督办) among the jurisdiction's presses of its year, up to log number `seq`. */
export function pressOrdinal(db: Db, jurisdictionId: string, seq: number, year: number): Promise<number> {
  return problemsRepository.pressOrdinal(db, jurisdictionId, seq, year);
}

/** The overdue problems (running past their closing deadline) of these lead units (all: null), oldest deadline first. */
export function overdueByLeadUnit(db: Db, jurisdictionId: string, now: string, unitIds: string[] | null) {
  let q = db
    .selectFrom('problems')
    .select(['id', 'number', 'title', 'lead_unit_id', 'close_due_at', 'press_count'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('status', 'in', RUNNING_STATUSES)
    .where('lead_unit_id', 'is not', null)
    .where('close_due_at', '<', now);
  if (unitIds) q = unitIds.length ? q.where('lead_unit_id', 'in', unitIds) : q.where(sql<boolean>`1 = 0`);
  return q.orderBy('close_due_at').orderBy('id').execute();
}

/** Tells a role about a problem (a notice in its inbox), inside the caller's transaction. */
export async function notifyRole(
  db: Db,
  jurisdictionId: string,
  n: { role: string; kind: string; problemId: string; title: string; body: string; at: string },
): Promise<void> {
  await problemsRepository.insertNotifications(db, [
    {
      jurisdiction_id: jurisdictionId,
      id: uuidv7(),
      user_id: null,
      unit_id: null,
      role: n.role,
      kind: n.kind,
      problem_id: n.problemId,
      title: n.title,
      body: n.body,
      created_at: n.at,
      read_at: null,
    },
  ]);
}

/** The SQL condition of a rollup query over its level's tables. */
export const rollupCondition = (q: RollupQuery) => rollupWhere(q);

/** How many problems match a rollup query: the sum of their rollup rows' counts, exact after every write. */
export function countRolledUp(db: Db, q: RollupQuery): Promise<number> {
  return countFromRollup(db, q);
}
