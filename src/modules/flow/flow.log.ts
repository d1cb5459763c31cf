/**
 * The append-only action log of every resident-service module: one hash chain per module and
 * jurisdiction (in the pattern of the core's `actions`), walked by `qingdan audit verify`.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { nextCounter } from '../../db/counters.ts';
import type { DB } from '../../db/schema.ts';
import type { ServiceLogTable } from '../../db/schema.services.ts';
import { chainHash, GENESIS_HASH } from '../../kernel/chain.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { AppContext } from '../../platform/context.ts';
import { flowRepository } from './flow.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Who acted: a person signed in, or the system (a scheduler, an adapter callback). */
export interface Actor {
  userId: string | null;
  name: string;
}

/** The actor of a principal. */
export function actorOf(p: Principal): Actor {
  return { userId: p.userId, name: p.displayName };
}

/** The system as an actor (timeouts, callbacks). */
export const SYSTEM_ACTOR: Actor = { userId: null, name: '系统' };

/** A state change (or a note) to append to a module's log. */
export interface LogInput {
  module: string;
  refId: string;
  action: string;
  from: string | null;
  to: string | null;
  actor: Actor;
  data?: unknown;
}

/** An entry of a module's log, as services return it. */
export interface LogEntry {
  id: string;
  seq: number;
  refId: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorName: string;
  data: Record<string, unknown>;
  at: string;
}

/** The fields of a log row that its hash covers. */
export function logHashRecord(
  r: Omit<Selectable<ServiceLogTable>, 'hash' | 'prev_hash'>,
): Record<string, unknown> {
  return {
    jurisdiction_id: r.jurisdiction_id,
    module: r.module,
    seq: Number(r.seq),
    id: r.id,
    ref_id: r.ref_id,
    action: r.action,
    from_status: r.from_status,
    to_status: r.to_status,
    actor_user_id: r.actor_user_id,
    actor_name: r.actor_name,
    data: r.data,
    created_at: r.created_at,
  };
}

/** Maps a log row. */
export function logEntryFromRow(r: Selectable<ServiceLogTable>): LogEntry {
  return {
    id: r.id,
    seq: Number(r.seq),
    refId: r.ref_id,
    action: r.action,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actorName: r.actor_name,
    data: JSON.parse(r.data) as Record<string, unknown>,
    at: r.created_at,
  };
}

/**
 * Appends an entry inside the caller's transaction. The counter's row lock serialises writers of one
 * module on PostgreSQL, so the chain never forks.
 */
export async function appendLog(clock: Clock, trx: Db, jid: string, e: LogInput): Promise<LogEntry> {
  const seq = await nextCounter(trx, jid, `log:${e.module}`);
  const prev =
    seq === 1 ? GENESIS_HASH : ((await flowRepository.hashAt(trx, jid, e.module, seq - 1)) ?? GENESIS_HASH);
  const record = {
    jurisdiction_id: jid,
    module: e.module,
    seq,
    id: uuidv7(),
    ref_id: e.refId,
    action: e.action,
    from_status: e.from,
    to_status: e.to,
    actor_user_id: e.actor.userId,
    actor_name: e.actor.name,
    data: JSON.stringify(e.data ?? {}),
    created_at: clock.now().toISOString(),
  };
  const row = { ...record, prev_hash: prev, hash: chainHash(prev, logHashRecord(record)) };
  await flowRepository.insert(trx, row);
  return logEntryFromRow(row);
}

/**
 * The number of a module's last log entry: a version of everything the module logs, for answers kept
 * until the module changes.
 */
export function lastLogSeq(db: Db, jid: string, module: string): Promise<number> {
  return flowRepository.lastSeq(db, jid, module);
}

/**
 * lastLogSeq for a cached answer's hot path: from a prepared statement where the dialect has one, else
 * one read shared by the requests of this turn of the event loop (each still sees every write committed
 * before it asked).
 */
export function moduleVersion(
  ctx: Pick<AppContext, 'db' | 'dialect' | 'cache'>,
  jid: string,
  module: string,
): Promise<number> {
  const fast = ctx.dialect.readDataVersion?.(jid, `log:${module}`);
  if (fast !== undefined) return Promise.resolve(fast);
  return ctx.cache.thisTurn(`flow.version|${module}|${jid}`, () => lastLogSeq(ctx.db, jid, module));
}

/**
 * A version of a module's log that leaves out the entries counted apart under `apart` (with countApart,
 * in the entry's transaction): the log's last entry number less that count. For a view that those
 * entries do not change, kept until one of the others is appended. The two counters are read together
 * (one statement, or the prepared reads of one turn of the event loop), so no write falls between them.
 * An entry not counted apart only moves the version, so a forgotten count never keeps a view stale.
 */
export function moduleVersionWithout(
  ctx: Pick<AppContext, 'db' | 'dialect' | 'cache'>,
  jid: string,
  module: string,
  apart: string,
): Promise<number> {
  const all = ctx.dialect.readDataVersion?.(jid, `log:${module}`);
  const off = all === undefined ? undefined : ctx.dialect.readDataVersion?.(jid, apart);
  if (all !== undefined && off !== undefined) return Promise.resolve(all - off);
  return ctx.cache.thisTurn(`flow.version|${module}|${apart}|${jid}`, async () => {
    const [a, o] = await flowRepository.counters(ctx.db, jid, [`log:${module}`, apart]);
    return a! - o!;
  });
}

/** Counts a log entry apart under `apart` (see moduleVersionWithout), in the entry's transaction. */
export async function countApart(trx: Db, jid: string, apart: string): Promise<void> {
  await nextCounter(trx, jid, apart);
}

/**
 * One version of everything several modules log: the sum of their last entry numbers, which moves with
 * any of their writes since each number only grows. For answers built from more than one module's data.
 */
export function logVersion(db: Db, jid: string, modules: readonly string[]): Promise<number> {
  return flowRepository.lastSeqSum(db, jid, modules);
}

/** One record's log, oldest first. */
export async function logOf(db: Db, jid: string, module: string, refId: string): Promise<LogEntry[]> {
  return (await flowRepository.forRef(db, jid, module, refId)).map(logEntryFromRow);
}

/** The first broken link of a chain, or null. */
export interface BrokenLink {
  module: string;
  seq: number;
  id: string;
  reason: string;
}

/** Walks every module's chain of a jurisdiction; counts the entries and names the first broken link. */
export async function verifyServiceLogs(
  db: Db,
  jid: string,
): Promise<{ checked: number; broken: BrokenLink | null }> {
  let checked = 0;
  for (const module of await flowRepository.modules(db, jid)) {
    let prev = GENESIS_HASH;
    let expected = 1;
    for (;;) {
      const rows = await flowRepository.page(db, jid, module, expected - 1, 5000);
      if (rows.length === 0) break;
      for (const r of rows) {
        const seq = Number(r.seq);
        const fail = (reason: string) => ({ checked, broken: { module, seq, id: r.id, reason } });
        if (seq !== expected)
          return fail(`sequence gap: expected ${expected}, found ${seq} (a record was deleted)`);
        if (r.prev_hash !== prev) return fail('prev_hash does not match the previous record');
        if (chainHash(prev, logHashRecord(r)) !== r.hash)
          return fail('content does not match its hash (the record was edited)');
        prev = r.hash;
        expected++;
        checked++;
      }
    }
  }
  return { checked, broken: null };
}
