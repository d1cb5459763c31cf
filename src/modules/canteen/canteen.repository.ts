import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  CanteenDayTable,
  CanteenDishTable,
  CanteenMealTable,
  CanteenSampleTable,
} from '../../db/schema.residents.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of the public canteen. */
export const canteenRepository = {
  dishes(db: Db, jid: string, placeId: string) {
    return db
      .selectFrom('canteen_dishes')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .orderBy('name')
      .orderBy('id')
      .execute();
  },
  insertDish(db: Db, row: CanteenDishTable) {
    return db.insertInto('canteen_dishes').values(row).execute();
  },
  menus(db: Db, jid: string, placeId: string, from: string, to: string) {
    return db
      .selectFrom('canteen_menus')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .where('date', '>=', from)
      .where('date', '<=', to)
      .orderBy('date')
      .orderBy('meal')
      .execute();
  },
  upsertMenu(
    db: Db,
    jid: string,
    placeId: string,
    date: string,
    meal: string,
    dishIds: string[],
    by: string | null,
    at: string,
  ) {
    return db
      .insertInto('canteen_menus')
      .values({
        jurisdiction_id: jid,
        place_id: placeId,
        date,
        meal,
        dish_ids: JSON.stringify(dishIds),
        updated_by: by,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc
          .columns(['jurisdiction_id', 'place_id', 'date', 'meal'])
          .doUpdateSet({ dish_ids: JSON.stringify(dishIds), updated_by: by, updated_at: at }),
      )
      .execute();
  },
  card(db: Db, jid: string, cardNo: string) {
    return db
      .selectFrom('canteen_cards')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('card_no', '=', cardNo)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },
  async insertCard(db: Db, jid: string, cardNo: string, personId: string, at: string): Promise<boolean> {
    const r = await db
      .insertInto('canteen_cards')
      .values({ jurisdiction_id: jid, card_no: cardNo, person_id: personId, issued_at: at, revoked_at: null })
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'card_no']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  },
  meal(db: Db, jid: string, id: string) {
    return db
      .selectFrom('canteen_meals')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** A diner's live check-in of a sitting, if any. */
  dinerMeal(db: Db, jid: string, placeId: string, date: string, meal: string, personId: string) {
    return db
      .selectFrom('canteen_meals')
      .select('id')
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .where('date', '=', date)
      .where('meal', '=', meal)
      .where('person_id', '=', personId)
      .where('status', '!=', 'voided')
      .executeTakeFirst();
  },
  /** The latest check-ins of some diners at any canteen, newest first (a resident's own meals). */
  mealsOfPersons(db: Db, jid: string, personIds: string[], limit: number) {
    if (!personIds.length) return Promise.resolve([]);
    return db
      .selectFrom('canteen_meals')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('person_id', 'in', personIds)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },
  insertMeal(db: Db, row: CanteenMealTable) {
    return db.insertInto('canteen_meals').values(row).execute();
  },
  async updateMeal(db: Db, jid: string, id: string, version: number, patch: Partial<CanteenMealTable>) {
    const r = await db
      .updateTable('canteen_meals')
      .set({ ...patch, version: version + 1 })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  mealsOfDay(db: Db, jid: string, placeId: string, date: string, limit: number, offset: number) {
    const q = db
      .selectFrom('canteen_meals')
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .where('date', '=', date);
    return Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  /** Live check-ins per place and sitting on a day, with the subsidy and copay they carry. */
  dayTotals(db: Db, jid: string, date: string, placeId?: string) {
    let q = db
      .selectFrom('canteen_meals')
      .select((eb) => [
        'place_id',
        'meal',
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string>('subsidy_fen').as('subsidy'),
        eb.fn.sum<number | string>('copay_fen').as('copay'),
      ])
      .where('jurisdiction_id', '=', jid)
      .where('date', '=', date)
      .where('status', '!=', 'voided');
    if (placeId) q = q.where('place_id', '=', placeId);
    return q.groupBy(['place_id', 'meal']).execute();
  },
  /** The last day on or before `date` with a live check-in. */
  async latestDay(db: Db, jid: string, date: string): Promise<string | null> {
    const r = await db
      .selectFrom('canteen_meals')
      .select((eb) => eb.fn.max('date').as('d'))
      .where('jurisdiction_id', '=', jid)
      .where('date', '<=', date)
      .where('status', '!=', 'voided')
      .executeTakeFirst();
    return (r?.d as string | null | undefined) ?? null;
  },
  day(db: Db, jid: string, placeId: string, date: string) {
    return db
      .selectFrom('canteen_days')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .where('date', '=', date)
      .executeTakeFirst();
  },
  /** Opens a day if it has no row yet (a concurrent first check-in opens it once). */
  openDay(db: Db, row: CanteenDayTable) {
    return db
      .insertInto('canteen_days')
      .values(row)
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'place_id', 'date']).doNothing())
      .execute();
  },
  async updateDay(
    db: Db,
    jid: string,
    placeId: string,
    date: string,
    version: number,
    patch: Partial<CanteenDayTable>,
  ) {
    const r = await db
      .updateTable('canteen_days')
      .set({ ...patch, version: version + 1 })
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .where('date', '=', date)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  insertSample(db: Db, row: CanteenSampleTable) {
    return db.insertInto('canteen_samples').values(row).execute();
  },
  samples(db: Db, jid: string, placeId: string, date: string) {
    return db
      .selectFrom('canteen_samples')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('place_id', '=', placeId)
      .where('date', '=', date)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },
};
