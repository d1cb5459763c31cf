import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  ConsentTable,
  HouseholdTable,
  PersonAccessTable,
  PersonContactTable,
  PersonTable,
} from '../../db/schema.services.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Which persons a reader may see, as SQL conditions (from the policy). */
export interface PersonScope {
  all: boolean;
  townships: string[];
  userId: string | null;
}

/** SQL of the registry. */
export const registryRepository = {
  person(db: Db, jid: string, id: string) {
    return db
      .selectFrom('persons')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** Several persons by id (a list page's). */
  persons(db: Db, jid: string, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('persons')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', 'in', [...new Set(ids)])
      .execute();
  },
  personByUser(db: Db, jid: string, userId: string) {
    return db
      .selectFrom('persons')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  },
  personByIdHash(db: Db, jid: string, hash: string) {
    return db
      .selectFrom('persons')
      .select('id')
      .where('jurisdiction_id', '=', jid)
      .where('id_number_hash', '=', hash)
      .executeTakeFirst();
  },
  personIdsByPhone(db: Db, jid: string, phone: string) {
    return db
      .selectFrom('persons')
      .select('id')
      .where('jurisdiction_id', '=', jid)
      .where('phone', '=', phone)
      .orderBy('id')
      .limit(2)
      .execute();
  },
  insertPerson(db: Db, row: PersonTable) {
    return db.insertInto('persons').values(row).execute();
  },
  updatePerson(db: Db, jid: string, id: string, patch: Partial<PersonTable>) {
    return db
      .updateTable('persons')
      .set(patch)
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .execute();
  },
  insertHousehold(db: Db, row: HouseholdTable) {
    return db.insertInto('households').values(row).execute();
  },
  household(db: Db, jid: string, id: string) {
    return db
      .selectFrom('households')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** A page of persons in scope, by id. */
  list(
    db: Db,
    jid: string,
    scope: PersonScope,
    f: { village?: string; tag?: string; q?: string },
    limit: number,
    offset: number,
  ) {
    let q = db.selectFrom('persons').where('jurisdiction_id', '=', jid);
    if (!scope.all) {
      q = q.where((eb) =>
        eb.or([
          ...scope.townships.map((t) => eb('village_code', 'like', `${t}%`)),
          ...(scope.userId ? [eb('user_id', '=', scope.userId)] : []),
          eb.lit(false),
        ]),
      );
    }
    if (f.village) q = q.where('village_code', 'like', `${f.village}%`);
    if (f.tag) q = q.where('tags', 'like', `%"${f.tag}"%`);
    if (f.q) q = q.where('name', 'like', `%${f.q}%`);
    return Promise.all([
      q.selectAll().orderBy('id').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  contacts(db: Db, jid: string, personId: string) {
    return db
      .selectFrom('person_contacts')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('person_id', '=', personId)
      .orderBy('id')
      .execute();
  },
  insertContact(db: Db, row: PersonContactTable) {
    return db.insertInto('person_contacts').values(row).execute();
  },
  /** Persons for whom a user is a contact (a family member ordering for an elder). */
  personsOfContact(db: Db, jid: string, userId: string) {
    return db
      .selectFrom('person_contacts')
      .select('person_id')
      .where('jurisdiction_id', '=', jid)
      .where('user_id', '=', userId)
      .execute();
  },
  consents(db: Db, jid: string, personId: string) {
    return db
      .selectFrom('consents')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('person_id', '=', personId)
      .orderBy('granted_at')
      .execute();
  },
  consent(db: Db, jid: string, id: string) {
    return db
      .selectFrom('consents')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertConsent(db: Db, row: ConsentTable) {
    return db.insertInto('consents').values(row).execute();
  },
  withdrawConsent(db: Db, jid: string, id: string, at: string, reason: string) {
    return db
      .updateTable('consents')
      .set({ withdrawn_at: at, withdrawn_reason: reason })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst();
  },
  insertAccess(db: Db, row: PersonAccessTable) {
    return db.insertInto('person_access_log').values(row).execute();
  },
  accessLog(db: Db, jid: string, personId: string | undefined, limit: number) {
    let q = db.selectFrom('person_access_log').selectAll().where('jurisdiction_id', '=', jid);
    if (personId) q = q.where('person_id', '=', personId);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  },
  /** Counts of persons by a column's value (township: the first 9 digits of the village code). */
  countBy(db: Db, jid: string, column: 'township' | 'ethnicity' | 'birth_year') {
    const key =
      column === 'township'
        ? sql<string>`substr(village_code, 1, 9)`
        : column === 'ethnicity'
          ? sql<string>`ethnicity`
          : sql<string>`substr(birth_date, 1, 4)`;
    return db
      .selectFrom('persons')
      .select([key.as('key'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('jurisdiction_id', '=', jid)
      .groupBy(key)
      .orderBy(key)
      .execute();
  },
  allTags(db: Db, jid: string) {
    return db.selectFrom('persons').select('tags').where('jurisdiction_id', '=', jid).execute();
  },
};
