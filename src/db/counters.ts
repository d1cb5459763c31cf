import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/**
 * Takes the next value of a named counter inside the caller's transaction. The row update serialises
 * concurrent writers on PostgreSQL; on SQLite writes are serial anyway. A plain statement: it runs on every
 * write, and building it through the query builder cost more than running it.
 */
export async function nextCounter(
  db: Kysely<DB> | Transaction<DB>,
  jurisdictionId: string,
  name: string,
  by = 1,
): Promise<number> {
  const { rows } = await sql<{ value: number | string }>`insert into counters (jurisdiction_id, name, value)
    values (${jurisdictionId}, ${name}, ${by})
    on conflict (jurisdiction_id, name) do update set value = counters.value + excluded.value
    returning value`.execute(db);
  return Number(rows[0]!.value);
}
