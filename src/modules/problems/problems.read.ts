/**
 * Reading problems: one problem with its log (as the viewer may see it), lists, queues, map points and
 * merge suggestions. Answers are cached per data version (the log's last number; see problems.changes.ts).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Principal } from '../../kernel/roles.ts';
import { Answer } from '../../kernel/versionedCache.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { attachmentsOf } from '../attachments/index.ts';
import { deadlines } from './problems.deadlines.ts';
import { similarOpen } from './problemMatcher.ts';
import {
  allowedActions,
  canSee,
  maySearchReporters,
  visibilityOf,
  type ProblemFacts,
} from './problems.policy.ts';
import { presentDetail, problemFromRow, resultOf } from './problems.presenter.ts';
import { planTotal, type TotalPlan } from './problems.plan.ts';
import { dataVersion } from './problems.queries.ts';
import { SORT_FIELDS, type FilterContext, type SortKey } from './problems.filters.ts';
import { countFromRollup, problemsRepository, type ProblemRow } from './problems.repository.ts';
import { planSearch } from './problems.search.ts';
import { rankedPage, type RankedPosition } from './problems.search.repository.ts';
import type { ListProblemsQuery, Problem, ProblemDetail, ProblemFilters } from './problems.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The facts that access decisions need; the topic's lead is read only when `needTopicLead`. */
export async function factsOf(
  db: Db,
  row: ProblemRow,
  supporting?: string[],
  needTopicLead = true,
): Promise<ProblemFacts> {
  return {
    townshipCode: row.township_code,
    channel: row.channel,
    leadUnitId: row.lead_unit_id,
    supportingUnitIds:
      supporting ??
      (await problemsRepository.supportingUnits(db, row.jurisdiction_id, [row.id])).get(row.id) ??
      [],
    delegateUnitId: row.delegate_unit_id,
    reporterUserId: row.reporter_user_id,
    // Only an official's visibility depends on who leads the topic: the query is skipped otherwise.
    topicLeadId: needTopicLead
      ? await problemsRepository.topicLead(db, row.jurisdiction_id, row.topic_id)
      : null,
  };
}

/** Loads a problem the principal may see, or 404. */
export async function loadVisible(
  ctx: AppContext,
  db: Db,
  p: Principal | null,
  id: string,
  asSubmitter = false,
) {
  const jid = p?.jurisdictionId ?? '';
  const row = await problemsRepository.findById(db, jid, id);
  if (!row) throw notFound('problem');
  const supporting = (await problemsRepository.supportingUnits(db, jid, [id])).get(id) ?? [];
  const visibility = p ? visibilityOf(p) : null;
  const facts = await factsOf(
    db,
    row,
    supporting,
    !!visibility && !visibility.all && !!visibility.topicLeadId && !!row.topic_id,
  );
  if (!p || (!asSubmitter && !canSee(visibility!, facts))) throw notFound('problem');
  return { row, supporting, facts };
}

/** A problem with its log, result, attachments and the actions the viewer may take. */
export async function getProblem(
  ctx: AppContext,
  p: Principal,
  id: string,
  asSubmitter = false,
): Promise<ProblemDetail> {
  const jid = p.jurisdictionId;
  const { row, supporting, facts } = await loadVisible(ctx, ctx.db, p, id, asSubmitter);
  const ref = (await ctx.reference.get(jid)).inLanguage(p.lang);
  const [actions, results, attachments, merged] = await Promise.all([
    problemsRepository.actions(ctx.db, jid, id),
    problemsRepository.results(ctx.db, jid, [id]),
    attachmentsOf(ctx, jid, id),
    problemsRepository.mergedInto(ctx.db, jid, id),
  ]);
  return presentDetail(p, ref, row, {
    supporting,
    actions,
    result: resultOf(ref, results.results[0], results.indicators),
    attachments,
    allowedActions: allowedActions(p, row, facts),
    merged,
  });
}
/**
 * Serialised answers of the read API kept per data version (the number of the last action: every change
 * of a problem appends one in the same transaction) and per load of the reference data (names in the
 * answers): exact right after any write in any process, free while nothing changes. Bounded by bytes.
 */
const answersOf = (ctx: AppContext) => ctx.cache.answers('problems.answers', 8 * 1024 * 1024);

/** Who a detail answer is for: everything about the principal that can change it. */
function principalKey(p: Principal): string {
  return [
    p.userId ?? p.apiKeyId ?? '-',
    p.roles.join(','),
    p.unitIds.join(','),
    p.scope.kind,
    p.scope.ref,
    p.lang ?? '',
  ].join('|');
}

/** GET /api/problems/:id as JSON text, from the answer cache when nothing changed. */
export async function getProblemJson(ctx: AppContext, p: Principal, id: string): Promise<Answer> {
  const version = await dataVersion(ctx, p.jurisdictionId);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const key = JSON.stringify(['detail', id, principalKey(p), ref.serial]);
  return answersOf(ctx).get(p.jurisdictionId, version, key, async () =>
    JSON.stringify(await getProblem(ctx, p, id)),
  );
}

/** GET /api/problems as JSON text, from the answer cache when nothing changed (not for clock filters). */
export async function listProblemsJson(
  ctx: AppContext,
  p: Principal,
  query: ListProblemsQuery,
): Promise<Answer> {
  if (query.overdue || query.dueState) return new Answer(JSON.stringify(await listProblems(ctx, p, query)));
  const fc = await filterContext(ctx, p, query);
  const version = await dataVersion(ctx, p.jurisdictionId);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const key = JSON.stringify([
    'list',
    query,
    fc.visibility,
    fc.mineUserId,
    fc.search?.reporters,
    p.lang,
    ref.serial,
  ]);
  return answersOf(ctx).get(p.jurisdictionId, version, key, async () =>
    JSON.stringify(await listProblems(ctx, p, query)),
  );
}

/** The filter context of a principal's request; a `q` is read with the reference names and his rights. */
export async function filterContext(
  ctx: AppContext,
  p: Principal,
  filters: ProblemFilters,
): Promise<FilterContext> {
  const search = filters.q
    ? planSearch(filters.q, await ctx.reference.get(p.jurisdictionId), maySearchReporters(p))
    : undefined;
  return {
    jurisdictionId: p.jurisdictionId,
    filters,
    visibility: visibilityOf(p),
    now: ctx.clock.now().toISOString(),
    dialect: ctx.dialect,
    mineUserId: filters.mine ? (p.userId ?? '-') : null,
    search,
  };
}

/** The filter context of a reader who sees only what anyone may see (the public statistics, Open311). */
export function publicFilterContext(
  ctx: AppContext,
  jurisdictionId: string,
  filters: ProblemFilters,
): FilterContext {
  return {
    jurisdictionId,
    filters,
    visibility: null,
    now: ctx.clock.now().toISOString(),
    dialect: ctx.dialect,
  };
}

/**
 * Lists problems the principal may see, filtered, sorted and paged. The total is cached per data version
 * (exact after every write); filters that depend on the clock (overdue, due state) are always counted.
 */
export async function listProblems(
  ctx: AppContext,
  p: Principal,
  query: ListProblemsQuery,
): Promise<{ items: Problem[]; total: number; page: number; pageSize: number; nextCursor: string | null }> {
  const fc = await filterContext(ctx, p, query);
  // A search is ranked unless another order is asked for; without one, relevance means nothing.
  const order = query.sort ?? (fc.search ? 'relevance' : '-createdAt');
  const plan = order === 'relevance' ? fc.search : null;
  const sortOrder = order === 'relevance' ? '-createdAt' : order;
  const desc = sortOrder.startsWith('-');
  const sort = sortOrder.replace(/^-/, '') as SortKey;
  const after = query.cursor ? cursorPosition(query.cursor, plan ? order : sortOrder, query.page) : undefined;
  const { page: _page, pageSize: _size, sort: _sort, cursor: _cursor, ...filters } = query;
  const timeDependent = !!(query.overdue || query.dueState);
  const countKey = JSON.stringify([
    p.jurisdictionId,
    filters,
    fc.visibility,
    fc.mineUserId,
    fc.search?.reporters,
  ]);
  const version = timeDependent ? -1 : await dataVersion(ctx, p.jurisdictionId);
  // Clock filters are always counted: the rollups know nothing of the time of the request.
  const count = () => countTotal(ctx, timeDependent ? { kind: 'count' } : planTotal({ ...fc, filters }), fc);
  const totals = ctx.cache.values<number>('problems.totals', 1000);
  const offset = (query.page - 1) * query.pageSize;
  const ranked = plan
    ? rankedPage(ctx.db, fc, plan, query.pageSize, offset, after && rankedPosition(after))
    : null;
  // A ranked page counts what it found as it ranks it.
  const [items, scores, total] = await Promise.all([
    ranked
      ? ranked.then((r) => r.page.map((x) => x.row))
      : problemsRepository.list(ctx.db, fc, sort, desc, query.pageSize, offset, after),
    ranked ? ranked.then((r) => new Map(r.page.map((x) => [x.row.id, x.score]))) : null,
    ranked
      ? ranked.then((r) => r.total)
      : timeDependent
        ? count()
        : totals.getOrCompute(countKey, version, count),
  ]);
  const ref = (await ctx.reference.get(p.jurisdictionId)).inLanguage(p.lang);
  const supporting = await problemsRepository.supportingUnits(
    ctx.db,
    p.jurisdictionId,
    items.map((i) => i.id),
  );
  return {
    items: items.map((r) => problemFromRow(r, ref, supporting.get(r.id) ?? [], false)),
    total,
    page: query.page,
    pageSize: query.pageSize,
    // A full page may have more after it: where to go on from its last problem.
    nextCursor:
      items.length < query.pageSize
        ? null
        : scores
          ? rankedCursorOf(items[items.length - 1]!, scores)
          : cursorOf(sortOrder, items[items.length - 1]!, sort),
  };
}

/** Counts a list's total as its plan says. */
async function countTotal(ctx: AppContext, plan: TotalPlan, fc: FilterContext): Promise<number> {
  switch (plan.kind) {
    case 'rollup':
      return countFromRollup(ctx.db, plan.rollup);
    case 'split': {
      const [led, rest] = await Promise.all([
        countFromRollup(ctx.db, plan.split.led),
        problemsRepository.count(ctx.db, plan.split.rest),
      ]);
      return led + rest;
    }
    case 'statusSplit': {
      const { unitIds, statuses, rest } = plan.split;
      const [led, others] = await Promise.all([
        problemsRepository.countLed(ctx.db, fc.jurisdictionId, unitIds, statuses),
        problemsRepository.count(ctx.db, rest),
      ]);
      return led + others;
    }
    case 'count':
      return problemsRepository.count(ctx.db, fc);
  }
}

/** The cursor after a row: the order it belongs to, the row's value in that order, and its id. */
function cursorOf(order: string, row: ProblemRow, sort: SortKey): string {
  return Buffer.from(JSON.stringify([order, row[SORT_FIELDS[sort]], row.id])).toString('base64url');
}

/** The cursor after a row of a ranked search: its score and creation time as the value, and its id. */
function rankedCursorOf(row: ProblemRow, scores: Map<string, number>): string {
  const value = `${scores.get(row.id) ?? 0}|${row.created_at}`;
  return Buffer.from(JSON.stringify(['relevance', value, row.id])).toString('base64url');
}

/** The place a ranked search's cursor points at; 400 when its value is not one a ranked page gave. */
function rankedPosition(at: { value: string | null; id: string }): RankedPosition {
  const m = /^(\d{1,3})\|(.+)$/.exec(at.value ?? '');
  if (!m) throw badRequest('cursor: not a cursor this list gave (use the nextCursor of the previous page)');
  return { score: Number(m[1]), createdAt: m[2]!, id: at.id };
}

/** Where a cursor points, for the order it must have been made in; 400 for anything else. */
function cursorPosition(cursor: string, order: string, page: number): { value: string | null; id: string } {
  if (page !== 1) throw badRequest('cursor: a cursor continues a list by itself; it takes no page');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    (parsed[1] !== null && typeof parsed[1] !== 'string') ||
    typeof parsed[2] !== 'string'
  )
    throw badRequest('cursor: not a cursor this list gave (use the nextCursor of the previous page)');
  if (parsed[0] !== order)
    throw badRequest(
      `cursor: it continues the order ${parsed[0]}, not ${order}; ask with sort=${parsed[0]} or start again without a cursor`,
    );
  return { value: parsed[1] as string | null, id: parsed[2] as string };
}

/** What dispatching now would set as deadlines (for the console's preview). */
export async function previewDeadlines(ctx: AppContext, p: Principal, id: string, urgency?: string) {
  const { row } = await loadVisible(ctx, ctx.db, p, id);
  const ref = await ctx.reference.get(p.jurisdictionId);
  return deadlines(ref, row.category_code, urgency ?? row.urgency, ctx.clock.now());
}

/** Queue counts for the console home page, within what the principal sees. */
export async function queues(ctx: AppContext, p: Principal) {
  const rows = await problemsRepository.queueCounts(ctx.db, await filterContext(ctx, p, {}));
  const sum = (pred: (r: { status: string; dueState: string }) => boolean) =>
    rows.filter(pred).reduce((s, r) => s + r.n, 0);
  return {
    pending_review: sum((r) => r.status === 'submitted'),
    to_sign: sum((r) => r.status === 'assigned'),
    to_redispatch: sum((r) => r.status === 'bounced'),
    in_progress: sum((r) => r.status === 'in_progress'),
    due_soon: sum((r) => r.dueState === 'due_soon'),
    overdue: sum((r) => r.dueState === 'overdue'),
    closure_requested: sum((r) => r.status === 'closure_requested'),
  };
}

/** Map markers within what the principal sees. */
export async function mapPoints(ctx: AppContext, p: Principal, filters: ProblemFilters) {
  const rows = await problemsRepository.mapPoints(ctx.db, await filterContext(ctx, p, filters), 20_000);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    lat: r.lat!,
    lng: r.lng!,
    status: r.status,
  }));
}

/** Open problems that may be the same as this one, for merging duplicates (see problemMatcher). */
export async function similarProblems(ctx: AppContext, p: Principal, id: string) {
  const { row } = await loadVisible(ctx, ctx.db, p, id);
  const ref = (await ctx.reference.get(p.jurisdictionId)).inLanguage(p.lang);
  const similar = await similarOpen(
    ctx,
    p,
    {
      text: `${row.title}\n${row.description}`,
      lat: row.lat ?? undefined,
      lng: row.lng ?? undefined,
      categoryCode: row.category_code,
      villageCode: row.village_code ?? undefined,
      excludeId: row.id,
    },
    20,
  );
  const rows = await problemsRepository.findByIds(
    ctx.db,
    p.jurisdictionId,
    similar.map((s) => s.id),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return similar.flatMap((s) => {
    const r = byId.get(s.id);
    return r
      ? [{ ...problemFromRow(r, ref, [], false), similarity: { score: s.score, distanceM: s.distanceM } }]
      : [];
  });
}
