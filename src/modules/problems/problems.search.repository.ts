/** The SQL of a ranked search page: the problems the filters select, by score, then newest first. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { applyFilters, type FilterContext } from './problems.filters.ts';
import type { ProblemRow } from './problems.repository.ts';
import { searchScore, type SearchPlan } from './problems.search.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Where a ranked page continues: right after this score, creation time and id. */
export interface RankedPosition {
  score: number;
  createdAt: string;
  id: string;
}

/**
 * One page of a ranked search, `offset` rows in or right after `after` (keyset), each row with its score.
 * The page's ids and scores first, over the candidates alone; then the page's rows.
 */
export async function rankedPage(
  db: Db,
  fc: FilterContext,
  plan: SearchPlan,
  limit: number,
  offset: number,
  after?: RankedPosition,
): Promise<{ row: ProblemRow; score: number }[]> {
  const jid = fc.jurisdictionId;
  let q = applyFilters(db.selectFrom('problems'), fc).select((eb) => [
    'problems.id',
    searchScore(eb, fc.dialect, jid, plan).as('score'),
  ]);
  if (after) {
    q = q.where((eb) => {
      const score = searchScore(eb, fc.dialect, jid, plan);
      return eb.or([
        eb(score, '<', after.score),
        eb.and([
          eb(score, '=', after.score),
          eb.or([
            eb('problems.created_at', '<', after.createdAt),
            eb.and([eb('problems.created_at', '=', after.createdAt), eb('problems.id', '<', after.id)]),
          ]),
        ]),
      ]);
    });
  }
  const page = await q
    .orderBy(sql.ref('score'), 'desc')
    .orderBy('problems.created_at', 'desc')
    .orderBy('problems.id', 'desc')
    .limit(limit)
    .offset(after ? 0 : offset)
    .execute();
  if (page.length === 0) return [];
  const rows = await db
    .selectFrom('problems')
    .selectAll()
    .where('jurisdiction_id', '=', jid)
    .where(
      'id',
      'in',
      page.map((r) => r.id),
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return page.flatMap((r) => {
    const row = byId.get(r.id);
    return row ? [{ row, score: Number(r.score) }] : [];
  });
}
