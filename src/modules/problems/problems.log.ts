/**
 * The action log of problems (DESIGN §2): append-only and hash-chained per jurisdiction. Every change of a
 * problem appends here in the same transaction (see problems.changes.ts), so the log's last number is also
 * the data version that the read answers are cached by.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DialectAdapter } from '../../db/dialect/types.ts';
import { nextCounter } from '../../db/counters.ts';
import { transactionMemo } from '../../db/writes.ts';
import { chainHash, GENESIS_HASH } from '../../kernel/chain.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import { actionHashRecord } from '../audit/index.ts';
import { problemsRepository, type ActionRow } from './problems.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The actor of an action: a principal, or the system (scheduler, automatic reopen, merge closure). */
export interface Actor {
  userId: string | null;
  name: string;
  unitId: string | null;
}

/** The system as an actor (系统). */
export const SYSTEM: Actor = { userId: null, name: '系统', unitId: null };

/** The actor a principal acts as. */
export function actorOf(p: Principal): Actor {
  return { userId: p.userId, name: p.displayName, unitId: p.unitId };
}

/** What an action records; the log adds its number and hashes. */
export interface NewAction {
  problemId: string;
  action: string;
  from: string | null;
  to: string;
  actor: Actor;
  note?: string | null;
  data?: unknown;
  public: boolean;
  at: string;
}

/** Appends one action to the hash-chained log, inside the caller's transaction. */
export async function appendAction(trx: Db, jurisdictionId: string, a: NewAction): Promise<ActionRow> {
  return (await appendActions(trx, jurisdictionId, [a]))[0]!;
}

/**
 * Appends actions to the hash-chained log in order, inside the caller's transaction: one counter update
 * reserves their sequence numbers, the hashes are chained in memory, and the rows go in multi-row inserts.
 */
export async function appendActions(
  trx: Db,
  jurisdictionId: string,
  items: NewAction[],
  opts: { dialect?: DialectAdapter } = {},
): Promise<ActionRow[]> {
  if (items.length === 0) return [];
  const last = await nextCounter(trx, jurisdictionId, 'action_seq', items.length);
  const first = last - items.length + 1;
  // The hash before the first: remembered from this transaction's previous append when that ended exactly
  // there (a write batch forgets it when a job rolls back), else read.
  const memo = transactionMemo(trx);
  const tip = memo?.get(`chain:${jurisdictionId}`) as { seq: number; hash: string } | undefined;
  let prev =
    first === 1
      ? GENESIS_HASH
      : tip && tip.seq === first - 1
        ? tip.hash
        : ((await problemsRepository.actionHashAt(trx, jurisdictionId, first - 1)) ?? GENESIS_HASH);
  const rows = items.map((a, i): ActionRow => {
    const base = {
      jurisdiction_id: jurisdictionId,
      id: uuidv7(),
      problem_id: a.problemId,
      seq: first + i,
      action: a.action,
      from_status: a.from,
      to_status: a.to,
      actor_user_id: a.actor.userId,
      actor_name: a.actor.name,
      actor_unit_id: a.actor.unitId,
      note: a.note ?? null,
      data: JSON.stringify(a.data ?? {}),
      is_public: a.public ? 1 : 0,
      created_at: a.at,
    };
    const hash = chainHash(prev, actionHashRecord(base));
    const row = { ...base, prev_hash: prev, hash };
    prev = hash;
    return row;
  });
  if (opts.dialect) await opts.dialect.bulkInsert(trx, 'actions', rows);
  else
    for (let i = 0; i < rows.length; i += 500)
      await problemsRepository.insertActions(trx, rows.slice(i, i + 500));
  memo?.set(`chain:${jurisdictionId}`, { seq: last, hash: prev });
  return rows;
}
