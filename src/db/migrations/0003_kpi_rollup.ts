import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * The KPI rollup: the numerators of every KPI of DESIGN §2, summed per (month, township, category, domain,
 * kind, channel, lead unit, topic, campaign), and the result indicators summed per the same grain. Database
 * triggers keep both exact inside every writing transaction — API writes, ledger imports, the deadline
 * scheduler, the CLI — so the statistics read a few thousand rollup rows instead of every problem, and are
 * exact right after each write. Missing keys are stored as '' (NULL never equals NULL in a unique key).
 *
 * Over 500 lines: frozen history, left as it ran; later changes to the rollup are new migrations.
 */

/**
 * The levels: the full grain; a core grain (month, township, category, domain, kind) about ten times smaller
 * that answers the common questions — the dashboard by township, month, category or domain; and the core
 * grain by status (migration 0005), keyed status first, that counts the problems matching a list's filters
 * (how many are in progress in this township this year) without reading them.
 */
export const LEVELS = [
  {
    table: 'problem_rollup',
    indicators: 'problem_indicator_rollup',
    core: false,
    grain: [
      'month',
      'township_code',
      'category_code',
      'domain',
      'kind',
      'channel',
      'lead_unit_id',
      'topic_id',
      'campaign_id',
    ],
  },
  {
    table: 'problem_rollup_core',
    indicators: 'problem_indicator_rollup_core',
    core: true,
    grain: ['month', 'township_code', 'category_code', 'domain', 'kind'],
  },
  {
    table: 'problem_rollup_status',
    indicators: 'problem_indicator_rollup_status',
    core: true,
    grain: ['status', 'township_code', 'month', 'category_code', 'domain', 'kind'],
  },
] as const;
type Level = (typeof LEVELS)[number];
export const CORE_GRAIN: readonly string[] = LEVELS[1].grain;
/** The level keyed by status, for counting what a list's filters match. */
export const STATUS_LEVEL = LEVELS[2];

/** The grain: rollup column and the expression over a problems row (`r` is NEW or OLD). */
function grain(dialect: DialectAdapter, r: string, level: Level = LEVELS[0]): [string, string][] {
  const month =
    dialect.name === 'sqlite'
      ? `strftime('%Y-%m', ${r}.created_at, '+8 hours')`
      : `to_char((${r}.created_at)::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM')`;
  const expression: Record<string, string> = {
    month,
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
export const ROLLUP_GRAIN = grain({ name: 'sqlite' } as DialectAdapter, 'x').map(([c]) => c);

/** The measures: rollup column and one problem's contribution (0 or 1, or milliseconds of close time). */
function measures(dialect: DialectAdapter, r: string): [string, string][] {
  const big = dialect.types.bigint;
  const flag = (cond: string) => `(case when ${cond} then 1 else 0 end)`;
  return [
    ['received', '1'],
    ['accepted', flag(`${r}.dispatched_at is not null`)],
    ['resolved', `${r}.resolved`],
    ['closed', flag(`${r}.status = 'closed'`)],
    ['closed_on_time', flag(`${r}.status = 'closed' and ${r}.closed_at <= ${r}.close_due_at`)],
    ['responded_on_time', flag(`${r}.responded_at is not null and ${r}.responded_at <= ${r}.respond_due_at`)],
    ['rated', flag(`${r}.rating is not null`)],
    ['satisfied', flag(`${r}.rating in ('satisfied', 'basically_satisfied')`)],
    ['bounced', flag(`${r}.bounce_count > 0`)],
    ['repeated', flag(`${r}.reopen_count > 0`)],
    // Integer milliseconds: sums of floating hours would drift as contributions come and go.
    ['hours_ms', `coalesce(cast(round(${r}.close_hours * 3600000) as ${big}), 0)`],
  ];
}
export const ROLLUP_MEASURES = measures(
  { name: 'sqlite', types: { bigint: 'integer' } } as DialectAdapter,
  'x',
).map(([c]) => c);

/** The columns of problems whose change can move a problem's contribution. */
const WATCHED = [
  // The month of the grain is the creation time's.
  'created_at',
  ...LEVELS[0].grain.filter((c) => c !== 'month'),
  'dispatched_at',
  'resolved',
  'status',
  'closed_at',
  'close_due_at',
  'responded_at',
  'respond_due_at',
  'rating',
  'bounce_count',
  'reopen_count',
  'close_hours',
];
const keyOf = (level: Level) => [
  'jurisdiction_id',
  ...grain({ name: 'sqlite' } as DialectAdapter, 'x', level).map(([c]) => c),
];

/** An upsert adding one problem row's contribution (times sign) to a rollup level. */
function problemUpsert(dialect: DialectAdapter, level: Level, r: string, sign: 1 | -1): string {
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
function indicatorUpsertFromProblem(dialect: DialectAdapter, level: Level, r: string, sign: 1 | -1): string {
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
    and ${r}.resolved = 1
    on conflict (${[...keyOf(level), 'code'].join(', ')}) do update set total = ${level.indicators}.total + excluded.total`;
}

/** An upsert adding one indicator row `i` (times sign) at its problem's grain, if the problem is resolved. */
function indicatorUpsertFromIndicator(
  dialect: DialectAdapter,
  level: Level,
  i: string,
  sign: 1 | -1,
): string {
  const g = grain(dialect, 'p', level);
  const cols = ['jurisdiction_id', ...g.map(([c]) => c), 'code', 'total'];
  const vals = [
    'p.jurisdiction_id',
    ...g.map(([, e]) => e),
    `${i}.code`,
    sign < 0 ? `-${i}.value_scaled` : `${i}.value_scaled`,
  ];
  return `insert into ${level.indicators} (${cols.join(', ')}) select ${vals.join(', ')}
    from problems p where p.jurisdiction_id = ${i}.jurisdiction_id and p.id = ${i}.problem_id and p.resolved = 1
    on conflict (${[...keyOf(level), 'code'].join(', ')}) do update set total = ${level.indicators}.total + excluded.total`;
}

/** The whole hour of a close time: the bucket of the close-time histogram. */
function hourOf(dialect: DialectAdapter, r: string): string {
  return dialect.name === 'sqlite'
    ? `cast(${r}.close_hours as integer)`
    : `cast(floor(${r}.close_hours) as bigint)`;
}

/**
 * An upsert counting problem row `r` (times sign) in the histogram of close times per whole hour: the
 * median time to close finds its hour there and reads only that hour's rows in order.
 */
function histogramUpsert(dialect: DialectAdapter, r: string, sign: 1 | -1): string {
  return `insert into problem_close_hours (jurisdiction_id, hour, n)
    select ${r}.jurisdiction_id, ${hourOf(dialect, r)}, ${sign} where ${r}.close_hours is not null
    on conflict (jurisdiction_id, hour) do update set n = problem_close_hours.n + excluded.n`;
}

/** The temporary tables holding a grouped pass over the problems, from which every level is summed. */
const BASE = 'qd_rollup_base';
const INDICATOR_BASE = 'qd_rollup_indicator_base';

/**
 * Statements adding the problems matching `where` (over `problems x`) to every rollup, grouped; as upserts
 * when rows may exist already. The problems are read once: grouped at the union of the levels' grains into
 * a temporary table (a fifth to a tenth of the rows), from which each level is summed, so the expressions
 * and the sort are paid once rather than once per level. `scan`: read the whole table rather than through an index (SQLite; when the condition selects
 * most of it).
 */
function aggregateStatements(
  dialect: DialectAdapter,
  where: string | null,
  upsert: boolean,
  levels: readonly Level[] = LEVELS,
  histogram = true,
  scan = false,
): string[] {
  const from = `problems x${scan && dialect.name === 'sqlite' ? ' not indexed' : ''}`;
  const cond = (extra: string | null) =>
    [where, extra].filter(Boolean).length ? `where ${[where, extra].filter(Boolean).join(' and ')}` : '';
  const onConflict = (key: string[], set: string) =>
    upsert ? ` on conflict (${key.join(', ')}) do update set ${set}` : '';
  // The union of the levels' grains, each column with its expression over the problem row.
  const union = new Map<string, string>();
  for (const level of levels) for (const [c, e] of grain(dialect, 'x', level)) union.set(c, e);
  const ue = [...union].map(([c, e]) => `${e} as ${c}`).join(', ');
  const ug = [...union.values()].join(', ');
  const m = measures(dialect, 'x');
  const out: string[] = [
    `drop table if exists ${BASE}`,
    `drop table if exists ${INDICATOR_BASE}`,
    `create temporary table ${BASE} as
      select x.jurisdiction_id, ${ue}, ${m.map(([c, e]) => `sum(${e}) as ${c}`).join(', ')}
      from ${from} ${cond(null)} group by x.jurisdiction_id, ${ug}`,
    `create temporary table ${INDICATOR_BASE} as
      select x.jurisdiction_id, ${ue}, ri.code, sum(ri.value_scaled) as total
      from ${from} join result_indicators ri on ri.jurisdiction_id = x.jurisdiction_id and ri.problem_id = x.id
      ${cond('x.resolved = 1')} group by x.jurisdiction_id, ${ug}, ri.code`,
  ];
  for (const level of levels) {
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
  out.push(`drop table ${BASE}`, `drop table ${INDICATOR_BASE}`);
  if (histogram)
    out.push(
      `insert into problem_close_hours (jurisdiction_id, hour, n)
      select x.jurisdiction_id, ${hourOf(dialect, 'x')}, count(*) from ${from}
      ${cond('x.close_hours is not null')} group by x.jurisdiction_id, ${hourOf(dialect, 'x')}${onConflict(
        ['jurisdiction_id', 'hour'],
        'n = problem_close_hours.n + excluded.n',
      )}`,
    );
  return out;
}

/**
 * Statements that rebuild every rollup of one jurisdiction (or of all) from the problems: the migration's
 * backfill, and a repair.
 */
export function rebuildRollupStatements(dialect: DialectAdapter, jurisdictionId?: string): string[] {
  const lit = jurisdictionId ? `'${jurisdictionId.replace(/'/g, "''")}'` : null;
  const tables = [...LEVELS.flatMap((l) => [l.table, l.indicators]), 'problem_close_hours'];
  return [
    ...tables.map((t) => `delete from ${t}${lit ? ` where jurisdiction_id = ${lit}` : ''}`),
    ...aggregateStatements(dialect, lit ? `x.jurisdiction_id = ${lit}` : null, false, LEVELS, true, true),
  ];
}

/** Rebuilds every rollup of one jurisdiction from its problems, inside the caller's transaction. */
export async function rebuildRollups(
  trx: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  dialect: DialectAdapter,
  jurisdictionId: string,
): Promise<void> {
  for (const s of rebuildRollupStatements(dialect, jurisdictionId)) await sql.raw(s).execute(trx);
}

/** What a trigger runs for one problem row or one indicator row (`r` is NEW or OLD), times sign. */
function triggerBodies(dialect: DialectAdapter) {
  return {
    onProblem: (r: string, sign: 1 | -1) => [
      ...LEVELS.flatMap((l) => [
        problemUpsert(dialect, l, r, sign),
        indicatorUpsertFromProblem(dialect, l, r, sign),
      ]),
      histogramUpsert(dialect, r, sign),
    ],
    onIndicator: (r: string, sign: 1 | -1) =>
      LEVELS.map((l) => indicatorUpsertFromIndicator(dialect, l, r, sign)),
  };
}

/** The SQLite triggers that keep the rollups: [name, create statement]. */
function sqliteTriggers(dialect: DialectAdapter): [string, string][] {
  const { onProblem, onIndicator } = triggerBodies(dialect);
  const changed = WATCHED.map((c) => `old.${c} is not new.${c}`).join(' or ');
  const trigger = (name: string, on: string, body: string[]): [string, string] => [
    name,
    `create trigger ${name} ${on} begin ${body.map((s) => `${s};`).join(' ')} end`,
  ];
  return [
    trigger('problems_rollup_insert', 'after insert on problems', onProblem('new', 1)),
    trigger('problems_rollup_update', `after update of ${WATCHED.join(', ')} on problems when ${changed}`, [
      ...onProblem('old', -1),
      ...onProblem('new', 1),
    ]),
    trigger('problems_rollup_delete', 'after delete on problems', onProblem('old', -1)),
    trigger('indicators_rollup_insert', 'after insert on result_indicators', onIndicator('new', 1)),
    trigger('indicators_rollup_update', 'after update on result_indicators', [
      ...onIndicator('old', -1),
      ...onIndicator('new', 1),
    ]),
    trigger('indicators_rollup_delete', 'after delete on result_indicators', onIndicator('old', -1)),
  ];
}

/** Every statement creating the rollups' triggers (and on PostgreSQL their functions). */
function triggerStatements(dialect: DialectAdapter): string[] {
  if (dialect.name === 'sqlite') return sqliteTriggers(dialect).map(([, s]) => s);
  const { onIndicator } = triggerBodies(dialect);
  const block = (stmts: string[]) => stmts.map((s) => `${s};`).join(' ');
  // A bulk load sets qingdan.bulk_load for its own transaction and adds its rows to the rollups at the end.
  const fn = (name: string, body: string) =>
    `create or replace function ${name}() returns trigger language plpgsql as $$ begin
      if current_setting('qingdan.bulk_load', true) = 'on' then return null; end if;
      ${body} return null; end $$`;
  const changed = WATCHED.map((c) => `old.${c} is distinct from new.${c}`).join(' or ');
  // The indicator and histogram upserts only when they can add something (a resolved problem, a close
  // time): a new report runs three statements instead of seven (migration 0006).
  const onProblemGuarded = (r: string, sign: 1 | -1) =>
    [
      ...LEVELS.map((l) => `${problemUpsert(dialect, l, r, sign)};`),
      `if ${r}.resolved = 1 then ${block(LEVELS.map((l) => indicatorUpsertFromProblem(dialect, l, r, sign)))} end if;`,
      `if ${r}.close_hours is not null then ${histogramUpsert(dialect, r, sign)}; end if;`,
    ].join(' ');
  return [
    fn(
      'qd_problems_rollup',
      `if tg_op in ('UPDATE', 'DELETE') then ${onProblemGuarded('old', -1)} end if;
       if tg_op in ('INSERT', 'UPDATE') then ${onProblemGuarded('new', 1)} end if;`,
    ),
    fn(
      'qd_indicators_rollup',
      `if tg_op in ('UPDATE', 'DELETE') then ${block(onIndicator('old', -1))} end if;
       if tg_op in ('INSERT', 'UPDATE') then ${block(onIndicator('new', 1))} end if;`,
    ),
    `create trigger problems_rollup_insert_delete after insert or delete on problems
      for each row execute function qd_problems_rollup()`,
    `create trigger problems_rollup_update after update on problems
      for each row when (${changed}) execute function qd_problems_rollup()`,
    `create trigger indicators_rollup after insert or update or delete on result_indicators
      for each row execute function qd_indicators_rollup()`,
  ];
}

/** PostgreSQL: the problems a bulk load has written, to be added to the rollups when it ends. */
const PENDING = 'bulk_rollup_pending';

/**
 * Bulk loads (ledger imports, the generator) pay for the rollups once instead of row by row: `suspend`
 * inside the load's transaction stops the triggers for that transaction only (SQLite: the load holds the
 * only write lock, and drops the triggers until `resume` creates them again, in the same transaction;
 * PostgreSQL: a transaction-local setting the trigger functions obey), `add` then adds the loaded
 * problems to the rollups with a few grouped statements. Loads only insert problems.
 *
 * SQLite adds each chunk as it comes. PostgreSQL notes the chunk's problems in a temporary table and adds
 * them all once, at `resume`: every upsert of a rollup row leaves a row version that nothing can reclaim
 * before the load's one transaction commits, and each chunk's upserts walked all the versions the earlier
 * chunks left, so the rollups' share would grow with the square of the load.
 */
export const bulkRollup = {
  suspendStatements(dialect: DialectAdapter): string[] {
    if (dialect.name === 'sqlite')
      return sqliteTriggers(dialect).map(([name]) => `drop trigger if exists ${name}`);
    return [
      `select set_config('qingdan.bulk_load', 'on', true)`,
      `create temporary table ${PENDING} (jurisdiction_id text not null, id text not null) on commit drop`,
    ];
  },
  resumeStatements(dialect: DialectAdapter): string[] {
    if (dialect.name === 'sqlite') return sqliteTriggers(dialect).map(([, s]) => s);
    return [
      // Temporary tables are never analyzed by themselves: the planner learns how many problems came.
      `analyze ${PENDING}`,
      ...aggregateStatements(
        dialect,
        `(x.jurisdiction_id, x.id) in (select jurisdiction_id, id from ${PENDING})`,
        true,
      ),
      `drop table ${PENDING}`,
      `select set_config('qingdan.bulk_load', 'off', true)`,
    ];
  },
  /**
   * SQLite: adds the given (newly inserted) problems of one jurisdiction. Parameters: the jurisdiction, and
   * the problem ids as a JSON array.
   */
  addStatements(dialect: DialectAdapter): string[] {
    return aggregateStatements(
      dialect,
      `x.jurisdiction_id = ? and x.id in (select value from json_each(?))`,
      true,
    );
  },
};

/** Creates the tables of the given levels (when missing). */
export async function createLevelTables(
  db: Kysely<unknown>,
  dialect: DialectAdapter,
  levels: readonly Level[],
): Promise<void> {
  const big = dialect.types.bigint;
  // Clustered by key on SQLite: the statistics read whole key ranges.
  const clustered = dialect.name === 'sqlite' ? ' without rowid' : '';
  for (const level of levels) {
    const key = keyOf(level);
    const keyCols = key.map((c) => `${c} text not null`).join(', ');
    await sql
      .raw(
        `create table if not exists ${level.table} (${keyCols},
        ${ROLLUP_MEASURES.map((c) => `${c} ${big} not null default 0`).join(', ')},
        primary key (${key.join(', ')}))${clustered}`,
      )
      .execute(db);
    await sql
      .raw(
        `create table if not exists ${level.indicators} (${keyCols}, code text not null, total ${big} not null default 0,
        primary key (${[...key, 'code'].join(', ')}))${clustered}`,
      )
      .execute(db);
  }
}

/**
 * Statements that make the existing triggers keep every level of LEVELS (after a level was added): SQLite
 * drops and creates them again, PostgreSQL replaces the functions the triggers call.
 */
export function replaceTriggerStatements(dialect: DialectAdapter): string[] {
  if (dialect.name === 'sqlite')
    return [...bulkRollup.suspendStatements(dialect), ...bulkRollup.resumeStatements(dialect)];
  return triggerStatements(dialect).filter((s) => s.startsWith('create or replace function'));
}

/** Statements that fill the given levels of every jurisdiction from the problems (their tables empty). */
export function fillLevelStatements(dialect: DialectAdapter, levels: readonly Level[]): string[] {
  return [
    ...levels.flatMap((l) => [`delete from ${l.table}`, `delete from ${l.indicators}`]),
    ...aggregateStatements(dialect, null, false, levels, false),
  ];
}

export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const big = dialect.types.bigint;
  const clustered = dialect.name === 'sqlite' ? ' without rowid' : '';
  await createLevelTables(db, dialect, LEVELS);
  await sql
    .raw(
      `create table problem_close_hours (jurisdiction_id text not null, hour ${big} not null,
      n ${big} not null default 0, primary key (jurisdiction_id, hour))${clustered}`,
    )
    .execute(db);
  // The median time to close reads close_hours in order.
  await db.schema
    .createIndex('problems_close_hours')
    .on('problems')
    .columns(['jurisdiction_id', 'close_hours'])
    .execute();

  for (const s of triggerStatements(dialect)) await sql.raw(s).execute(db);
  for (const s of rebuildRollupStatements(dialect)) await sql.raw(s).execute(db);
}

/** Runs one phase of a bulk load's rollup work inside the load's transaction. */
export async function runBulkRollup(
  trx: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  dialect: DialectAdapter,
  phase: 'suspend' | 'resume',
): Promise<void> {
  const statements =
    phase === 'suspend' ? bulkRollup.suspendStatements(dialect) : bulkRollup.resumeStatements(dialect);
  for (const s of statements) await sql.raw(s).execute(trx);
}

/**
 * Adds newly inserted problems of one jurisdiction to the rollups (after `suspend`, before `resume`; on
 * PostgreSQL they are noted now and added at `resume`, see bulkRollup).
 */
export async function addToRollup(
  trx: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  dialect: DialectAdapter,
  jurisdictionId: string,
  problemIds: string[],
): Promise<void> {
  if (dialect.name === 'postgres') {
    await sql`insert into ${sql.table(PENDING)} (jurisdiction_id, id)
      select ${jurisdictionId}, unnest(${problemIds}::text[])`.execute(trx);
    return;
  }
  const per = 5000;
  for (let i = 0; i < problemIds.length; i += per) {
    const ids = problemIds.slice(i, i + per);
    // Only the grouped pass over the problems takes the parameters; the levels are summed from its table.
    for (const s of bulkRollup.addStatements(dialect))
      await trx.executeQuery(
        CompiledQuery.raw(s, s.includes('?') ? [jurisdictionId, JSON.stringify(ids)] : []),
      );
  }
}
