import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  PaymentCallbackTable,
  PaymentReconciliationTable,
  PaymentTable,
} from '../../db/schema.residents.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of payments, their callbacks and reconciliations. */
export const paymentsRepository = {
  payment(db: Db, jid: string, id: string) {
    return db
      .selectFrom('payments')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insert(db: Db, row: PaymentTable) {
    return db.insertInto('payments').values(row).execute();
  },
  /** Moves a payment forward if it still has `version`; false when someone changed it first. */
  async update(db: Db, jid: string, id: string, version: number, patch: Partial<PaymentTable>) {
    const r = await db
      .updateTable('payments')
      .set({ ...patch, version: version + 1 })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /** Records a callback event; false when the same event was received before. */
  async insertCallback(db: Db, row: PaymentCallbackTable): Promise<boolean> {
    const r = await db
      .insertInto('payment_callbacks')
      .values(row)
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'channel', 'event_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  },
  callbacksOf(db: Db, jid: string, paymentId: string) {
    return db
      .selectFrom('payment_callbacks')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('payment_id', '=', paymentId)
      .orderBy('received_at')
      .orderBy('event_id')
      .execute();
  },
  ofDay(db: Db, jid: string, channel: string, businessDate: string) {
    return db
      .selectFrom('payments')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('channel', '=', channel)
      .where('business_date', '=', businessDate)
      .orderBy('id')
      .execute();
  },
  reconciliation(db: Db, jid: string, channel: string, businessDate: string) {
    return db
      .selectFrom('payment_reconciliations')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('channel', '=', channel)
      .where('business_date', '=', businessDate)
      .executeTakeFirst();
  },
  insertReconciliation(db: Db, row: PaymentReconciliationTable) {
    return db.insertInto('payment_reconciliations').values(row).execute();
  },
};
