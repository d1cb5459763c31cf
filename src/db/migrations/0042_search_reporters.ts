import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * Search by reporter (issue 21): staff who may see reporters find a reporter's problems by his phone number
 * or his name. Each is looked up exactly, from an index of its own; partial, as most problems reported by
 * officials in the field have neither.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await sql`create index problems_reporter_phone on problems (jurisdiction_id, reporter_phone) where reporter_phone is not null`.execute(
    db,
  );
  await sql`create index problems_reporter_name on problems (jurisdiction_id, reporter_name) where reporter_name is not null`.execute(
    db,
  );
}
