import type { Kysely, Selectable, Transaction } from 'kysely';
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
  upsertOtp(
    db: Db,
    jurisdictionId: string,
    phone: string,
    codeHash: string,
    expiresAt: string,
    createdAt: string,
  ) {
    return db
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
          .doUpdateSet({ code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: createdAt }),
      )
      .execute();
  },
  bumpOtpAttempts(db: Db, jurisdictionId: string, phone: string) {
    return db
      .updateTable('otp_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .execute();
  },
  deleteOtp(db: Db, jurisdictionId: string, phone: string) {
    return db
      .deleteFrom('otp_codes')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .execute();
  },
};
