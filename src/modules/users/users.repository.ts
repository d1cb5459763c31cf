import type { Kysely, Selectable, Transaction } from 'kysely';
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
