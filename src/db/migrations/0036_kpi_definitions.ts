/**
 * The KPI definitions of issue 20 in the rollup (docs/kpi-definitions.md): a problem merged into another
 * counts in `merged` and in no other measure (a merged group counts once); 满意率 reads the rating of the
 * last rated round (`last_rating`, 0035); 重复诉求 are repeated reports (`repeat_of_id`), the share of
 * reopened problems is its own measure (`reopened` over `ever_closed`); 督办 (`presses`) and the problems
 * overdue now (`overdue`) are summed per grain. This adds the measures' columns, makes the triggers keep
 * them (a frozen copy of the statements as of this migration: migrations keep their own), and rebuilds
 * every level from the problems.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

const FULL = [
  'month',
  'township_code',
  'category_code',
  'domain',
  'kind',
  'channel',
  'lead_unit_id',
  'topic_id',
  'campaign_id',
];
const CORE = ['month', 'township_code', 'category_code', 'domain', 'kind'];
const LEVELS = [
  { table: 'problem_rollup', indicators: 'problem_indicator_rollup', grain: FULL },
  { table: 'problem_rollup_core', indicators: 'problem_indicator_rollup_core', grain: CORE },
  {
    table: 'problem_rollup_status',
    indicators: 'problem_indicator_rollup_status',
    grain: ['status', 'township_code', 'month', 'category_code', 'domain', 'kind'],
  },
];
type Level = (typeof LEVELS)[number];
const NEW_MEASURES = ['merged', 'reopened', 'ever_closed', 'presses', 'overdue'];
const WATCHED = [
  'created_at',
  ...FULL.filter((c) => c !== 'month'),
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

const monthOf = (d: DialectAdapter, r: string) =>
  d.name === 'sqlite'
    ? `strftime('%Y-%m', ${r}.created_at, '+8 hours')`
    : `to_char((${r}.created_at)::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM')`;
const hourOf = (d: DialectAdapter, r: string) =>
  d.name === 'sqlite' ? `cast(${r}.close_hours as integer)` : `cast(floor(${r}.close_hours) as bigint)`;

function grain(d: DialectAdapter, r: string, level: Level): [string, string][] {
  const e: Record<string, string> = {
    month: monthOf(d, r),
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
  return level.grain.map((c) => [c, e[c]!]);
}

function measures(d: DialectAdapter, r: string): [string, string][] {
  const own = `${r}.merged_into_id is null`;
  const flag = (cond: string) => `(case when ${own} and ${cond} then 1 else 0 end)`;
  const dispatched = `${r}.dispatched_at is not null`;
  return [
    ['received', '1'],
    ['merged', `(case when ${own} then 0 else 1 end)`],
    ['accepted', flag(`(${dispatched} or ${r}.resolved = 1)`)],
    ['resolved', flag(`${r}.resolved = 1`)],
    ['closed', flag(`${r}.status = 'closed'`)],
    ['closed_on_time', flag(`${r}.status = 'closed' and ${r}.closed_at <= ${r}.close_due_at`)],
    [
      'responded_on_time',
      flag(`${dispatched} and ${r}.responded_at is not null and ${r}.responded_at <= ${r}.respond_due_at`),
    ],
    ['rated', flag(`${r}.last_rating is not null`)],
    ['satisfied', flag(`${r}.last_rating in ('satisfied', 'basically_satisfied')`)],
    ['bounced', flag(`${dispatched} and ${r}.bounce_count > 0`)],
    ['repeated', flag(`${r}.repeat_of_id is not null`)],
    ['reopened', flag(`${r}.reopen_count > 0`)],
    ['ever_closed', flag(`(${r}.status = 'closed' or ${r}.reopen_count > 0)`)],
    ['presses', `(case when ${own} then ${r}.press_count else 0 end)`],
    [
      'overdue',
      flag(
        `${r}.due_state = 'overdue' and ${r}.status in ('assigned', 'bounced', 'in_progress', 'closure_requested')`,
      ),
    ],
    [
      'hours_ms',
      `(case when ${own} then coalesce(cast(round(${r}.close_hours * 3600000) as ${d.types.bigint}), 0) else 0 end)`,
    ],
  ];
}

const keyOf = (level: Level) => ['jurisdiction_id', ...level.grain];

function problemUpsert(d: DialectAdapter, level: Level, r: string, sign: 1 | -1): string {
  const g = grain(d, r, level);
  const m = measures(d, r);
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

function indicatorFromProblem(d: DialectAdapter, level: Level, r: string, sign: 1 | -1): string {
  const g = grain(d, r, level);
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

function indicatorFromIndicator(d: DialectAdapter, level: Level, i: string, sign: 1 | -1): string {
  const g = grain(d, 'p', level);
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

function histogramUpsert(d: DialectAdapter, r: string, sign: 1 | -1): string {
  return `insert into problem_close_hours (jurisdiction_id, hour, n)
    select ${r}.jurisdiction_id, ${hourOf(d, r)}, ${sign}
    where ${r}.close_hours is not null and ${r}.merged_into_id is null
    on conflict (jurisdiction_id, hour) do update set n = problem_close_hours.n + excluded.n`;
}

/** The triggers' statements: SQLite drops and creates them; PostgreSQL replaces the functions they call. */
function triggerStatements(d: DialectAdapter): string[] {
  const onIndicator = (r: string, sign: 1 | -1) => LEVELS.map((l) => indicatorFromIndicator(d, l, r, sign));
  if (d.name === 'sqlite') {
    const onProblem = (r: string, sign: 1 | -1) => [
      ...LEVELS.flatMap((l) => [problemUpsert(d, l, r, sign), indicatorFromProblem(d, l, r, sign)]),
      histogramUpsert(d, r, sign),
    ];
    const changed = WATCHED.map((c) => `old.${c} is not new.${c}`).join(' or ');
    const trigger = (name: string, on: string, body: string[]) => [
      `drop trigger if exists ${name}`,
      `create trigger ${name} ${on} begin ${body.map((s) => `${s};`).join(' ')} end`,
    ];
    return [
      ...trigger('problems_rollup_insert', 'after insert on problems', onProblem('new', 1)),
      ...trigger(
        'problems_rollup_update',
        `after update of ${WATCHED.join(', ')} on problems when ${changed}`,
        [...onProblem('old', -1), ...onProblem('new', 1)],
      ),
      ...trigger('problems_rollup_delete', 'after delete on problems', onProblem('old', -1)),
      ...trigger('indicators_rollup_insert', 'after insert on result_indicators', onIndicator('new', 1)),
      ...trigger('indicators_rollup_update', 'after update on result_indicators', [
        ...onIndicator('old', -1),
        ...onIndicator('new', 1),
      ]),
      ...trigger('indicators_rollup_delete', 'after delete on result_indicators', onIndicator('old', -1)),
    ];
  }
  const block = (stmts: string[]) => stmts.map((s) => `${s};`).join(' ');
  const fn = (name: string, body: string) =>
    `create or replace function ${name}() returns trigger language plpgsql as $$ begin
      if current_setting('qingdan.bulk_load', true) = 'on' then return null; end if;
      ${body} return null; end $$`;
  const onProblem = (r: string, sign: 1 | -1) =>
    [
      ...LEVELS.map((l) => `${problemUpsert(d, l, r, sign)};`),
      `if ${r}.resolved = 1 then ${block(LEVELS.map((l) => indicatorFromProblem(d, l, r, sign)))} end if;`,
      `if ${r}.close_hours is not null then ${histogramUpsert(d, r, sign)}; end if;`,
    ].join(' ');
  const changed = WATCHED.map((c) => `old.${c} is distinct from new.${c}`).join(' or ');
  return [
    fn(
      'qd_problems_rollup',
      `if tg_op in ('UPDATE', 'DELETE') then ${onProblem('old', -1)} end if;
       if tg_op in ('INSERT', 'UPDATE') then ${onProblem('new', 1)} end if;`,
    ),
    fn(
      'qd_indicators_rollup',
      `if tg_op in ('UPDATE', 'DELETE') then ${block(onIndicator('old', -1))} end if;
       if tg_op in ('INSERT', 'UPDATE') then ${block(onIndicator('new', 1))} end if;`,
    ),
    // The update trigger's condition names the watched columns: made again with the new list.
    `drop trigger if exists problems_rollup_update on problems`,
    `create trigger problems_rollup_update after update on problems
      for each row when (${changed}) execute function qd_problems_rollup()`,
  ];
}

/** Every level and the histogram filled again from the problems, grouped once at the union of the grains. */
function rebuildStatements(d: DialectAdapter): string[] {
  const union = new Map<string, string>();
  for (const level of LEVELS) for (const [c, e] of grain(d, 'x', level)) union.set(c, e);
  const ue = [...union].map(([c, e]) => `${e} as ${c}`).join(', ');
  const ug = [...union.values()].join(', ');
  const m = measures(d, 'x');
  const out = [
    ...LEVELS.flatMap((l) => [`delete from ${l.table}`, `delete from ${l.indicators}`]),
    'delete from problem_close_hours',
    'drop table if exists qd_rollup_base',
    'drop table if exists qd_rollup_indicator_base',
    `create temporary table qd_rollup_base as select x.jurisdiction_id, ${ue},
      ${m.map(([c, e]) => `sum(${e}) as ${c}`).join(', ')} from problems x group by x.jurisdiction_id, ${ug}`,
    `create temporary table qd_rollup_indicator_base as select x.jurisdiction_id, ${ue}, ri.code,
      sum(ri.value_scaled) as total from problems x join result_indicators ri
      on ri.jurisdiction_id = x.jurisdiction_id and ri.problem_id = x.id
      where x.resolved = 1 and x.merged_into_id is null group by x.jurisdiction_id, ${ug}, ri.code`,
  ];
  for (const level of LEVELS) {
    const gc = level.grain.join(', ');
    out.push(
      `insert into ${level.table} (jurisdiction_id, ${gc}, ${m.map(([c]) => c).join(', ')})
        select jurisdiction_id, ${gc}, ${m.map(([c]) => `sum(${c})`).join(', ')}
        from qd_rollup_base group by jurisdiction_id, ${gc}`,
      `insert into ${level.indicators} (jurisdiction_id, ${gc}, code, total)
        select jurisdiction_id, ${gc}, code, sum(total) from qd_rollup_indicator_base
        group by jurisdiction_id, ${gc}, code`,
    );
  }
  out.push(
    'drop table qd_rollup_base',
    'drop table qd_rollup_indicator_base',
    `insert into problem_close_hours (jurisdiction_id, hour, n)
      select x.jurisdiction_id, ${hourOf(d, 'x')}, count(*) from problems x
      where x.close_hours is not null and x.merged_into_id is null group by x.jurisdiction_id, ${hourOf(d, 'x')}`,
  );
  return out;
}

export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  for (const level of LEVELS)
    for (const c of NEW_MEASURES)
      await sql
        .raw(`alter table ${level.table} add column ${c} ${dialect.types.bigint} not null default 0`)
        .execute(db);
  for (const s of triggerStatements(dialect)) await sql.raw(s).execute(db);
  for (const s of rebuildStatements(dialect)) await sql.raw(s).execute(db);
}
