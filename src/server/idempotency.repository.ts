import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of the Idempotency-Key store. */
export const idempotencyRepository = {
  /** Reserves a key; false when it exists already. */
  async reserve(
    db: Kysely<DB>,
    jurisdictionId: string,
    principal: string,
    key: string,
    requestHash: string,
    at: string,
  ) {
    const r = await db
      .insertInto('idempotency_keys')
      .values({
        jurisdiction_id: jurisdictionId,
        principal,
        key,
        request_hash: requestHash,
        status_code: 0,
        response: '',
        created_at: at,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  },
  find(db: Kysely<DB>, jurisdictionId: string, principal: string, key: string) {
    return db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('principal', '=', principal)
      .where('key', '=', key)
      .executeTakeFirst();
  },
  complete(
    db: Kysely<DB>,
    jurisdictionId: string,
    principal: string,
    key: string,
    statusCode: number,
    response: string,
  ) {
    return db
      .updateTable('idempotency_keys')
      .set({ status_code: statusCode, response })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('principal', '=', principal)
      .where('key', '=', key)
      .execute();
  },
  release(db: Kysely<DB>, jurisdictionId: string, principal: string, key: string) {
    return db
      .deleteFrom('idempotency_keys')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('principal', '=', principal)
      .where('key', '=', key)
      .execute();
  },
};
