import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/**
 * Takes the next value of a named counter inside the caller's transaction. The row update serialises
 * concurrent writers on PostgreSQL; on SQLite writes are serial anyway.
 */
export async function nextCounter(
  db: Kysely<DB> | Transaction<DB>,
  jurisdictionId: string,
  name: string,
  by = 1,
): Promise<number> {
  const row = await db
    .insertInto('counters')
    .values({ jurisdiction_id: jurisdictionId, name, value: by })
    .onConflict((oc) =>
      oc.columns(['jurisdiction_id', 'name']).doUpdateSet((eb) => ({ value: eb('counters.value', '+', by) })),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
