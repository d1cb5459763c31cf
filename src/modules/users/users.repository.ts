import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, UserTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type UserRow = Selectable<UserTable>;

/** All SQL about users. */
export const usersRepository = {
  findByUsername(db: Db, username: string) {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },
  /** Names and phones of the given users of one jurisdiction (the reporters of a batch of reports). */
  contacts(db: Db, jurisdictionId: string, ids: string[]) {
    return db
      .selectFrom('users')
      .select(['id', 'display_name', 'phone'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', 'in', ids)
      .execute();
  },
  findById(db: Db, jurisdictionId: string, id: string) {
    return db
      .selectFrom('users')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** The first user of a unit by user name. */
  firstOfUnit(db: Db, jurisdictionId: string, unitId: string) {
    return db
      .selectFrom('users')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('unit_id', '=', unitId)
      .orderBy('username')
      .executeTakeFirst();
  },
  findByPhone(db: Db, jurisdictionId: string, phone: string) {
    return db
      .selectFrom('users')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .orderBy('created_at')
      .executeTakeFirst();
  },
  list(db: Db, jurisdictionId: string, q: string | undefined, limit: number, offset: number) {
    let query = db.selectFrom('users').where('jurisdiction_id', '=', jurisdictionId);
    if (q)
      query = query.where((eb) =>
        eb.or([eb('username', 'like', `%${q}%`), eb('display_name', 'like', `%${q}%`)]),
      );
    return Promise.all([
      query.selectAll().orderBy('username').limit(limit).offset(offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  /** Accounts of one phone that may sign in by a one-time code (residents and enterprises only). */
  findPublicByPhone(db: Db, jurisdictionId: string, phone: string, publicRoles: readonly string[]) {
    return db
      .selectFrom('users')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('phone', '=', phone)
      .orderBy('created_at')
      .execute()
      .then((rows) =>
        rows.find((r) => (JSON.parse(r.roles) as string[]).every((role) => publicRoles.includes(role))),
      );
  },
  /**
   * Takes one sign-in attempt in a single statement: an expired lock is lifted and the counter starts
   * again, otherwise the counter goes up. Concurrent attempts each get their own number, so the caller can
   * refuse every attempt past the limit before checking the password.
   */
  async takeLoginAttempt(db: Db, jurisdictionId: string, id: string, now: string) {
    const expired = sql<boolean>`locked_until is not null and locked_until <= ${now}`;
    const row = await db
      .updateTable('users')
      .set({
        failed_logins: sql<number>`case when ${expired} then 1 else failed_logins + 1 end`,
        locked_until: sql<string | null>`case when ${expired} then null else locked_until end`,
      })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .returning(['failed_logins', 'locked_until'])
      .executeTakeFirst();
    return row ? { attempt: Number(row.failed_logins), lockedUntil: row.locked_until } : null;
  },
  /** Locks an account until `until` unless a lock is already running; true when this call locked it. */
  async lock(db: Db, jurisdictionId: string, id: string, now: string, until: string) {
    const r = await db
      .updateTable('users')
      .set({ locked_until: until })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /** Clears the failure counter after a correct password on an unlocked account. */
  clearLoginFailures(db: Db, jurisdictionId: string, id: string) {
    return db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .execute();
  },
  insert(db: Db, row: UserRow) {
    return db.insertInto('users').values(row).execute();
  },
  async update(
    db: Db,
    jurisdictionId: string,
    id: string,
    patch: Partial<UserRow>,
    expectedVersion?: number,
  ) {
    let q = db
      .updateTable('users')
      .set(patch)
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id);
    if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
};
