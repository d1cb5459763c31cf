/**
 * The KPI rollup's SQL (see src/db/rollupTables.ts for the tables): the numerators of every KPI summed per
 * grain, kept exact inside every writing transaction by database triggers, so that the statistics read a few
 * thousand rollup rows instead of every problem. This file builds the dialect-free statements; what differs
 * between the databases (expressions, triggers, bulk-load steps) is the dialect adapter's `rollup`.
 */
import type { DialectAdapter, RollupParts } from '../../../db/dialect/types.ts';
import {
  CLOSE_HOURS_TABLE,
  ROLLUP_LEVELS,
  ROLLUP_TABLE_NAMES,
  type RollupLevel,
} from '../../../db/rollupTables.ts';

/** The grain: rollup column and the expression over a problems row (`r` is NEW, OLD or an alias). */
function grain(dialect: DialectAdapter, r: string, level: RollupLevel): [string, string][] {
  const expression: Record<string, string> = {
    month: dialect.rollup.monthOfRow(r),
    status: `${r}.status`,
    township_code: `coalesce(${r}.township_code, '')`,
    category_code: `${r}.category_code`,
    domain: `${r}.domain`,
    kind: `${r}.kind`,
    channel: `${r}.channel`,
    lead_unit_id: `coalesce(${r}.lead_unit_id, '')`,
    topic_id: `coalesce(${r}.topic_id, '')`,
    campaign_id: `coalesce(${r}.campaign_id, '')`,
  };
  return level.grain.map((c) => [c, expression[c]!]);
}

/**
 * The measures, written once (docs/kpi-definitions.md): rollup column and one problem's contribution (0 or
 * 1, a count, or milliseconds of close time) over a problems row `r`. The rollup sums them per grain and the
 * statistics sum the same expressions over the rows, so both paths count alike. `received` counts every
 * row (a list's total); a problem merged into another (合并办理) counts in `merged` and nowhere else, so the
 * KPIs count a merged group once, as its primary.
 */
export function kpiMeasures(dialect: DialectAdapter, r: string): [string, string][] {
  const big = dialect.types.bigint;
  const own = `${r}.merged_into_id is null`;
  const flag = (cond: string) => `(case when ${own} and ${cond} then 1 else 0 end)`;
  const dispatched = `${r}.dispatched_at is not null`;
  const running = "('assigned', 'bounced', 'in_progress', 'closure_requested')";
  return [
    ['received', '1'],
    ['merged', `(case when ${own} then 0 else 1 end)`],
    // 受理: dispatched to a unit, or closed with a result (an imported ledger row may have no dispatch).
    ['accepted', flag(`(${dispatched} or ${r}.resolved = 1)`)],
    ['resolved', flag(`${r}.resolved = 1`)],
    ['closed', flag(`${r}.status = 'closed'`)],
    ['closed_on_time', flag(`${r}.status = 'closed' and ${r}.closed_at <= ${r}.close_due_at`)],
    [
      'responded_on_time',
      flag(`${dispatched} and ${r}.responded_at is not null and ${r}.responded_at <= ${r}.respond_due_at`),
    ],
    // The rating of the last rated round: a 重办 starts a new round but keeps the last rating counting.
    ['rated', flag(`${r}.last_rating is not null`)],
    ['satisfied', flag(`${r}.last_rating in ('satisfied', 'basically_satisfied')`)],
    ['bounced', flag(`${dispatched} and ${r}.bounce_count > 0`)],
    // 重复诉求: the report repeats an earlier one (same reporter or place, similar text, within the window).
    ['repeated', flag(`${r}.repeat_of_id is not null`)],
    ['reopened', flag(`${r}.reopen_count > 0`)],
    // Closed at least once: closed now, or reopened (only a closed problem is reopened).
    ['ever_closed', flag(`(${r}.status = 'closed' or ${r}.reopen_count > 0)`)],
    ['presses', `(case when ${own} then ${r}.press_count else 0 end)`],
    ['overdue', flag(`${r}.due_state = 'overdue' and ${r}.status in ${running}`)],
    // Integer milliseconds: sums of floating hours would drift as contributions come and go.
    [
      'hours_ms',
      `(case when ${own} then coalesce(cast(round(${r}.close_hours * 3600000) as ${big}), 0) else 0 end)`,
    ],
  ];
}
const measures = kpiMeasures;

/** The columns of problems whose change can move a problem's contribution. */
const WATCHED = [
  // The month of the grain is the creation time's.
  'created_at',
  ...ROLLUP_LEVELS[0].grain.filter((c) => c !== 'month'),
  'dispatched_at',
  'resolved',
  'status',
  'closed_at',
  'close_due_at',
  'responded_at',
  'respond_due_at',
  'last_rating',
  'bounce_count',
  'reopen_count',
  'close_hours',
  'merged_into_id',
  'repeat_of_id',
  'press_count',
  'due_state',
];

const keyOf = (level: RollupLevel) => ['jurisdiction_id', ...level.grain];

/** An upsert adding one problem row's contribution (times sign) to a level. */
function problemUpsert(dialect: DialectAdapter, level: RollupLevel, r: string, sign: 1 | -1): string {
  const g = grain(dialect, r, level);
  const m = measures(dialect, r);
  const cols = ['jurisdiction_id', ...g.map(([c]) => c), ...m.map(([c]) => c)];
  const vals = [
    `${r}.jurisdiction_id`,
    ...g.map(([, e]) => e),
    ...m.map(([, e]) => (sign < 0 ? `-${e}` : e)),
  ];
  return `insert into ${level.table} (${cols.join(', ')}) select ${vals.join(', ')} where true
    on conflict (${keyOf(level).join(', ')}) do update set ${m
      .map(([c]) => `${c} = ${level.table}.${c} + excluded.${c}`)
      .join(', ')}`;
}

/** An upsert adding every indicator of problem row `r` (times sign), if it is resolved, to a level. */
function indicatorUpsertFromProblem(dialect: DialectAdapter, level: RollupLevel, r: string, sign: 1 | -1) {
  const g = grain(dialect, r, level);
  const cols = ['jurisdiction_id', ...g.map(([c]) => c), 'code', 'total'];
  const vals = [
    `${r}.jurisdiction_id`,
    ...g.map(([, e]) => e),
    'ri.code',
    sign < 0 ? '-ri.value_scaled' : 'ri.value_scaled',
  ];
  return `insert into ${level.indicators} (${cols.join(', ')}) select ${vals.join(', ')}
    from result_indicators ri where ri.jurisdiction_id = ${r}.jurisdiction_id and ri.problem_id = ${r}.id
    and ${r}.resolved = 1 and ${r}.merged_into_id is null
    on conflict (${[...keyOf(level), 'code'].join(', ')}) do update set total = ${level.indicators}.total + excluded.total`;
}

/** An upsert adding one indicator row `i` (times sign) at its problem's grain, if the problem is resolved. */
function indicatorUpsertFromIndicator(dialect: DialectAdapter, level: RollupLevel, i: string, sign: 1 | -1) {
  const g = grain(dialect, 'p', level);
  const cols = ['jurisdiction_id', ...g.map(([c]) => c), 'code', 'total'];
  const vals = [
    'p.jurisdiction_id',
    ...g.map(([, e]) => e),
    `${i}.code`,
    sign < 0 ? `-${i}.value_scaled` : `${i}.value_scaled`,
  ];
  return `insert into ${level.indicators} (${cols.join(', ')}) select ${vals.join(', ')}
    from problems p where p.jurisdiction_id = ${i}.jurisdiction_id and p.id = ${i}.problem_id
    and p.resolved = 1 and p.merged_into_id is null
    on conflict (${[...keyOf(level), 'code'].join(', ')}) do update set total = ${level.indicators}.total + excluded.total`;
}

/**
 * An upsert counting problem row `r` (times sign) in the histogram of close times per whole hour: the
 * median time to close finds its hour there and reads only that hour's rows in order.
 */
function histogramUpsert(dialect: DialectAdapter, r: string, sign: 1 | -1): string {
  return `insert into ${CLOSE_HOURS_TABLE} (jurisdiction_id, hour, n)
    select ${r}.jurisdiction_id, ${dialect.rollup.wholeHourOfRow(r)}, ${sign}
    where ${r}.close_hours is not null and ${r}.merged_into_id is null
    on conflict (jurisdiction_id, hour) do update set n = ${CLOSE_HOURS_TABLE}.n + excluded.n`;
}

/** The temporary tables holding a grouped pass over the problems, from which every level is summed. */
const BASE = 'qd_rollup_base';
const INDICATOR_BASE = 'qd_rollup_indicator_base';

/**
 * Statements adding the problems matching `where` (over `problems x`) to every level, grouped; as upserts
 * when rows may exist already. The problems are read once, grouped at the union of the levels' grains into
 * a temporary table, from which each level is summed, so the expressions and the sort are paid once rather
 * than once per level. `scan`: read the whole table rather than through an index (when the condition
 * selects most of it).
 */
function aggregateStatements(dialect: DialectAdapter, where: string | null, upsert: boolean, scan = false) {
  const from = `problems x${scan ? dialect.rollup.scanHint : ''}`;
  const cond = (extra: string | null) => {
    const all = [where, extra].filter(Boolean);
    return all.length ? `where ${all.join(' and ')}` : '';
  };
  const onConflict = (key: string[], set: string) =>
    upsert ? ` on conflict (${key.join(', ')}) do update set ${set}` : '';
  // The union of the levels' grains, each column with its expression over the problem row.
  const union = new Map<string, string>();
  for (const level of ROLLUP_LEVELS) for (const [c, e] of grain(dialect, 'x', level)) union.set(c, e);
  const ue = [...union].map(([c, e]) => `${e} as ${c}`).join(', ');
  const ug = [...union.values()].join(', ');
  const m = measures(dialect, 'x');
  const hour = dialect.rollup.wholeHourOfRow('x');
  const out: string[] = [
    `drop table if exists ${BASE}`,
    `drop table if exists ${INDICATOR_BASE}`,
    `create temporary table ${BASE} as
      select x.jurisdiction_id, ${ue}, ${m.map(([c, e]) => `sum(${e}) as ${c}`).join(', ')}
      from ${from} ${cond(null)} group by x.jurisdiction_id, ${ug}`,
    `create temporary table ${INDICATOR_BASE} as
      select x.jurisdiction_id, ${ue}, ri.code, sum(ri.value_scaled) as total
      from ${from} join result_indicators ri on ri.jurisdiction_id = x.jurisdiction_id and ri.problem_id = x.id
      ${cond('x.resolved = 1 and x.merged_into_id is null')} group by x.jurisdiction_id, ${ug}, ri.code`,
  ];
  for (const level of ROLLUP_LEVELS) {
    const gc = level.grain.join(', ');
    out.push(
      `insert into ${level.table} (jurisdiction_id, ${gc}, ${m.map(([c]) => c).join(', ')})
        select jurisdiction_id, ${gc}, ${m.map(([c]) => `sum(${c})`).join(', ')}
        from ${BASE} group by jurisdiction_id, ${gc}${onConflict(
          keyOf(level),
          m.map(([c]) => `${c} = ${level.table}.${c} + excluded.${c}`).join(', '),
        )}`,
      `insert into ${level.indicators} (jurisdiction_id, ${gc}, code, total)
        select jurisdiction_id, ${gc}, code, sum(total)
        from ${INDICATOR_BASE} group by jurisdiction_id, ${gc}, code${onConflict(
          [...keyOf(level), 'code'],
          `total = ${level.indicators}.total + excluded.total`,
        )}`,
    );
  }
  out.push(
    `drop table ${BASE}`,
    `drop table ${INDICATOR_BASE}`,
    `insert into ${CLOSE_HOURS_TABLE} (jurisdiction_id, hour, n)
      select x.jurisdiction_id, ${hour}, count(*) from ${from}
      ${cond('x.close_hours is not null and x.merged_into_id is null')} group by x.jurisdiction_id, ${hour}${onConflict(
        ['jurisdiction_id', 'hour'],
        `n = ${CLOSE_HOURS_TABLE}.n + excluded.n`,
      )}`,
  );
  return out;
}

/** The rollup's statements in the shape the dialect adapter builds its triggers and bulk-load steps from. */
export function rollupParts(dialect: DialectAdapter): RollupParts {
  return {
    watched: WATCHED,
    problemUpserts: (r, sign) => ROLLUP_LEVELS.map((l) => problemUpsert(dialect, l, r, sign)),
    indicatorUpsertsFromProblem: (r, sign) =>
      ROLLUP_LEVELS.map((l) => indicatorUpsertFromProblem(dialect, l, r, sign)),
    histogramUpsert: (r, sign) => histogramUpsert(dialect, r, sign),
    indicatorUpsertsFromIndicator: (r, sign) =>
      ROLLUP_LEVELS.map((l) => indicatorUpsertFromIndicator(dialect, l, r, sign)),
    addMatching: (where) => aggregateStatements(dialect, where, true),
  };
}

/**
 * Statements that rebuild every level of one jurisdiction (or of all) from the problems: a repair, and the
 * tests' reference. The jurisdiction is quoted as a literal: the statements are plain text.
 */
export function rebuildRollupStatements(dialect: DialectAdapter, jurisdictionId?: string): string[] {
  const lit = jurisdictionId ? `'${jurisdictionId.replace(/'/g, "''")}'` : null;
  return [
    ...ROLLUP_TABLE_NAMES.map((t) => `delete from ${t}${lit ? ` where jurisdiction_id = ${lit}` : ''}`),
    ...aggregateStatements(dialect, lit ? `x.jurisdiction_id = ${lit}` : null, false, true),
  ];
}
