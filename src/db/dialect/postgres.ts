import { spawn } from 'node:child_process';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import { rowSetOf } from './rowSet.ts';
import type { DialectAdapter, RollupDialect } from './types.ts';
import { ROLLUP_TABLE_NAMES } from '../rollupTables.ts';

/**
 * See DialectAdapter.tidyRollups. A full vacuum: a plain one frees the dead rows but keeps their pages, which
 * every summary still scans (many times the live rows' size). The tables hold only their live rows, a few
 * thousand to tens of thousands, so rewriting them takes a moment, and that is how long the lock holds
 * writes and summaries back.
 */
async function tidyRollups(db: Kysely<DB>): Promise<void> {
  await sql.raw(`vacuum (full, analyze) ${ROLLUP_TABLE_NAMES.join(', ')}`).execute(db);
}

/** Rows per statement of a bulk insert. */
const BULK_ROWS = 5000;

/**
 * PostgreSQL: tokens (made in the application) kept as a text[] with a GIN index, so that matching does
 * not depend on the server's locale or text-search parser; to_char at Asia/Shanghai for months.
 */
export function postgresAdapter(connectionString: string): DialectAdapter {
  // Column types per table, read once, for the typed arrays of bulk inserts.
  const columnTypes = new Map<string, Map<string, string>>();
  const columnTypesOf = async (trx: Kysely<DB> | Transaction<DB>, table: string) => {
    let types = columnTypes.get(table);
    if (!types) {
      const r = await sql<{ column_name: string; data_type: string }>`select column_name, data_type
        from information_schema.columns
        where table_schema = current_schema() and table_name = ${table}`.execute(trx);
      types = new Map(r.rows.map((x) => [x.column_name, x.data_type]));
      if (types.size > 0) columnTypes.set(table, types);
    }
    return types;
  };
  return {
    name: 'postgres',
    types: { text: 'text', bigint: 'bigint', int: 'integer', real: 'double precision' },
    isUnavailable(err: unknown) {
      const e = err as { code?: unknown; message?: unknown } | null;
      const code = typeof e?.code === 'string' ? e.code : '';
      // Connection failures (08…), operator intervention / shutdown (57P…), insufficient resources (53…),
      // and the client's own errors when no connection can be had.
      return (
        /^(08|57P|53)/.test(code) ||
        ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code) ||
        /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
          String(e?.message ?? ''),
        )
      );
    },
    rollup: postgresRollup,
    async createProblemSearchIndex(db: Kysely<unknown>) {
      await sql`create table problem_search (
        jurisdiction_id text not null,
        problem_id text not null,
        tokens text[] not null,
        primary key (jurisdiction_id, problem_id))`.execute(db);
      await sql`create index problem_search_tokens on problem_search using gin (tokens)`.execute(db);
    },
    async indexProblem(trx, jurisdictionId, problemId, tokens) {
      await this.indexProblems(trx, [{ jurisdictionId, problemId, tokens }]);
    },
    async indexProblems(trx, rows) {
      if (rows.length === 0) return;
      const values = rows.map(
        (r) => sql`(${r.jurisdictionId}, ${r.problemId}, string_to_array(${r.tokens}, ' '))`,
      );
      await sql`insert into problem_search (jurisdiction_id, problem_id, tokens) values ${sql.join(values)}
        on conflict (jurisdiction_id, problem_id) do update set tokens = excluded.tokens`.execute(trx);
    },
    async indexNewProblems(trx, rows) {
      if (rows.length === 0) return;
      // One statement per batch, three array parameters: nothing to parse or plan per row.
      await sql`insert into problem_search (jurisdiction_id, problem_id, tokens)
        select j, p, string_to_array(t, ' ')
        from unnest(${rows.map((r) => r.jurisdictionId)}::text[], ${rows.map((r) => r.problemId)}::text[],
          ${rows.map((r) => r.tokens)}::text[]) as x(j, p, t)`.execute(trx);
    },
    async beginBulkLoad(trx, { tables, rebuildIndexes }) {
      const dropped = rebuildIndexes
        ? (
            await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes
              where schemaname = current_schema() and tablename = any(${tables}::text[])
              and indexdef not like 'CREATE UNIQUE INDEX%'`.execute(trx)
          ).rows
        : [];
      for (const i of dropped) await sql`drop index ${sql.id(i.indexname)}`.execute(trx);
      return {
        async end() {
          if (dropped.length === 0) return;
          // Sorting for the index builds in memory rather than in temporary files.
          await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
          for (const i of dropped) await sql.raw(i.indexdef).execute(trx);
        },
        async abort() {
          // Nothing to restore: the rollback brings the dropped indexes back.
        },
      };
    },
    async analyze(db, opts = {}) {
      await tidyRollups(db);
      if (!opts.staleOnly) {
        await sql`analyze`.execute(db);
        return;
      }
      // The tables never analyzed, or changed since by more than autovacuum's own threshold (50 rows and a
      // tenth of the table): a restart of a server over a large jurisdiction need not read every table
      // again. The counts are lost after a crash, and then everything counts as never analyzed.
      const stale = (
        await sql<{ relname: string }>`select relname from pg_stat_user_tables
          where schemaname = current_schema()
            and (coalesce(last_analyze, last_autoanalyze) is null
              or n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0))
          order by relname`.execute(db)
      ).rows.map((r) => r.relname);
      if (stale.length > 0) await sql`analyze ${sql.join(stale.map((t) => sql.table(t)))}`.execute(db);
    },
    tidyRollups,
    async bulkInsert(trx, table, rows) {
      await this.bulkInsertRows(trx, table, rowSetOf(rows));
    },
    async bulkInsertRows(trx, table, { cols, values }) {
      if (values.length === 0) return;
      // One array parameter per column, unnested into rows: a statement of a few dozen parameters whatever
      // the number of rows, instead of one parameter per value to parse and bind.
      const width = cols.length;
      const count = values.length / width;
      const types = await columnTypesOf(trx, table);
      for (let i = 0; i < count; i += BULK_ROWS) {
        const end = Math.min(count, i + BULK_ROWS);
        const arrays = cols.map((c, j) => {
          const type = types.get(c);
          if (!type) throw new Error(`bulkInsert: no column ${table}.${c}`);
          const column: unknown[] = [];
          for (let r = i; r < end; r++) column.push(values[r * width + j] ?? null);
          return sql`${column}::${sql.raw(`${type}[]`)}`;
        });
        await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
          select * from unnest(${sql.join(arrays)})`.execute(trx);
      }
    },
    problemSearchCondition(jurisdictionId, tokens) {
      return sql<boolean>`problems.id in (select s.problem_id from problem_search s
        where s.jurisdiction_id = ${jurisdictionId} and s.tokens @> ${tokens}::text[])`;
    },
    problemSearchAnyIds(jurisdictionId, tokens, limit) {
      // Ids are time-ordered (UUIDv7): the newest problems have the highest.
      return sql<{ id: string }>`select x.id from (select s.problem_id as id from problem_search s
        where s.jurisdiction_id = ${jurisdictionId} and s.tokens && ${tokens}::text[]
        order by s.problem_id desc limit ${limit}) x`;
    },
    problemKey: 'id',
    problemSearchArm(jurisdictionId, token, limit) {
      return sql<{ id: string | null; key: string | null; created_at: string | null; pos: null }>`select
        x.id, p.id as key, p.created_at, null::bigint as pos
        from (select s.problem_id as id from problem_search s
          where s.jurisdiction_id = ${jurisdictionId} and s.tokens && ${[token]}::text[]
          order by s.problem_id desc limit ${limit}) x
        left join problems p on p.jurisdiction_id = ${jurisdictionId} and p.id = x.id`;
    },
    geoCellExpression(lat, lng) {
      return `trunc(${lat} * 200)::bigint * 100000 + trunc(${lng} * 200)::bigint`;
    },
    monthOf(column) {
      return sql<string>`to_char((${sql.ref(column)})::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM')`;
    },
    hoursBetween(fromColumn, toColumn) {
      return sql<number>`(extract(epoch from ((${sql.ref(toColumn)})::timestamptz - (${sql.ref(fromColumn)})::timestamptz)) / 3600.0)`;
    },
    async backup(target) {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('pg_dump', ['--format=custom', '--file', target, connectionString], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump failed: ${err}`))));
      });
    },
  };
}

/** The problems a bulk load has written, to be added to the rollup when it ends. */
const PENDING = 'bulk_rollup_pending';

/**
 * PostgreSQL's rollup: a bulk load sets a transaction-local setting the trigger functions obey, notes its
 * problems in a temporary table and adds them all once, at resume: every upsert of a rollup row leaves a row
 * version that nothing can reclaim before the load's one transaction commits, so adding chunk by chunk would
 * grow with the square of the load.
 */
const postgresRollup: RollupDialect = {
  monthOfRow: (r) => `to_char((${r}.created_at)::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM')`,
  wholeHourOfRow: (r) => `cast(floor(${r}.close_hours) as bigint)`,
  scanHint: '',
  suspendStatements: () => [
    `select set_config('qingdan.bulk_load', 'on', true)`,
    `create temporary table ${PENDING} (jurisdiction_id text not null, id text not null) on commit drop`,
  ],
  resumeStatements: (parts) => [
    // Temporary tables are never analyzed by themselves: the planner learns how many problems came.
    `analyze ${PENDING}`,
    ...parts.addMatching(`(x.jurisdiction_id, x.id) in (select jurisdiction_id, id from ${PENDING})`),
    `drop table ${PENDING}`,
    `select set_config('qingdan.bulk_load', 'off', true)`,
  ],
  async addLoaded(trx, _parts, jurisdictionId, problemIds) {
    await sql`insert into ${sql.table(PENDING)} (jurisdiction_id, id)
      select ${jurisdictionId}, unnest(${problemIds}::text[])`.execute(trx);
  },
};
