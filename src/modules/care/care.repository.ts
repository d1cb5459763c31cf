import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CareOrderTable, CarePayoutTable } from '../../db/schema.services.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * What a reader may list: everything, or orders of these persons, providers or workers, the orders the
 * reader placed, and (township staff) those of the township's villages.
 */
export interface CareScope {
  all: boolean;
  personIds: string[];
  providerIds: string[];
  workerIds: string[];
  placedBy: string | null;
  townships: string[];
}

/** The list's filters. */
export interface CareFilters {
  status?: string;
  kind?: string;
  flagged?: boolean;
}

/** The orders a scope may see with the filters, as a query to page or count. */
function filtered(db: Db, jid: string, scope: CareScope, f: CareFilters) {
  let q = db.selectFrom('care_orders').where('jurisdiction_id', '=', jid);
  if (!scope.all)
    q = q.where((eb) =>
      eb.or([
        ...(scope.personIds.length ? [eb('person_id', 'in', scope.personIds)] : []),
        ...(scope.providerIds.length ? [eb('provider_id', 'in', scope.providerIds)] : []),
        ...(scope.workerIds.length ? [eb('worker_id', 'in', scope.workerIds)] : []),
        ...(scope.placedBy ? [eb('placed_by_user_id', '=', scope.placedBy)] : []),
        ...scope.townships.map((t) => eb('village_code', 'like', `${t}%`)),
        eb.lit(false),
      ]),
    );
  if (f.status) q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.flagged !== undefined)
    q = f.flagged
      ? q.where('flags', '!=', '[]').where('flags_cleared_by', 'is', null)
      : q.where('flags', '=', '[]');
  return q;
}

/** Updates a row of either table if it still has `version` (optimistic lock); false when someone changed it first. */
async function updateIfVersion<T extends 'care_orders' | 'care_payouts'>(
  db: Db,
  table: T,
  jid: string,
  id: string,
  version: number,
  patch: Partial<T extends 'care_orders' ? CareOrderTable : CarePayoutTable>,
): Promise<boolean> {
  const r = await (db as Kysely<DB>)
    .updateTable(table as 'care_orders')
    .set({ ...(patch as Partial<CareOrderTable>), version: version + 1 })
    .where('jurisdiction_id', '=', jid)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** SQL of home-care orders. */
export const careRepository = {
  order(db: Db, jid: string, id: string) {
    return db
      .selectFrom('care_orders')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insert(db: Db, row: CareOrderTable) {
    return db.insertInto('care_orders').values(row).execute();
  },
  /** Updates an order if it still has `version` (optimistic lock); false when someone changed it first. */
  update(db: Db, jid: string, id: string, version: number, patch: Partial<CareOrderTable>) {
    return updateIfVersion(db, 'care_orders', jid, id, version, patch);
  },
  /** A page of the orders a scope may see with the filters, urgent first, newest first. */
  page(db: Db, jid: string, scope: CareScope, f: CareFilters, limit: number, offset: number) {
    return filtered(db, jid, scope, f)
      .selectAll()
      .orderBy('urgent', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  },
  /** How many orders a scope may see with the filters. */
  async count(db: Db, jid: string, scope: CareScope, f: CareFilters): Promise<number> {
    const r = await filtered(db, jid, scope, f)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /** Orders placed in [from, to) by kind (index care_orders_created, migration 0044). */
  createdByKind(db: Db, jid: string, from: string, to: string) {
    return db
      .selectFrom('care_orders')
      .select(['kind', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('jurisdiction_id', '=', jid)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('kind')
      .execute();
  },
  /** The ratings of the orders checked out in [from, to). */
  ratingsCheckedOutSince(db: Db, jid: string, from: string, to: string) {
    return db
      .selectFrom('care_orders')
      .select('rating_level')
      .where('jurisdiction_id', '=', jid)
      .where('checkout_at', '>=', from)
      .where('checkout_at', '<', to)
      .where('rating_level', 'is not', null)
      .execute();
  },
  /** Urgent orders still waiting for acceptance past their due time, not yet escalated. */
  overdueUrgent(db: Db, jid: string, at: string) {
    return db
      .selectFrom('care_orders')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('status', '=', 'requested')
      .where('accept_due_at', '<', at)
      .where('urgent', '=', 1)
      .where('escalated_at', 'is', null)
      .orderBy('accept_due_at')
      .execute();
  },
  /** Marks an order escalated unless someone did first; false when someone did. */
  async claimEscalation(db: Db, jid: string, id: string, at: string): Promise<boolean> {
    const r = await db
      .updateTable('care_orders')
      .set({ escalated_at: at })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .where('escalated_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  setEscalationProblem(db: Db, jid: string, id: string, problemId: string) {
    return db
      .updateTable('care_orders')
      .set({ escalation_problem_id: problemId })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .execute();
  },
  /** The worker's other visits that have a check-in. */
  workerVisits(db: Db, jid: string, workerId: string, exceptId: string) {
    return db
      .selectFrom('care_orders')
      .select(['checkin_at', 'checkout_at'])
      .where('jurisdiction_id', '=', jid)
      .where('worker_id', '=', workerId)
      .where('id', '!=', exceptId)
      .where('checkin_at', 'is not', null)
      .execute();
  },
  /** The hashes among `hashes` that another order used already. */
  async reusedPhotos(db: Db, jid: string, orderId: string, hashes: string[]): Promise<string[]> {
    if (hashes.length === 0) return [];
    const rows = await db
      .selectFrom('care_photos')
      .select('hash')
      .where('jurisdiction_id', '=', jid)
      .where('hash', 'in', hashes)
      .where('order_id', '!=', orderId)
      .execute();
    return rows.map((r) => r.hash);
  },
  /** Records the photos of a visit; a hash seen before keeps its first order (the reuse rule reads it). */
  async addPhotos(
    db: Db,
    jid: string,
    orderId: string,
    photos: { hash: string; attachmentId: string | null }[],
    at: string,
  ) {
    for (const { hash, attachmentId } of photos)
      await db
        .insertInto('care_photos')
        .values({
          jurisdiction_id: jid,
          hash,
          order_id: orderId,
          attachment_id: attachmentId,
          created_at: at,
        })
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'hash']).doNothing())
        .execute();
  },
  /** Settleable orders checked out in [from, to). */
  settleable(
    db: Db,
    jid: string,
    statuses: readonly string[],
    from: string,
    to: string,
    providerId?: string,
  ) {
    let q = db
      .selectFrom('care_orders')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('status', 'in', statuses)
      .where('checkout_at', '>=', from)
      .where('checkout_at', '<', to);
    if (providerId) q = q.where('provider_id', '=', providerId);
    return q.orderBy('id').execute();
  },
  settledIn(db: Db, jid: string, month: string) {
    return db
      .selectFrom('care_orders')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('settlement_month', '=', month)
      .orderBy('id')
      .execute();
  },
  insertPayout(db: Db, row: CarePayoutTable) {
    return db.insertInto('care_payouts').values(row).execute();
  },
  /** Updates a payout if it still has `version`; false when someone changed it first. */
  updatePayout(db: Db, jid: string, id: string, version: number, patch: Partial<CarePayoutTable>) {
    return updateIfVersion(db, 'care_payouts', jid, id, version, patch);
  },
  payout(db: Db, jid: string, id: string) {
    return db
      .selectFrom('care_payouts')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** A month's payouts, oldest first. */
  payoutsOf(db: Db, jid: string, month: string) {
    return db
      .selectFrom('care_payouts')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('month', '=', month)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },
};
