import type Database from 'better-sqlite3';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { rowSetOf } from './rowSet.ts';
import type { DialectAdapter, RollupDialect, RollupParts } from './types.ts';

/** The most rows one insert statement of a bulk insert writes (see bulkInsert). */
const BULK_RUN = 32;

/** The page cache of a bulk load, in KiB (the server's own is 16 MB). */
const BULK_CACHE_KIB = 512 * 1024;

/**
 * The full-text table: contentless (the text lives in problems), rows deletable, tokens made by the
 * application. `detail=none`: a query matches documents holding all of its tokens (never a phrase or a
 * distance between them), so positions would be written and never read; without them the index is smaller
 * and quicker to fill (migration 0007).
 */
export const SEARCH_TABLE_SQL =
  "create virtual table problem_search using fts5(tokens, content='', contentless_delete=1, detail=none, tokenize='unicode61')";

/**
 * SQLite: FTS5 for Chinese full-text (tokens made in the application, one per bigram or word), a map
 * table with an explicit INTEGER PRIMARY KEY so that FTS rowids survive VACUUM, strftime for months.
 * The map table is the documented dialect-only exception to "jurisdiction_id in every key".
 */
export function sqliteAdapter(raw: Database.Database): DialectAdapter {
  const statements = new Map<string, Database.Statement>();
  const stmt = (text: string) => {
    let st = statements.get(text);
    if (!st) {
      st = raw.prepare(text);
      statements.set(text, st);
    }
    return st;
  };
  // The data versions read during this turn of the event loop: the requests that arrived together (a
  // burst of 32 connections) read the version once. Forgotten at the end of the turn, and at once when this
  // connection writes (see forgetDataVersions), so a reader never sees a version older than a write it
  // could know about; another process's commit is seen from the next turn on.
  let versions: Map<string, number> | null = null;
  const forgetDataVersions = () => {
    versions = null;
  };
  const requireTransaction = () => {
    if (!raw.inTransaction) throw new Error('bulk writes must run inside a transaction');
  };
  return {
    name: 'sqlite',
    types: { text: 'text', bigint: 'integer', int: 'integer', real: 'real' },
    isUnavailable(err: unknown) {
      const code = (err as { code?: unknown } | null)?.code;
      // Busy or locked past the timeout, I/O errors, a full disk, a file that cannot be opened, a closed
      // connection.
      return (
        (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(code)) ||
        /The database connection is not open/.test(
          String((err as { message?: unknown } | null)?.message ?? ''),
        )
      );
    },
    rollup: sqliteRollup,
    async createProblemSearchIndex(db: Kysely<unknown>) {
      await sql`create table problem_search_map (
        rowid integer primary key,
        jurisdiction_id text not null,
        problem_id text not null,
        unique (jurisdiction_id, problem_id))`.execute(db);
      await sql.raw(SEARCH_TABLE_SQL).execute(db);
    },
    async indexProblem(trx, jurisdictionId, problemId, tokens) {
      await this.indexProblems(trx, [{ jurisdictionId, problemId, tokens }]);
    },
    async indexProblems(_trx, rows) {
      // Prepared statements on the transaction's own connection: bulk imports index thousands of
      // problems at a time, and one round through the query builder per row would dominate.
      requireTransaction();
      for (const r of rows) {
        const existing = stmt(
          'select rowid from problem_search_map where jurisdiction_id = ? and problem_id = ?',
        ).get(r.jurisdictionId, r.problemId) as { rowid: number } | undefined;
        let rowid = existing?.rowid;
        if (rowid !== undefined) stmt('delete from problem_search where rowid = ?').run(rowid);
        else
          rowid = Number(
            stmt('insert into problem_search_map (jurisdiction_id, problem_id) values (?, ?)').run(
              r.jurisdictionId,
              r.problemId,
            ).lastInsertRowid,
          );
        stmt('insert into problem_search (rowid, tokens) values (?, ?)').run(rowid, r.tokens);
      }
    },
    async indexNewProblems(_trx, rows) {
      requireTransaction();
      const map = stmt('insert into problem_search_map (jurisdiction_id, problem_id) values (?, ?)');
      const fts = stmt('insert into problem_search (rowid, tokens) values (?, ?)');
      for (const r of rows) fts.run(map.run(r.jurisdictionId, r.problemId).lastInsertRowid, r.tokens);
    },
    async beginBulkLoad(_trx, { tables, rebuildIndexes, endCacheMiB }) {
      requireTransaction();
      // A page cache large enough for the indexes being written: the server's small cache would evict
      // and re-read index pages (and spill them to the log) once per batch.
      const cacheSize = raw.pragma('cache_size', { simple: true }) as number;
      raw.pragma(`cache_size = -${BULK_CACHE_KIB}`);
      const dropped = rebuildIndexes
        ? (
            raw
              .prepare(
                "select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (select value from json_each(?))",
              )
              .all(JSON.stringify(tables)) as { name: string; sql: string }[]
          ).filter((i) => !/^create\s+unique\s/i.test(i.sql))
        : [];
      for (const i of dropped) raw.exec(`drop index "${i.name}"`);
      return {
        async end() {
          requireTransaction();
          // Each rebuilt index reads the whole table; a cache that holds it reads it once (see
          // BulkLoadOptions.endCacheMiB).
          if (endCacheMiB && endCacheMiB * 1024 > BULK_CACHE_KIB)
            raw.pragma(`cache_size = -${endCacheMiB * 1024}`);
          for (const i of dropped) raw.exec(i.sql);
          // A load that rebuilt the indexes at least doubled the data: its full-text entries went in as many
          // segments, which FTS5 would otherwise go on merging, a little at each later write, so the first
          // thousands of reports after the load would each pay for it. One merge into a single segment now,
          // while the load holds the database anyway.
          if (rebuildIndexes) raw.exec(`insert into problem_search (problem_search) values ('optimize')`);
          raw.pragma(`cache_size = ${cacheSize}`);
        },
        async abort() {
          raw.pragma(`cache_size = ${cacheSize}`);
        },
      };
    },
    readDataVersion(jurisdictionId, counter = 'action_seq') {
      // While a write batch is open on this connection its changes are not committed yet: the caller then
      // waits for the connection like any other query.
      if (raw.inTransaction) return undefined;
      const key = `${counter}|${jurisdictionId}`;
      const known = versions?.get(key);
      if (known !== undefined) return known;
      const r = stmt('select value from counters where jurisdiction_id = ? and name = ?').get(
        jurisdictionId,
        counter,
      ) as { value: number } | undefined;
      const version = Number(r?.value ?? 0);
      if (!versions) {
        versions = new Map();
        setImmediate(forgetDataVersions);
      }
      versions.set(key, version);
      return version;
    },
    forgetDataVersions,
    async analyze() {
      // A sampled ANALYZE: enough for the planner to pick the selective index, fast at any size.
      raw.pragma('analysis_limit = 1000');
      raw.exec('ANALYZE');
    },
    async bulkInsert(trx, table, rows) {
      await this.bulkInsertRows(trx, table, rowSetOf(rows));
    },
    async bulkInsertRows(_trx, table, { cols, values }) {
      if (values.length === 0) return;
      requireTransaction();
      const width = cols.length;
      const head = `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values `;
      const tuple = `(${cols.map(() => '?').join(', ')})`;
      // Several rows a statement, in runs of 32, 16 … 1 (a few prepared statements per table): inside the
      // write batch's savepoint a statement that fires triggers keeps a statement journal of every page it
      // changes, and a problem's row, its indexes and its rollup rows share most pages with the next
      // report's: written together, those pages are journalled once.
      const count = values.length / width;
      for (let i = 0; i < count;) {
        let n = BULK_RUN;
        while (n > count - i) n >>= 1;
        const slice = values.slice(i * width, (i + n) * width);
        for (let k = 0; k < slice.length; k++) if (slice[k] === undefined) slice[k] = null;
        stmt(head + Array<string>(n).fill(tuple).join(', ')).run(slice);
        i += n;
      }
    },
    problemSearchCondition(jurisdictionId, tokens) {
      const match = tokens.map((t) => `"${t}"`).join(' ');
      return sql<boolean>`problems.id in (select m.problem_id from problem_search_map m
        where m.jurisdiction_id = ${jurisdictionId}
        and m.rowid in (select rowid from problem_search where problem_search match ${match}))`;
    },
    problemSearchAnyIds(jurisdictionId, tokens, limit) {
      const match = tokens.map((t) => `"${t}"`).join(' OR ');
      // The index's entries are numbered as they were written: the newest problems have the highest.
      return sql<{ id: string }>`select m.problem_id as id from problem_search_map m
        where m.jurisdiction_id = ${jurisdictionId}
        and m.rowid in (select rowid from problem_search where problem_search match ${match}
          order by rowid desc limit ${limit})`;
    },
    problemKey: 'rowid',
    problemSearchArm(jurisdictionId, token, limit) {
      // The creation time from the index of ids and creation times (covering), not from the problem's row.
      return sql<{ id: string | null; key: number | null; created_at: string | null; pos: number }>`select
        f.rowid as pos, m.problem_id as id, p.rowid as key, p.created_at as created_at
        from (select rowid from problem_search where problem_search match ${`"${token}"`}
          order by rowid desc limit ${limit}) f
        left join problem_search_map m on m.rowid = f.rowid and m.jurisdiction_id = ${jurisdictionId}
        left join problems p indexed by problems_id_created
          on p.jurisdiction_id = m.jurisdiction_id and p.id = m.problem_id`;
    },
    geoCellExpression(lat, lng) {
      return `cast(${lat} * 200 as integer) * 100000 + cast(${lng} * 200 as integer)`;
    },
    monthOf(column) {
      return sql<string>`strftime('%Y-%m', ${sql.ref(column)}, '+8 hours')`;
    },
    hoursBetween(fromColumn, toColumn) {
      return sql<number>`((julianday(${sql.ref(toColumn)}) - julianday(${sql.ref(fromColumn)})) * 24.0)`;
    },
    async backup(target) {
      // A write from another connection (the server) restarts a backup in progress; copying every
      // remaining page in one step after the first makes the copy finish under a steady write load.
      await raw.backup(target, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
    },
  };
}

/** SQLite's triggers that keep the rollup: [name, create statement]. */
function rollupTriggers(parts: RollupParts): [string, string][] {
  const onProblem = (r: string, sign: 1 | -1) => {
    const indicators = parts.indicatorUpsertsFromProblem(r, sign);
    return [
      ...parts.problemUpserts(r, sign).flatMap((s, i) => [s, indicators[i]!]),
      parts.histogramUpsert(r, sign),
    ];
  };
  const onIndicator = (r: string, sign: 1 | -1) => parts.indicatorUpsertsFromIndicator(r, sign);
  const changed = parts.watched.map((c) => `old.${c} is not new.${c}`).join(' or ');
  const trigger = (name: string, on: string, body: string[]): [string, string] => [
    name,
    `create trigger ${name} ${on} begin ${body.map((s) => `${s};`).join(' ')} end`,
  ];
  return [
    trigger('problems_rollup_insert', 'after insert on problems', onProblem('new', 1)),
    trigger(
      'problems_rollup_update',
      `after update of ${parts.watched.join(', ')} on problems when ${changed}`,
      [...onProblem('old', -1), ...onProblem('new', 1)],
    ),
    trigger('problems_rollup_delete', 'after delete on problems', onProblem('old', -1)),
    trigger('indicators_rollup_insert', 'after insert on result_indicators', onIndicator('new', 1)),
    trigger('indicators_rollup_update', 'after update on result_indicators', [
      ...onIndicator('old', -1),
      ...onIndicator('new', 1),
    ]),
    trigger('indicators_rollup_delete', 'after delete on result_indicators', onIndicator('old', -1)),
  ];
}

/** Problems added to the rollup per statement during a bulk load. */
const ROLLUP_ADD_CHUNK = 5000;

/**
 * SQLite's rollup: a bulk load holds the only write lock, so it drops the triggers until resume creates them
 * again (in the same transaction) and adds each chunk's problems as they come.
 */
const sqliteRollup: RollupDialect = {
  monthOfRow: (r) => `strftime('%Y-%m', ${r}.created_at, '+8 hours')`,
  wholeHourOfRow: (r) => `cast(${r}.close_hours as integer)`,
  scanHint: ' not indexed',
  suspendStatements: (parts) => rollupTriggers(parts).map(([name]) => `drop trigger if exists ${name}`),
  resumeStatements: (parts) => rollupTriggers(parts).map(([, s]) => s),
  async addLoaded(trx, parts, jurisdictionId, problemIds) {
    const statements = parts.addMatching(
      `x.jurisdiction_id = ? and x.id in (select value from json_each(?))`,
    );
    for (let i = 0; i < problemIds.length; i += ROLLUP_ADD_CHUNK) {
      const ids = JSON.stringify(problemIds.slice(i, i + ROLLUP_ADD_CHUNK));
      // Only the grouped pass over the problems takes the parameters; the levels are summed from its table.
      for (const s of statements)
        await trx.executeQuery(CompiledQuery.raw(s, s.includes('?') ? [jurisdictionId, ids] : []));
    }
  },
};
