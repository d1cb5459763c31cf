import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of the Idempotency-Key store. */
export const idempotencyRepository = {
  /** Reserves a key; false when it exists already. */
  async reserve(
    db: Kysely<DB> | Transaction<DB>,
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
    db: Kysely<DB> | Transaction<DB>,
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
  /**
   * Inside the write's own transaction: records that the write committed and what it made, so that a
   * retry after a crash between the commit and the answer replays instead of writing twice.
   */
  markCommitted(
    trx: Kysely<DB> | Transaction<DB>,
    jurisdictionId: string,
    principal: string,
    key: string,
    statusCode: number,
    problemId: string,
  ) {
    return trx
      .updateTable('idempotency_keys')
      .set({ status_code: statusCode, response: JSON.stringify({ ref: { problemId } }) })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('principal', '=', principal)
      .where('key', '=', key)
      .execute();
  },
  /** Takes over a reservation whose request died before committing anything. */
  async takeOver(
    db: Kysely<DB> | Transaction<DB>,
    jurisdictionId: string,
    principal: string,
    key: string,
    olderThan: string,
    at: string,
  ) {
    const r = await db
      .updateTable('idempotency_keys')
      .set({ created_at: at })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('principal', '=', principal)
      .where('key', '=', key)
      .where('status_code', '=', 0)
      .where('created_at', '<', olderThan)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  release(db: Kysely<DB> | Transaction<DB>, jurisdictionId: string, principal: string, key: string) {
    return db
      .deleteFrom('idempotency_keys')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('principal', '=', principal)
      .where('key', '=', key)
      .execute();
  },
};
