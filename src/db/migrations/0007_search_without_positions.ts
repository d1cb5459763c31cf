import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { SEARCH_TABLE_SQL } from '../dialect/sqlite.ts';
import { problemSearchText } from '../../kernel/text.ts';

/**
 * SQLite: the full-text table is made again without token positions (`detail=none`, see SEARCH_TABLE_SQL)
 * and filled from the problems, in the order of the map table's rowids, which stay the same. Queries match
 * exactly the same problems as before. PostgreSQL's search table has no positions: nothing to do.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  if (dialect.name !== 'sqlite') return;
  await sql`drop table problem_search`.execute(db);
  await sql.raw(SEARCH_TABLE_SQL).execute(db);
  const per = 2000;
  for (let after = 0; ;) {
    const rows = (
      await sql<{
        rowid: number;
        number: string;
        title: string;
        description: string;
        address: string | null;
        enterprise_name: string | null;
      }>`select m.rowid as rowid, p.number, p.title, p.description, p.address, p.enterprise_name
        from problem_search_map m join problems p on p.jurisdiction_id = m.jurisdiction_id and p.id = m.problem_id
        where m.rowid > ${after} order by m.rowid limit ${per}`.execute(db)
    ).rows;
    if (rows.length === 0) break;
    await sql`insert into problem_search (rowid, tokens) values ${sql.join(
      rows.map((r) => sql`(${r.rowid}, ${problemSearchText(r)})`),
    )}`.execute(db);
    after = rows[rows.length - 1]!.rowid;
  }
}
