import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of supervision: the topics behind a campaign's briefing. */
export const supervisionRepository = {
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
};
