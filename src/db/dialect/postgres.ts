import { spawn } from 'node:child_process';
import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from './types.ts';

/**
 * PostgreSQL: tokens (made in the application) kept as a text[] with a GIN index, so that matching does
 * not depend on the server's locale or text-search parser; to_char at Asia/Shanghai for months.
 */
export function postgresAdapter(connectionString: string): DialectAdapter {
  return {
    name: 'postgres',
    types: { text: 'text', bigint: 'bigint', int: 'integer', real: 'double precision' },
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
    async analyze(db) {
      await sql`analyze`.execute(db);
    },
    async bulkInsert(trx, table, rows) {
      if (rows.length === 0) return;
      // Multi-row inserts within PostgreSQL's 65,535 bind parameters.
      const per = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]!).length));
      for (let i = 0; i < rows.length; i += per) {
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + per) as never)
          .execute();
      }
    },
    problemSearchCondition(jurisdictionId, tokens) {
      return sql<boolean>`problems.id in (select s.problem_id from problem_search s
        where s.jurisdiction_id = ${jurisdictionId} and s.tokens @> ${tokens}::text[])`;
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
