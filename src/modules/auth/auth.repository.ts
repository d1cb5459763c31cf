import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ApiKeyTable, DB, SessionTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of sessions, API keys and one-time codes. */
export const authRepository = {
  insertSession(db: Db, row: Selectable<SessionTable>) {
    return db.insertInto('sessions').values(row).execute();
  },
  findSession(db: Db, id: string) {
    return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  },
  touchSession(db: Db, jurisdictionId: string, id: string, at: string) {
    return db
      .updateTable('sessions')
      .set({ last_seen_at: at })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .execute();
  },
  deleteSession(db: Db, id: string) {
    return db.deleteFrom('sessions').where('id', '=', id).execute();
  },
  deleteUserSessions(db: Db, jurisdictionId: string, userId: string) {
    return db
      .deleteFrom('sessions')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('user_id', '=', userId)
      .execute();
  },
  findApiKey(db: Db, keyHash: string) {
    return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  },
  insertApiKey(db: Db, row: Selectable<ApiKeyTable>) {
    return db.insertInto('api_keys').values(row).execute();
  },
  listApiKeys(db: Db, jurisdictionId: string) {
    return db
      .selectFrom('api_keys')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .orderBy('created_at')
      .execute();
  },
  revokeApiKey(db: Db, jurisdictionId: string, idOrPrefix: string, at: string) {
    return db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix)]))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },
  findOtp(db: Db, jurisdictionId: string, phone: string) {
    return db
      .selectFrom('otp_codes')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .executeTakeFirst();
  },
  /**
   * Counts one more event under `key` in the window ending at `windowEnd` and returns the count, in one
   * atomic upsert (a counter whose window has ended starts again at 1).
   */
  async countGuard(db: Db, jurisdictionId: string, key: string, now: string, windowEnd: string) {
    const row = await db
      .insertInto('guard_counters')
      .values({ jurisdiction_id: jurisdictionId, key, count: 1, window_end: windowEnd })
      .onConflict((oc) =>
        oc.columns(['jurisdiction_id', 'key']).doUpdateSet({
          count: sql<number>`case when guard_counters.window_end <= ${now} then 1 else guard_counters.count + 1 end`,
          window_end: sql<string>`case when guard_counters.window_end <= ${now} then ${windowEnd} else guard_counters.window_end end`,
        }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  },
  /** Forgets counters whose window ended before `now`. */
  pruneGuards(db: Db, now: string) {
    return db.deleteFrom('guard_counters').where('window_end', '<', now).execute();
  },
  /**
   * Stores a new code unless one was sent less than the resend interval ago (`since`), atomically:
   * false when a recent code stands.
   */
  async putOtpUnlessRecent(
    db: Db,
    jurisdictionId: string,
    phone: string,
    codeHash: string,
    expiresAt: string,
    createdAt: string,
    since: string,
  ) {
    const r = await db
      .insertInto('otp_codes')
      .values({
        jurisdiction_id: jurisdictionId,
        phone,
        code_hash: codeHash,
        expires_at: expiresAt,
        attempts: 0,
        created_at: createdAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['jurisdiction_id', 'phone'])
          .doUpdateSet({ code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: createdAt })
          .where('otp_codes.created_at', '<=', since),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },
  /** Takes one try at a code atomically; the number of this try, or null when there is no code. */
  async takeOtpAttempt(db: Db, jurisdictionId: string, phone: string) {
    const row = await db
      .updateTable('otp_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .returning(['attempts', 'code_hash', 'expires_at'])
      .executeTakeFirst();
    return row ? { attempt: Number(row.attempts), codeHash: row.code_hash, expiresAt: row.expires_at } : null;
  },
  /** Deletes the code if it is still the one that was checked (a code opens one session, once). */
  async consumeOtp(db: Db, jurisdictionId: string, phone: string, codeHash: string) {
    const r = await db
      .deleteFrom('otp_codes')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  },
};
