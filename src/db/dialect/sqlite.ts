import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from './types.ts';

/**
 * SQLite: FTS5 for Chinese full-text (tokens made in the application, one per bigram or word), a map
 * table with an explicit INTEGER PRIMARY KEY so that FTS rowids survive VACUUM, strftime for months.
 * The map table is the documented dialect-only exception to "jurisdiction_id in every key".
 */
export function sqliteAdapter(raw: Database.Database): DialectAdapter {
  return {
    name: 'sqlite',
    types: { text: 'text', bigint: 'integer', int: 'integer', real: 'real' },
    async createProblemSearchIndex(db: Kysely<unknown>) {
      await sql`create table problem_search_map (
        rowid integer primary key,
        jurisdiction_id text not null,
        problem_id text not null,
        unique (jurisdiction_id, problem_id))`.execute(db);
      await sql`create virtual table problem_search using fts5(tokens, content='', contentless_delete=1, tokenize='unicode61')`.execute(
        db,
      );
    },
    async indexProblem(trx, jurisdictionId, problemId, tokens) {
      await this.indexProblems(trx, [{ jurisdictionId, problemId, tokens }]);
    },
    async indexProblems(trx, rows) {
      for (const r of rows) {
        const existing = await sql<{ rowid: number }>`select rowid from problem_search_map
          where jurisdiction_id = ${r.jurisdictionId} and problem_id = ${r.problemId}`.execute(trx);
        let rowid = existing.rows[0]?.rowid;
        if (rowid !== undefined) {
          await sql`delete from problem_search where rowid = ${rowid}`.execute(trx);
        } else {
          const inserted = await sql<{
            rowid: number;
          }>`insert into problem_search_map (jurisdiction_id, problem_id)
            values (${r.jurisdictionId}, ${r.problemId}) returning rowid`.execute(trx);
          rowid = inserted.rows[0]!.rowid;
        }
        await sql`insert into problem_search (rowid, tokens) values (${rowid}, ${r.tokens})`.execute(trx);
      }
    },
    problemSearchCondition(jurisdictionId, tokens) {
      const match = tokens.map((t) => `"${t}"`).join(' ');
      return sql<boolean>`problems.id in (select m.problem_id from problem_search_map m
        where m.jurisdiction_id = ${jurisdictionId}
        and m.rowid in (select rowid from problem_search where problem_search match ${match}))`;
    },
    monthOf(column) {
      return sql<string>`strftime('%Y-%m', ${sql.ref(column)}, '+8 hours')`;
    },
    hoursBetween(fromColumn, toColumn) {
      return sql<number>`((julianday(${sql.ref(toColumn)}) - julianday(${sql.ref(fromColumn)})) * 24.0)`;
    },
    async backup(target) {
      await raw.backup(target);
    },
  };
}
