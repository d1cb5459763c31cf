/**
 * The statistics answers (summary, trend, rankings, public figures) over the planned figures.
 * About 500 lines: one presenter per answer kept beside the filters they share; the rollup is in rollup/.
 */
import { z } from 'zod';
import type { Lang } from '../../kernel/apiText.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import { redactFields, redactText } from '../../kernel/redact.ts';
import type { AppContext } from '../../platform/context.ts';
import { forbidden } from '../../platform/errors.ts';
import { Answer } from '../../kernel/versionedCache.ts';
import {
  dataVersion,
  filterContext,
  planFigures,
  publicFilterContext,
  recentPublicActions,
  resultOf,
  resultsOf,
  visibilityOf,
  type FiguresPlan,
  type FilterContext,
  type ProblemFilters,
  type RollupQuery,
  rollupQueryOf as rollupQueryForFilters,
} from '../problems/index.ts';
import type { ReferenceData } from '../reference/index.ts';
import { rollupRepository, statsRepository, type AggregateRow, type GroupKey } from './stats.repository.ts';
import type { Kpis, ResultsQuery, Summary, SummaryQuery } from './stats.schema.ts';

const num = z.coerce
  .number()
  .nullable()
  .transform((v) => v ?? 0);
const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : null);

/** Roles that may narrow statistics by free text. */
const STATS_SEARCH_ROLES = ['admin', 'supervisor', 'leader', 'unit_handler', 'official'] as const;

/** Statistics are public aggregates, but staff with a limited scope see only their part. */
async function statsFilterContext(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  filters: ProblemFilters,
): Promise<FilterContext> {
  if (p && hasRole(p, 'admin', 'supervisor', 'leader', 'unit_handler', 'official')) {
    const fc = await filterContext(ctx, p, filters);
    const v = visibilityOf(p);
    return { ...fc, visibility: v.all ? null : v };
  }
  return publicFilterContext(ctx, jid, filters);
}

/** Parses an aggregate row at the boundary (SQLite and pg differ in numeric types): the KPIs of DESIGN §2. */
function kpisOf(r: AggregateRow, indicators: Kpis['indicators']): Kpis {
  // A measure the row lacks counts nothing: an empty month is a row of nothing.
  const n = (v: unknown) => num.parse(v ?? null);
  const merged = n(r.merged);
  // A merged group counts once, as its primary (docs/kpi-definitions.md).
  const received = n(r.received) - merged;
  const accepted = n(r.accepted);
  const resolved = n(r.resolved);
  const closed = n(r.closed);
  const rated = n(r.rated);
  const repeated = n(r.repeated);
  const reopened = n(r.reopened);
  return {
    received,
    merged,
    accepted,
    resolved,
    closed,
    rated,
    repeated,
    reopened,
    presses: n(r.presses),
    overdue: n(r.overdue),
    responseRate: rate(n(r.responded_on_time), accepted),
    onTimeRate: rate(n(r.closed_on_time), closed),
    resolutionRate: rate(resolved, accepted),
    satisfactionRate: rate(n(r.satisfied), rated),
    bounceRate: rate(n(r.bounced), accepted),
    repeatRate: rate(repeated, received),
    reopenRate: rate(reopened, n(r.ever_closed)),
    avgHoursToClose: closed > 0 ? Math.round((n(r.hours_sum) / closed) * 10) / 10 : null,
    indicators,
  };
}

/** The months from `first` to `last` (YYYY-MM), both included. */
function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) break;
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return out;
}

/**
 * Month groups with the months that had no problem put back as empty groups (counts 0, rates null), so a
 * trend keeps its time axis and a month without ratings is a gap, never 0 %.
 */
export function withEmptyMonths<G extends { key: string | null }>(
  groups: G[],
  empty: (month: string) => G,
): G[] {
  const dated = groups.filter((g) => g.key !== null && /^\d{4}-\d{2}$/.test(g.key));
  if (dated.length < 2) return groups;
  const have = new Map(dated.map((g) => [g.key!, g]));
  const filled = monthsBetween(dated[0]!.key!, dated[dated.length - 1]!.key!).map(
    (k) => have.get(k) ?? empty(k),
  );
  return [...filled, ...groups.filter((g) => !dated.includes(g))];
}

function indicatorList(ref: ReferenceData, rows: { code: string; total: unknown }[]): Kpis['indicators'] {
  return [...ref.indicators.values()].map((def) => {
    const row = rows.find((r) => r.code === def.code);
    const value = row ? num.parse(row.total) / def.scale : 0;
    return { code: def.code, name: def.name, unit: def.unit, value: Math.round(value * 10000) / 10000 };
  });
}

function labelOf(
  ref: ReferenceData,
  groupBy: SummaryGroup,
  key: string | null,
  names: Map<string, string>,
): string {
  if (key === null) return '未指定';
  switch (groupBy) {
    case 'topic':
    case 'official':
      return names.get(key) ?? key;
    case 'domain':
      return ref.domains.get(key)?.name ?? key;
    case 'township':
      return ref.divisionName(key) ?? key;
    case 'unit':
      return ref.units.get(key)?.name ?? key;
    case 'category':
      return ref.categories.get(key)?.name ?? key;
    case 'kind':
      return ({ enterprise: '企需', resident: '民呼', other: '其他' } as Record<string, string>)[key] ?? key;
    default:
      return key;
  }
}

/**
 * KPIs of DESIGN §2 for the filtered problems, overall and per group, computed from the data and kept
 * per data version: exact right after every write, free while nothing changes, computed once for a burst
 * of identical requests. Filters that depend on the clock (overdue, due state) are always computed.
 */
export async function summary(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  query: SummaryQuery,
  lang: Lang | null = p?.lang ?? null,
): Promise<Summary> {
  const { groupBy, ...filters } = query;
  const fc = await statsFilterContext(ctx, p, jid, filters);
  if (query.overdue || query.dueState) return computeSummary(ctx, jid, fc, groupBy, lang);
  const [version, ref] = await Promise.all([dataVersion(ctx, jid), ctx.reference.get(jid)]);
  // The names in the groups come from the reference data: a new load of it is a new answer.
  const key = JSON.stringify([jid, query, fc.visibility, fc.search?.reporters, lang, ref.serial]);
  return ctx.cache
    .values<Summary>('stats.summaries', 500)
    .getOrCompute(key, version, () => computeSummary(ctx, jid, fc, groupBy, lang));
}

/**
 * GET /api/stats/summary as bytes (with a gzip copy made on demand): kept per data version, per load of the
 * reference data and per caller's visibility; clock-dependent filters are always computed.
 */
export async function summaryAnswer(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  query: SummaryQuery,
  lang: Lang | null = p?.lang ?? null,
): Promise<Answer> {
  // Free text reads descriptions nobody outside the office may see (reports not yet accepted, personal
  // details): counting its matches would answer "does any report say X?" to anyone.
  if (query.q && !(p && hasRole(p, ...STATS_SEARCH_ROLES)))
    throw forbidden('按文字检索统计仅限工作人员 / searching statistics by text is for staff only');
  if (query.overdue || query.dueState)
    return new Answer(JSON.stringify(await summary(ctx, p, jid, query, lang)));
  const { groupBy: _groupBy, ...filters } = query;
  const fc = await statsFilterContext(ctx, p, jid, filters);
  const [version, ref] = await Promise.all([dataVersion(ctx, jid), ctx.reference.get(jid)]);
  const key = JSON.stringify([query, fc.visibility, fc.search?.reporters, lang, ref.serial]);
  // Serialised summaries per data version and load of the reference data (group names), bounded in bytes.
  const answers = ctx.cache.answers('stats.summaryAnswers', 4 * 1024 * 1024);
  return answers.get(jid, version, key, async () => JSON.stringify(await summary(ctx, p, jid, query, lang)));
}

const CORE_GROUPS: (GroupKey | null)[] = [null, 'month', 'township', 'category', 'domain', 'kind'];

/** The rollup query answering these filters and this grouping, or null (see problems' rollupQueryOf). */
export function rollupQueryOf(fc: FilterContext, groupBy: GroupKey | null): RollupQuery | null {
  return rollupQueryForFilters(fc, CORE_GROUPS.includes(groupBy));
}

/** The plan of a summary's figures for these filters and this grouping, made once per summary. */
export function figuresPlanOf(fc: FilterContext, groupBy: GroupKey | null): FiguresPlan {
  return planFigures(fc, CORE_GROUPS.includes(groupBy));
}

/** Sums rows of the same key (and code) from the two parts of a split. */
function mergeRows<R extends { key: string | null }>(
  parts: R[][],
  idOf: (r: R) => string,
  add: (a: R, b: R) => R,
): R[] {
  const byId = new Map<string, R>();
  for (const rows of parts)
    for (const r of rows) {
      const id = idOf(r);
      const seen = byId.get(id);
      byId.set(id, seen ? add(seen, r) : r);
    }
  return [...byId.values()];
}

const MEASURES = [
  'received',
  'merged',
  'reopened',
  'ever_closed',
  'presses',
  'overdue',
  'accepted',
  'resolved',
  'closed',
  'closed_on_time',
  'responded_on_time',
  'rated',
  'satisfied',
  'bounced',
  'repeated',
  'hours_sum',
] as const;

/**
 * The sums behind the KPIs of the problems `fc` selects, per group `g` (or in all), from wherever they are
 * exact and cheapest: the rollup level that keeps the filters, the rollup and the rows together for a unit's
 * problems (see unitSplitOf), or the rows. `groupBy`: the grouping of the whole answer (the levels keep only
 * some groupings).
 */
export async function kpiSums(
  db: AppContext['db'],
  fc: FilterContext,
  plan: FiguresPlan,
  g: GroupKey | null,
): Promise<{ rows: AggregateRow[]; indicators: { key: string | null; code: string; total: unknown }[] }> {
  const { rollup: rq, split } = plan;
  if (rq) {
    const [rows, indicators] = await Promise.all([
      rollupRepository.aggregates(db, rq, g),
      rollupRepository.indicatorSums(db, rq, g),
    ]);
    return { rows, indicators };
  }
  if (!split) {
    const [rows, indicators] = await Promise.all([
      statsRepository.aggregates(db, fc, g),
      statsRepository.indicatorSums(db, fc, g),
    ]);
    return { rows, indicators };
  }
  const [ledRows, restRows, ledIndicators, restIndicators] = await Promise.all([
    rollupRepository.aggregates(db, split.led, g),
    statsRepository.aggregates(db, split.rest, g),
    rollupRepository.indicatorSums(db, split.led, g),
    statsRepository.indicatorSums(db, split.rest, g),
  ]);
  // Without a grouping each part is one row (of nulls where it holds no problem): they add up to one.
  const rows = mergeRows([ledRows, restRows], (r) => JSON.stringify(r.key), addRows);
  const indicators = mergeRows(
    [ledIndicators, restIndicators],
    (r) => JSON.stringify([r.key, r.code]),
    (a, b) => ({ ...a, total: Number(a.total ?? 0) + Number(b.total ?? 0) }),
  );
  return { rows, indicators };
}

/**
 * The median time to close of a unit's problems without other filters, exactly as the rows give it
 * (`statsRepository.medianHours`), without reading the rows of the problems the units lead: the close times
 * of the rest are few and read whole, those of the led problems are read at a few positions of their index.
 * The middle of the two ordered lists together is found by halving how many of the rest come before it.
 */
export async function splitMedianHours(
  db: AppContext['db'],
  jurisdictionId: string,
  split: { unitIds: string[]; rest: FilterContext },
  closedCount: number,
): Promise<number | null> {
  if (closedCount === 0) return null;
  const rest = await statsRepository.closeHours(db, split.rest);
  const led = await statsRepository.ledClosedCount(db, jurisdictionId, split.unitIds);
  const k = Math.floor((closedCount - 1) / 2);
  if (k >= led + rest.length) return null;
  // The first k + 1 close times: j of the rest and k + 1 - j of the led problems, where the largest of
  // each part is no larger than the next of the other.
  let lo = Math.max(0, k + 1 - led);
  let hi = Math.min(k + 1, rest.length);
  for (;;) {
    const j = (lo + hi) >> 1;
    const i = k + 1 - j;
    const around = await statsRepository.ledCloseHoursAt(
      db,
      jurisdictionId,
      split.unitIds,
      Math.max(0, i - 1),
      2,
    );
    const ledLast = i > 0 ? around[0]! : -Infinity;
    const ledNext = i < led ? around[i > 0 ? 1 : 0]! : Infinity;
    const restLast = j > 0 ? rest[j - 1]! : -Infinity;
    const restNext = j < rest.length ? rest[j]! : Infinity;
    if (restLast > ledNext) hi = j - 1;
    else if (ledLast > restNext) lo = j + 1;
    else {
      const middle = Math.max(restLast, ledLast);
      const next = Math.min(restNext, ledNext);
      // As the rows give it: the k-th, or with an even count the mean of it and the next where there is one.
      return closedCount % 2 === 0 && next !== Infinity ? (middle + next) / 2 : middle;
    }
  }
}

/** A grouping of the summary: a rollup grouping, or the topics' lead officials (领题领导). */
type SummaryGroup = GroupKey | 'official';

/** Sums grouped rows under new keys (the topics of one official under the official). */
function rekey<R extends { key: string | null }>(
  rows: R[],
  keyOf: (k: string | null) => string | null,
  add: (a: R, b: R) => R,
  idOf: (r: R) => string,
): R[] {
  return mergeRows([rows.map((r) => ({ ...r, key: keyOf(r.key) }))], idOf, add);
}

/** The measures of two rows of the same key added up. */
function addRows(a: AggregateRow, b: AggregateRow): AggregateRow {
  const sum = { ...a };
  for (const m of MEASURES) sum[m] = Number(a[m] ?? 0) + Number(b[m] ?? 0);
  return sum;
}

async function computeSummary(
  ctx: AppContext,
  jid: string,
  fc: FilterContext,
  groupBy: SummaryQuery['groupBy'],
  lang: Lang | null,
): Promise<Summary> {
  const ref = (await ctx.reference.get(jid)).inLanguage(lang);
  // By official: by topic, each topic's sums then added under its lead official (one per topic).
  const g: GroupKey | null = groupBy === 'official' ? 'topic' : (groupBy ?? null);
  const plan = figuresPlanOf(fc, g);
  const { rollup: rq, split } = plan;
  const sums = (k: GroupKey | null) => kpiSums(ctx.db, fc, plan, k);
  const [total, byGroup, topics] = await Promise.all([
    sums(null),
    g ? sums(g) : Promise.resolve({ rows: [], indicators: [] }),
    g === 'topic' ? statsRepository.topics(ctx.db, jid) : Promise.resolve([]),
  ]);
  let grouped = byGroup;
  const names = new Map<string, string>();
  if (groupBy === 'topic') for (const t of topics) names.set(t.id, t.title);
  if (groupBy === 'official') {
    const official = new Map(topics.map((t) => [t.id, t.lead_official_id ?? `name:${t.lead_official_name}`]));
    for (const t of topics) names.set(official.get(t.id)!, t.lead_official_name);
    const keyOf = (k: string | null) => (k === null ? null : (official.get(k) ?? null));
    grouped = {
      rows: rekey(byGroup.rows, keyOf, addRows, (r) => JSON.stringify(r.key)),
      indicators: rekey(
        byGroup.indicators,
        keyOf,
        (a, b) => ({ ...a, total: Number(a.total ?? 0) + Number(b.total ?? 0) }),
        (r) => JSON.stringify([r.key, r.code]),
      ),
    };
  }
  const totals = kpisOf(total.rows[0] ?? ({} as AggregateRow), indicatorList(ref, total.indicators));
  const whole = rq && rq.where.length === 0 && !rq.fromMonth && !rq.toMonth;
  const unitAlone = split && split.led.where.length === 1 && !split.led.fromMonth && !split.led.toMonth;
  totals.medianHoursToClose = whole
    ? await rollupRepository.medianHours(ctx.db, jid, totals.closed)
    : unitAlone
      ? await splitMedianHours(ctx.db, jid, split, totals.closed)
      : await statsRepository.medianHours(ctx.db, fc, totals.closed);
  const groups = grouped.rows
    .map((r) => ({
      key: r.key,
      label: labelOf(ref, groupBy!, r.key, names),
      ...kpisOf(
        r,
        indicatorList(
          ref,
          grouped.indicators.filter((i) => i.key === r.key),
        ),
      ),
    }))
    // A group whose every problem was merged away has nothing to show.
    .filter((x) => x.received > 0 || x.merged === 0)
    .sort((a, b) =>
      groupBy === 'month' ? String(a.key).localeCompare(String(b.key)) : b.received - a.received,
    );
  const shown =
    groupBy === 'month'
      ? withEmptyMonths(groups, (month) => ({
          key: month,
          label: labelOf(ref, 'month', month, names),
          ...kpisOf({} as AggregateRow, indicatorList(ref, [])),
        }))
      : groups;
  return { totals, groupBy: groupBy ?? null, groups: shown };
}

/** The public results list's filters and page (GET /api/results). */
export type ResultsFilter = z.infer<typeof ResultsQuery>;

/**
 * The public results list (成效清单): resolved problems with their results, no personal data (free text
 * redacted). The same for every reader, so an answer is kept per data version.
 */
export async function publicResults(
  ctx: AppContext,
  jid: string,
  q: ResultsFilter,
  lang: Lang | null = null,
) {
  const version = await dataVersion(ctx, jid);
  return ctx.cache
    .values<Awaited<ReturnType<typeof computeResults>>>('stats.results', 300)
    .getOrCompute(JSON.stringify([jid, q, lang]), version, () => computeResults(ctx, jid, q, lang));
}

async function computeResults(ctx: AppContext, jid: string, q: ResultsFilter, lang: Lang | null) {
  const fc = publicFilterContext(ctx, jid, {
    q: q.q,
    domain: q.domain,
    township: q.township,
    campaign: q.campaign,
    category: q.category,
  });
  const ref = (await ctx.reference.get(jid)).inLanguage(lang);
  const { items, total } = await statsRepository.results(ctx.db, fc, q.pageSize, (q.page - 1) * q.pageSize);
  const res = await resultsOf(
    ctx.db,
    jid,
    items.map((i) => i.id),
  );
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    nextCursor: null,
    items: items.map((r) => ({
      id: r.id,
      number: r.number,
      title: redactText(r.title),
      description: redactText(r.description),
      kind: r.kind,
      domain: r.domain,
      domainName: ref.domains.get(r.domain)?.name ?? r.domain,
      categoryName: ref.categories.get(r.category_code)?.name ?? r.category_code,
      townshipName: ref.divisionName(r.township_code),
      villageName: ref.divisionName(r.village_code),
      leadUnit: r.lead_unit_id ? (ref.units.get(r.lead_unit_id)?.name ?? null) : null,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      rating: r.rating,
      result: redactFields(
        resultOf(
          ref,
          res.results.find((x) => x.problem_id === r.id),
          res.indicators.filter((x) => x.problem_id === r.id),
        ),
        ['summary', 'mechanism'],
      ),
    })),
  };
}

/** The latest public actions, for the big screen's live feed. */
export async function recentActions(ctx: AppContext, jid: string, limit: number) {
  const ref = await ctx.reference.get(jid);
  const rows = await recentPublicActions(ctx.db, jid, limit);
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    problemId: r.problem_id,
    number: r.number,
    title: redactText(r.title),
    toStatus: r.to_status,
    townshipName: ref.divisionName(r.township_code),
    unitName: r.actor_unit_id ? (ref.units.get(r.actor_unit_id)?.name ?? null) : null,
    createdAt: r.created_at,
  }));
}
