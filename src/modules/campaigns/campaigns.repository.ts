import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CampaignTable, DB, TopicTable, VisitTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of campaigns, topics and visits. */
export const campaignsRepository = {
  campaigns(db: Db, jid: string) {
    return db
      .selectFrom('campaigns')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .orderBy('starts_on', 'desc')
      .execute();
  },
  campaign(db: Db, jid: string, id: string) {
    return db
      .selectFrom('campaigns')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertCampaign(db: Db, row: Selectable<CampaignTable>) {
    return db.insertInto('campaigns').values(row).execute();
  },
  topics(db: Db, jid: string, f: { campaignId?: string; leadOfficialId?: string }) {
    let q = db
      .selectFrom('topics')
      .selectAll('topics')
      .select((eb) => [
        eb
          .selectFrom('problems')
          .select(eb.fn.countAll<number>().as('n'))
          .where('problems.jurisdiction_id', '=', jid)
          .whereRef('problems.topic_id', '=', 'topics.id')
          .as('problem_count'),
        eb
          .selectFrom('problems')
          .select(eb.fn.countAll<number>().as('n'))
          .where('problems.jurisdiction_id', '=', jid)
          .whereRef('problems.topic_id', '=', 'topics.id')
          .where('problems.resolved', '=', 1)
          .as('resolved_count'),
        eb
          .selectFrom('visits')
          .select(eb.fn.countAll<number>().as('n'))
          .where('visits.jurisdiction_id', '=', jid)
          .whereRef('visits.topic_id', '=', 'topics.id')
          .as('visit_count'),
      ])
      .where('topics.jurisdiction_id', '=', jid);
    if (f.campaignId) q = q.where('topics.campaign_id', '=', f.campaignId);
    if (f.leadOfficialId) q = q.where('topics.lead_official_id', '=', f.leadOfficialId);
    return q.orderBy('topics.created_at').execute();
  },
  topic(db: Db, jid: string, id: string) {
    return db
      .selectFrom('topics')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertTopic(db: Db, row: Selectable<TopicTable>) {
    return db.insertInto('topics').values(row).execute();
  },
  /** Visits, newest first; for `officialId`, only those he logged or of topics he leads. */
  visits(db: Db, jid: string, topicId: string | undefined, limit: number, officialId: string | null = null) {
    let q = db
      .selectFrom('visits')
      .selectAll('visits')
      .select((eb) =>
        eb
          .selectFrom('problems')
          .select(eb.fn.countAll<number>().as('n'))
          .where('problems.jurisdiction_id', '=', jid)
          .whereRef('problems.visit_id', '=', 'visits.id')
          .as('problem_count'),
      )
      .where('visits.jurisdiction_id', '=', jid);
    if (topicId) q = q.where('visits.topic_id', '=', topicId);
    if (officialId)
      q = q.where((eb) =>
        eb.or([
          eb('visits.created_by', '=', officialId),
          eb(
            'visits.topic_id',
            'in',
            eb
              .selectFrom('topics')
              .select('topics.id')
              .where('topics.jurisdiction_id', '=', jid)
              .where('topics.lead_official_id', '=', officialId),
          ),
        ]),
      );
    return q.orderBy('visits.visited_at', 'desc').limit(limit).execute();
  },
  visit(db: Db, jid: string, id: string) {
    return db
      .selectFrom('visits')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertVisit(db: Db, row: Selectable<VisitTable>) {
    return db.insertInto('visits').values(row).execute();
  },
  raw: sql,
};
