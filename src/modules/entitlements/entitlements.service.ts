/**
 * The entitlement ledger: append-only, hash-chained entries per account, a balance that never goes
 * negative and an occasion (a meal of a day) or a source record that is never paid twice. Every write
 * runs inside the caller's transaction, so the module that spends (a canteen check-in, a care order)
 * commits its own change and the spend together or not at all.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { EntitlementAccountTable, EntitlementEntryTable } from '../../db/schema.services.ts';
import { chainHash, GENESIS_HASH } from '../../kernel/chain.ts';
import type { Clock } from '../../kernel/clock.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { entitlementsRepository as repo } from './entitlements.repository.ts';
import { deltaOf, ENTITLEMENT_KINDS, type EntitlementKind, type EntryKind } from './entitlements.rules.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** An account as services return it. */
export interface EntitlementAccount {
  id: string;
  personId: string;
  kind: string;
  unit: string;
  balance: number;
  entries: number;
}

/** An entry as services return it. */
export interface EntitlementEntry {
  id: string;
  accountId: string;
  seq: number;
  kind: EntryKind;
  amount: number;
  balanceAfter: number;
  correctsEntryId: string | null;
  occasion: string | null;
  sourceModule: string;
  sourceRef: string;
  note: string | null;
  at: string;
}

/** Where an entry comes from: the module and its record (an order id, a check-in id). */
export interface EntrySource {
  module: string;
  ref: string;
  actorUserId: string | null;
  note?: string | null;
}

/** Maps an account row. */
export function accountFromRow(r: Selectable<EntitlementAccountTable>): EntitlementAccount {
  return {
    id: r.id,
    personId: r.person_id,
    kind: r.kind,
    unit: r.unit,
    balance: Number(r.balance),
    entries: Number(r.entries),
  };
}

/** Maps an entry row. */
export function entryFromRow(r: Selectable<EntitlementEntryTable>): EntitlementEntry {
  return {
    id: r.id,
    accountId: r.account_id,
    seq: Number(r.seq),
    kind: r.kind as EntryKind,
    amount: Number(r.amount),
    balanceAfter: Number(r.balance_after),
    correctsEntryId: r.corrects_entry_id,
    occasion: r.occasion,
    sourceModule: r.source_module,
    sourceRef: r.source_ref,
    note: r.note,
    at: r.created_at,
  };
}

/** The fields of an entry that its hash covers. */
export function entryHashRecord(r: Omit<Selectable<EntitlementEntryTable>, 'hash' | 'prev_hash'>) {
  return {
    jurisdiction_id: r.jurisdiction_id,
    account_id: r.account_id,
    seq: Number(r.seq),
    id: r.id,
    kind: r.kind,
    amount: Number(r.amount),
    balance_after: Number(r.balance_after),
    corrects_entry_id: r.corrects_entry_id,
    occasion: r.occasion,
    source_module: r.source_module,
    source_ref: r.source_ref,
    note: r.note,
    actor_user_id: r.actor_user_id,
    created_at: r.created_at,
  };
}

/** The account of a person and kind, opened (empty) on first use. */
export async function openAccount(
  clock: Clock,
  trx: Db,
  jid: string,
  personId: string,
  kind: EntitlementKind,
): Promise<EntitlementAccount> {
  const existing = await repo.accountOf(trx, jid, personId, kind);
  if (existing) return accountFromRow(existing);
  const row: EntitlementAccountTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    person_id: personId,
    kind,
    unit: ENTITLEMENT_KINDS[kind].unit,
    balance: 0,
    entries: 0,
    last_hash: GENESIS_HASH,
    created_at: clock.now().toISOString(),
  };
  await repo.insertAccount(trx, row);
  return accountFromRow(row);
}

/** Appends one entry: moves the balance under the account's row lock, then writes the chained entry. */
async function append(
  clock: Clock,
  trx: Db,
  jid: string,
  accountId: string,
  kind: EntryKind,
  delta: number,
  source: EntrySource,
  extra: { occasion?: string | null; correctsEntryId?: string | null },
  checkUnderLock: () => Promise<void>,
): Promise<EntitlementEntry> {
  const moved = await repo.move(trx, jid, accountId, delta);
  if (!moved) {
    const acc = await repo.account(trx, jid, accountId);
    if (!acc) throw notFound('权益账户 / entitlement account');
    throw conflict(`余额不足（余额 ${Number(acc.balance)}，需要 ${-delta}）/ balance too low`, {
      balance: Number(acc.balance),
      needed: -delta,
    });
  }
  // Checked after the row is held: a concurrent spend of the same occasion waits for this one to end.
  await checkUnderLock();
  const record = {
    jurisdiction_id: jid,
    account_id: accountId,
    seq: moved.entries,
    id: uuidv7(),
    kind,
    amount: delta,
    balance_after: moved.balance,
    corrects_entry_id: extra.correctsEntryId ?? null,
    occasion: extra.occasion ?? null,
    source_module: source.module,
    source_ref: source.ref,
    note: source.note ?? null,
    actor_user_id: source.actorUserId,
    created_at: clock.now().toISOString(),
  };
  const hash = chainHash(moved.lastHash, entryHashRecord(record));
  await repo.insertEntry(trx, { ...record, prev_hash: moved.lastHash, hash });
  await repo.setLastHash(trx, jid, accountId, hash);
  return entryFromRow({ ...record, prev_hash: moved.lastHash, hash });
}

/** Adds `amount` (> 0) to an account: a yearly subsidy, a donation received. */
export async function grant(
  clock: Clock,
  trx: Db,
  jid: string,
  accountId: string,
  amount: number,
  source: EntrySource,
): Promise<EntitlementEntry> {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw badRequest('金额须为正整数 / amount must be > 0');
  return append(clock, trx, jid, accountId, 'grant', deltaOf('grant', amount), source, {}, async () => {});
}

/**
 * Takes `amount` (> 0) from an account for an occasion (e.g. `meal:2024-03-04:lunch`): 409 when the
 * balance does not cover it, when the occasion was paid already or the source record spent already.
 */
export async function spend(
  clock: Clock,
  trx: Db,
  jid: string,
  accountId: string,
  amount: number,
  source: EntrySource,
  occasion: string | null = null,
): Promise<EntitlementEntry> {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw badRequest('金额须为正整数 / amount must be > 0');
  return append(
    clock,
    trx,
    jid,
    accountId,
    'spend',
    deltaOf('spend', amount),
    source,
    { occasion },
    async () => {
      if (occasion && (await repo.spendFor(trx, jid, accountId, occasion)))
        throw conflict(`「${occasion}」已享受过补贴 / already paid for ${occasion}`);
      if (await repo.spendBySource(trx, jid, accountId, source.module, source.ref))
        throw conflict(`${source.module} ${source.ref} 已扣减过 / already spent for this record`);
    },
  );
}

/**
 * A correction of an earlier entry (a wrong grant, a refunded spend): a signed amount in a new entry
 * that names it. Each entry is corrected at most once; the balance still never goes negative.
 */
export async function correct(
  clock: Clock,
  trx: Db,
  jid: string,
  entryId: string,
  amount: number,
  source: EntrySource,
): Promise<EntitlementEntry> {
  if (!Number.isSafeInteger(amount) || amount === 0)
    throw badRequest('更正金额须为非零整数 / amount must be ≠ 0');
  const target = await repo.entry(trx, jid, entryId);
  if (!target) throw notFound('被更正的记录 / entry');
  if (target.kind === 'correction') throw conflict('更正记录不能再被更正 / a correction is not corrected');
  return append(
    clock,
    trx,
    jid,
    target.account_id,
    'correction',
    amount,
    source,
    { correctsEntryId: entryId },
    async () => {
      if (await repo.correctionOf(trx, jid, entryId))
        throw conflict('该记录已更正过 / this entry was corrected already');
    },
  );
}

/** Whether an account paid for an occasion already (a canteen sitting, a 助餐 delivery). */
export async function occasionPaid(
  db: Db,
  jid: string,
  accountId: string,
  occasion: string,
): Promise<boolean> {
  return !!(await repo.spendFor(db, jid, accountId, occasion));
}

/** The accounts of a person. */
export async function accountsOf(db: Db, jid: string, personId: string): Promise<EntitlementAccount[]> {
  return (await repo.accountsOf(db, jid, personId)).map(accountFromRow);
}

/** The account of a person and kind, if opened. */
export async function accountOf(
  db: Db,
  jid: string,
  personId: string,
  kind: EntitlementKind,
): Promise<EntitlementAccount | null> {
  const r = await repo.accountOf(db, jid, personId, kind);
  return r ? accountFromRow(r) : null;
}

/** An account's entries, oldest first. */
export async function entriesOf(db: Db, jid: string, accountId: string): Promise<EntitlementEntry[]> {
  return (await repo.entries(db, jid, accountId)).map(entryFromRow);
}

/** The spends made for records of a module (settlement reads what was really drawn). */
export async function spendsFor(
  db: Db,
  jid: string,
  module: string,
  refs: string[],
): Promise<EntitlementEntry[]> {
  const out: EntitlementEntry[] = [];
  for (let i = 0; i < refs.length; i += 500)
    out.push(...(await repo.spendsOf(db, jid, module, refs.slice(i, i + 500))).map(entryFromRow));
  return out;
}

/**
 * What accounts of these kinds spent in [from, to), net of the corrections of those spends whenever made
 * (a refund corrects with a positive amount), in the accounts' unit: never below zero.
 */
export async function spentBetween(
  db: Db,
  jid: string,
  kinds: readonly string[],
  from: string,
  to: string,
): Promise<number> {
  // Entries hold signed changes: a spend's is negative, a refund's positive.
  let spent = 0;
  for (const r of await repo.spendsBetween(db, jid, kinds, from, to)) spent -= Number(r.amount);
  return spent;
}

/**
 * Walks every account's chain of a jurisdiction: sequence, links, hashes, each balance equal to the sum
 * of its entries and never negative on the way, and the account's balance equal to the last one.
 */
export async function verifyEntitlements(
  db: Db,
  jid: string,
): Promise<{
  checked: number;
  broken: { accountId: string; seq: number; id: string; reason: string } | null;
}> {
  let checked = 0;
  for (const acc of await repo.accountIds(db, jid)) {
    let prev = GENESIS_HASH;
    let balance = 0;
    let seq = 0;
    for (const r of await repo.entries(db, jid, acc.id)) {
      seq++;
      const fail = (reason: string) => ({
        checked,
        broken: { accountId: acc.id, seq: Number(r.seq), id: r.id, reason },
      });
      if (Number(r.seq) !== seq) return fail(`sequence gap: expected ${seq}, found ${r.seq}`);
      if (r.prev_hash !== prev) return fail('prev_hash does not match the previous entry');
      if (chainHash(prev, entryHashRecord(r)) !== r.hash) return fail('content does not match its hash');
      balance += Number(r.amount);
      if (balance < 0 || balance !== Number(r.balance_after)) return fail('running balance does not match');
      prev = r.hash;
      checked++;
    }
    if (balance !== Number(acc.balance) || seq !== Number(acc.entries))
      return {
        checked,
        broken: { accountId: acc.id, seq, id: acc.id, reason: 'account balance differs from its entries' },
      };
  }
  return { checked, broken: null };
}
