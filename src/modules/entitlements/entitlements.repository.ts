import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { EntitlementAccountTable, EntitlementEntryTable } from '../../db/schema.services.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of the entitlement ledger. */
export const entitlementsRepository = {
  account(db: Db, jid: string, id: string) {
    return db
      .selectFrom('entitlement_accounts')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  accountOf(db: Db, jid: string, personId: string, kind: string) {
    return db
      .selectFrom('entitlement_accounts')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('person_id', '=', personId)
      .where('kind', '=', kind)
      .executeTakeFirst();
  },
  accountsOf(db: Db, jid: string, personId: string) {
    return db
      .selectFrom('entitlement_accounts')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('person_id', '=', personId)
      .orderBy('kind')
      .execute();
  },
  insertAccount(db: Db, row: EntitlementAccountTable) {
    return db.insertInto('entitlement_accounts').values(row).execute();
  },
  /**
   * Moves the balance by `delta` and takes the next entry number, in one statement that holds the row
   * until commit; with `delta` < 0 only when the balance covers it. Undefined when it does not.
   */
  async move(db: Db, jid: string, id: string, delta: number) {
    const r = await db
      .updateTable('entitlement_accounts')
      .set({ balance: sql`balance + ${delta}`, entries: sql`entries + 1` })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .where(sql<boolean>`balance + ${delta} >= 0`)
      .returning(['balance', 'entries', 'last_hash'])
      .executeTakeFirst();
    return r && { balance: Number(r.balance), entries: Number(r.entries), lastHash: r.last_hash };
  },
  setLastHash(db: Db, jid: string, id: string, hash: string) {
    return db
      .updateTable('entitlement_accounts')
      .set({ last_hash: hash })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .execute();
  },
  insertEntry(db: Db, row: EntitlementEntryTable) {
    return db.insertInto('entitlement_entries').values(row).execute();
  },
  entry(db: Db, jid: string, id: string) {
    return db
      .selectFrom('entitlement_entries')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** The spend of an account for an occasion, if any. */
  spendFor(db: Db, jid: string, accountId: string, occasion: string) {
    return db
      .selectFrom('entitlement_entries')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('account_id', '=', accountId)
      .where('kind', '=', 'spend')
      .where('occasion', '=', occasion)
      .executeTakeFirst();
  },
  /** The spend made for a source record, if any. */
  spendBySource(db: Db, jid: string, accountId: string, module: string, ref: string) {
    return db
      .selectFrom('entitlement_entries')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('account_id', '=', accountId)
      .where('kind', '=', 'spend')
      .where('source_module', '=', module)
      .where('source_ref', '=', ref)
      .executeTakeFirst();
  },
  /** Whether an entry was corrected already. */
  async correctionOf(db: Db, jid: string, entryId: string) {
    return db
      .selectFrom('entitlement_entries')
      .select('id')
      .where('jurisdiction_id', '=', jid)
      .where('corrects_entry_id', '=', entryId)
      .executeTakeFirst();
  },
  entries(db: Db, jid: string, accountId: string) {
    return db
      .selectFrom('entitlement_entries')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('account_id', '=', accountId)
      .orderBy('seq')
      .execute();
  },
  accountIds(db: Db, jid: string) {
    return db
      .selectFrom('entitlement_accounts')
      .select(['id', 'balance', 'entries'])
      .where('jurisdiction_id', '=', jid)
      .orderBy('id')
      .execute();
  },
  /** Spends of one source module in a period, with their source records (settlement). */
  /** The spends of accounts of these kinds made in [from, to), and every correction of those spends. */
  spendsBetween(db: Db, jid: string, kinds: readonly string[], from: string, to: string) {
    return db
      .selectFrom('entitlement_entries as e')
      .innerJoin('entitlement_accounts as a', (j) =>
        j.onRef('a.id', '=', 'e.account_id').onRef('a.jurisdiction_id', '=', 'e.jurisdiction_id'),
      )
      .leftJoin('entitlement_entries as c', (j) =>
        j.onRef('c.id', '=', 'e.corrects_entry_id').onRef('c.jurisdiction_id', '=', 'e.jurisdiction_id'),
      )
      .select(['e.kind', 'e.amount', 'c.kind as corrected_kind'])
      .where('e.jurisdiction_id', '=', jid)
      .where('a.kind', 'in', kinds)
      .where((eb) =>
        eb.or([
          eb.and([eb('e.kind', '=', 'spend'), eb('e.created_at', '>=', from), eb('e.created_at', '<', to)]),
          eb.and([eb('c.kind', '=', 'spend'), eb('c.created_at', '>=', from), eb('c.created_at', '<', to)]),
        ]),
      )
      .execute();
  },
  spendsOf(db: Db, jid: string, module: string, refs: string[]) {
    if (refs.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('entitlement_entries')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('source_module', '=', module)
      .where('kind', '=', 'spend')
      .where('source_ref', 'in', refs)
      .execute();
  },
};
