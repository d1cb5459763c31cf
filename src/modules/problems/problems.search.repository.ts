/** The SQL of a ranked search page: the problems the filters select, by score, then newest first. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { applyFilters, type FilterContext } from './problems.filters.ts';
import type { ProblemRow } from './problems.repository.ts';
import { rowScorer, searchCandidates, type SearchPlan } from './problems.search.ts';
import { armsAnswer, rankedFromArms, SCORED_COLUMNS } from './problems.search.arms.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Where a ranked page continues: right after this score, creation time and id. */
export interface RankedPosition {
  score: number;
  createdAt: string;
  id: string;
}

/**
 * One page of a ranked search, `offset` rows in or right after `after` (keyset), each row with its score,
 * and the number of problems found. The candidates the filters keep are read once with the columns their
 * score needs, and scored and ordered here (see `rowScorer`); then the page's rows are read.
 */
export async function rankedPage(
  db: Db,
  fc: FilterContext,
  plan: SearchPlan,
  limit: number,
  offset: number,
  after?: RankedPosition,
): Promise<{ page: { row: ProblemRow; score: number }[]; total: number }> {
  const jid = fc.jurisdictionId;
  // Without other filters, from the kinds of match, reading only the rows that decide the page.
  if (armsAnswer(fc) && fc.search === plan) return rankedFromArms(db, fc, plan, limit, offset, after);
  // The other filters as they are; the search's own condition is the candidates alone, scored below.
  const others: FilterContext = { ...fc, filters: { ...fc.filters, q: undefined } };
  const candidates = await applyFilters(db.selectFrom('problems'), others)
    .where((eb) => searchCandidates(eb, fc.dialect, jid, plan))
    .select([...SCORED_COLUMNS])
    .execute();
  const score = rowScorer(plan);
  const found = candidates
    .map((r) => ({ id: r.id, createdAt: r.created_at, score: score(r) }))
    .filter((r) => r.score >= plan.need);
  found.sort(
    (a, b) =>
      b.score - a.score ||
      (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) ||
      (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  const from = after
    ? found.findIndex(
        (r) =>
          r.score < after.score ||
          (r.score === after.score &&
            (r.createdAt < after.createdAt || (r.createdAt === after.createdAt && r.id < after.id))),
      )
    : offset;
  const slice = from < 0 ? [] : found.slice(from, from + limit);
  if (slice.length === 0) return { page: [], total: found.length };
  const rows = await db
    .selectFrom('problems')
    .selectAll()
    .where('jurisdiction_id', '=', jid)
    .where(
      'id',
      'in',
      slice.map((r) => r.id),
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    page: slice.flatMap((r) => {
      const row = byId.get(r.id);
      return row ? [{ row, score: r.score }] : [];
    }),
    total: found.length,
  };
}
