import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * Two facts the KPIs of issue 20 count, kept on the problem row beside the current state:
 * - `last_rating`: the rating of the last round of handling that was rated. A 重办 clears `rating` (the new
 *   round is rated anew) but not this, so a 不满意 keeps counting in 满意率 while the problem is reopened;
 * - `repeat_of_id`: the earlier problem this report repeats (重复诉求: the same reporter or place and a
 *   similar text within the window), set when it is reported.
 * `last_rating` is filled from the log: the last `rate` entry of each problem.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await db.schema.alterTable('problems').addColumn('last_rating', 'text').execute();
  await db.schema.alterTable('problems').addColumn('repeat_of_id', 'text').execute();
  const rated = await sql<{ jurisdiction_id: string; problem_id: string; data: string }>`
    select jurisdiction_id, problem_id, data from actions where action = 'rate' order by seq`.execute(db);
  const last = new Map<string, { jid: string; id: string; rating: string }>();
  for (const r of rated.rows) {
    const rating = (JSON.parse(r.data) as { rating?: string }).rating;
    if (rating)
      last.set(`${r.jurisdiction_id}\u0000${r.problem_id}`, {
        jid: r.jurisdiction_id,
        id: r.problem_id,
        rating,
      });
  }
  for (const { jid, id, rating } of last.values())
    await sql`update problems set last_rating = ${rating} where jurisdiction_id = ${jid} and id = ${id}`.execute(
      db,
    );
}
