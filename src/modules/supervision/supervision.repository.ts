import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of supervision: the jurisdiction's settings and the numbering of 督办单. */
export const supervisionRepository = {
  /** The jurisdiction's settings (JSON), e.g. its scoring weights. */
  async settings(db: Db, jurisdictionId: string): Promise<unknown> {
    const r = await db
      .selectFrom('jurisdictions')
      .select('settings')
      .where('id', '=', jurisdictionId)
      .executeTakeFirst();
    try {
      return JSON.parse(r?.settings ?? '{}') as unknown;
    } catch {
      return {};
    }
  },
  /** The overdue problems (running past their closing deadline) of the lead units, oldest deadline first. */
  overdueByUnit(db: Db, jurisdictionId: string, now: string, unitIds: string[] | null) {
    let q = db
      .selectFrom('problems')
      .select(['id', 'number', 'title', 'lead_unit_id', 'close_due_at', 'press_count'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('status', 'in', ['assigned', 'in_progress', 'closure_requested'])
      .where('lead_unit_id', 'is not', null)
      .where('close_due_at', '<', now);
    if (unitIds) q = unitIds.length ? q.where('lead_unit_id', 'in', unitIds) : q.where(sql<boolean>`1 = 0`);
    return q.orderBy('close_due_at').orderBy('id').execute();
  },
  /** How many topics a campaign has and how many officials lead them. */
  async campaignTopics(db: Db, jurisdictionId: string, campaignId: string) {
    const r = await db
      .selectFrom('topics')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('topics'),
        eb.fn.count<number | string>('lead_official_id').distinct().as('officials'),
      ])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    return { topics: Number(r.topics), officials: Number(r.officials) };
  },
  /** The place of a press among the jurisdiction's presses of its year (the 督办单's number). */
  async pressOrdinal(db: Db, jurisdictionId: string, seq: number, year: number): Promise<number> {
    const r = await db
      .selectFrom('actions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('action', '=', 'press')
      .where('seq', '<=', seq)
      .where('created_at', '>=', `${year}-01-01T00:00:00.000Z`)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
};
