import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * Leaner indexes for the problems.
 *
 * The problems table's indexes on columns that most problems leave empty hold only the problems that fill
 * them (partial indexes, `where <column> is not null`): a new report without a lead unit, topic, campaign,
 * visit, merge, coordinates or signed-in reporter no longer writes an entry into each of those indexes (a
 * report through the app skipped 7 of 21, one through Open311 6). Every query on these columns compares
 * them with a value (`=`, `in`, a range), which both databases know excludes NULL, so they keep their index.
 *
 * The index of each unit's problems carries the problem's id: a unit's list and its count read the ids of
 * its problems from that index alone.
 */
const PARTIAL_INDEXES: { name: string; columns: string; nonNull: string }[] = [
  { name: 'problems_lead_unit', columns: 'jurisdiction_id, lead_unit_id, status', nonNull: 'lead_unit_id' },
  { name: 'problems_campaign', columns: 'jurisdiction_id, campaign_id, domain', nonNull: 'campaign_id' },
  { name: 'problems_topic', columns: 'jurisdiction_id, topic_id', nonNull: 'topic_id' },
  { name: 'problems_visit', columns: 'jurisdiction_id, visit_id', nonNull: 'visit_id' },
  { name: 'problems_reporter', columns: 'jurisdiction_id, reporter_user_id', nonNull: 'reporter_user_id' },
  { name: 'problems_merged', columns: 'jurisdiction_id, merged_into_id', nonNull: 'merged_into_id' },
  { name: 'problems_geo', columns: 'jurisdiction_id, lat, lng', nonNull: 'lat' },
];

export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const indexes = [
    ...PARTIAL_INDEXES,
    {
      name: 'problems_geo_cell',
      columns: `jurisdiction_id, (${dialect.geoCellExpression('lat', 'lng')}), lat, lng, created_at, id`,
      nonNull: 'lat',
    },
  ];
  for (const i of indexes) {
    await sql.raw(`drop index ${i.name}`).execute(db);
    await sql
      .raw(`create index ${i.name} on problems (${i.columns}) where ${i.nonNull} is not null`)
      .execute(db);
  }
  await sql`drop index problem_units_unit`.execute(db);
  await sql`create index problem_units_unit on problem_units (jurisdiction_id, unit_id, problem_id)`.execute(
    db,
  );
}
