/** SQL of the proof of problems' state against their log (problems.proof.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { StoredPage } from './problems.proof.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The reads `audit verify` makes of problems, their units, results and log. */
export const proofRepository = {
  /** Reads the stored state of the problems after `afterId` (by id), at most `limit`, with their logs. */
  async storedPage(db: Db, jurisdictionId: string, afterId: string, limit: number): Promise<StoredPage> {
    const rows = await db
      .selectFrom('problems')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    const ids = rows.map((r) => r.id);
    const page: StoredPage = {
      rows,
      actions: new Map(),
      units: new Map(),
      results: new Map(),
      indicators: new Map(),
    };
    if (!ids.length) return page;
    const push = <V>(m: Map<string, V[]>, k: string, v: V) => m.set(k, [...(m.get(k) ?? []), v]);
    const [actions, units, results, indicators] = await Promise.all([
      db
        .selectFrom('actions')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', ids)
        .orderBy('seq')
        .execute(),
      db
        .selectFrom('problem_units')
        .select(['problem_id', 'unit_id', 'role'])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', ids)
        .execute(),
      db
        .selectFrom('results')
        .select(['problem_id', 'summary', 'mechanism'])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', ids)
        .execute(),
      db
        .selectFrom('result_indicators')
        .select(['problem_id', 'code', 'value_scaled'])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', ids)
        .execute(),
    ]);
    for (const a of actions) push(page.actions, a.problem_id, a);
    for (const u of units) push(page.units, u.problem_id, u);
    for (const r of results) page.results.set(r.problem_id, r);
    for (const i of indicators)
      page.indicators.set(i.problem_id, {
        ...page.indicators.get(i.problem_id),
        [i.code]: Number(i.value_scaled),
      });
    return page;
  },
};
