import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/** The ranges of the standard indicators as of this migration: [min, max, plausible min, plausible max, whole]. */
const RANGES: Record<string, [number, number, number, number, 0 | 1]> = {
  financing_amount: [0, 100_000_000_000, 10_000, 1_000_000_000, 0],
  financed_enterprises: [0, 1_000, 1, 20, 1],
  idle_land_area: [0, 100_000, 0.1, 1_000, 0],
  investment_amount: [0, 1_000_000_000_000, 10_000, 5_000_000_000, 0],
  days_saved: [0, 3_650, 0.5, 365, 0],
  fees_reduced: [0, 10_000_000_000, 10, 10_000_000, 0],
  new_jobs: [0, 1_000_000, 1, 2_000, 1],
  residents_served: [0, 10_000_000, 1, 100_000, 1],
};

/**
 * Two things of issue 20:
 * - `notification_reads`: who has read a notification. A notice to a unit or a role reaches everyone in it,
 *   and one handler reading it must not mark it read for the others. Reads of notices to one user move over.
 * - The ranges of a closure indicator, in its unit: a value outside [min_value, max_value] is refused; one
 *   outside [plausible_min, plausible_max] needs the unit's confirmation and is flagged to the supervisor;
 *   `whole`: counted in whole numbers (家, 人). Indicators without ranges keep accepting any positive value.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('notification_reads', ['notification_id', 'user_id'], (b) =>
    b.addColumn('read_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('notification_reads_user')
    .on('notification_reads')
    .columns(['jurisdiction_id', 'user_id'])
    .execute();
  await sql`insert into notification_reads (jurisdiction_id, notification_id, user_id, read_at)
    select jurisdiction_id, id, user_id, read_at from notifications
    where user_id is not null and read_at is not null`.execute(db);

  for (const c of ['min_value', 'max_value', 'plausible_min', 'plausible_max'])
    await db.schema.alterTable('indicators').addColumn(c, dialect.types.real).execute();
  await db.schema
    .alterTable('indicators')
    .addColumn('whole', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const [code, [min, max, pmin, pmax, whole]] of Object.entries(RANGES))
    await sql`update indicators set min_value = ${min}, max_value = ${max}, plausible_min = ${pmin},
      plausible_max = ${pmax}, whole = ${whole} where code = ${code}`.execute(db);
}
