import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ActionTable, DB } from '../../db/schema.ts';
import { nextCounter } from '../../db/counters.ts';
import { chainHash, GENESIS_HASH } from '../../kernel/chain.ts';
import type { AppContext } from '../../platform/context.ts';
import { auditRepository } from './audit.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** An administrative change to record (users, roles, categories, rules, calendar, keys). */
export interface AuditEntry {
  kind: string;
  refId: string;
  actorUserId: string | null;
  summary: string;
  data: unknown;
}

/** Appends an entry to the audit chain, inside the caller's transaction. */
export async function recordAudit(
  ctx: AppContext,
  trx: Db,
  jurisdictionId: string,
  e: AuditEntry,
): Promise<void> {
  const seq = await nextCounter(trx, jurisdictionId, 'audit_seq');
  const prev =
    seq === 1
      ? GENESIS_HASH
      : ((await auditRepository.lastHash(trx, jurisdictionId, seq - 1)) ?? GENESIS_HASH);
  const record = {
    jurisdiction_id: jurisdictionId,
    seq,
    kind: e.kind,
    ref_id: e.refId,
    actor_user_id: e.actorUserId,
    summary: e.summary,
    data: JSON.stringify(e.data ?? {}),
    created_at: ctx.clock.now().toISOString(),
  };
  await auditRepository.insert(trx, { ...record, prev_hash: prev, hash: chainHash(prev, record) });
}

/** The fields of an action row that its hash covers (everything but the hashes themselves). */
export function actionHashRecord(
  r: Omit<Selectable<ActionTable>, 'hash' | 'prev_hash'>,
): Record<string, unknown> {
  return {
    jurisdiction_id: r.jurisdiction_id,
    id: r.id,
    problem_id: r.problem_id,
    seq: Number(r.seq),
    action: r.action,
    from_status: r.from_status,
    to_status: r.to_status,
    actor_user_id: r.actor_user_id,
    actor_name: r.actor_name,
    actor_unit_id: r.actor_unit_id,
    note: r.note,
    data: r.data,
    is_public: Number(r.is_public),
    created_at: r.created_at,
  };
}

/** The outcome of a verification: intact, or the first broken link. */
export interface VerifyReport {
  ok: boolean;
  checked: { actions: number; audit: number };
  broken?: { log: 'actions' | 'audit_log'; jurisdictionId: string; seq: number; id: string; reason: string };
}

/** Walks both chains of every jurisdiction and names the first broken link. */
export async function verifyChains(db: Db): Promise<VerifyReport> {
  const checked = { actions: 0, audit: 0 };
  for (const { id: jid } of await auditRepository.jurisdictionIds(db)) {
    for (const log of ['actions', 'audit_log'] as const) {
      let prev = GENESIS_HASH;
      let expectedSeq = 1;
      let after = 0;
      for (;;) {
        const rows =
          log === 'actions'
            ? await auditRepository.actionsPage(db, jid, after, 5000)
            : await auditRepository.page(db, jid, after, 5000);
        if (rows.length === 0) break;
        for (const r of rows) {
          const seq = Number(r.seq);
          const id = 'id' in r ? r.id : String(seq);
          const fail = (reason: string): VerifyReport => ({
            ok: false,
            checked,
            broken: { log, jurisdictionId: jid, seq, id, reason },
          });
          if (seq !== expectedSeq)
            return fail(`sequence gap: expected ${expectedSeq}, found ${seq} (a record was deleted)`);
          if (r.prev_hash !== prev) return fail('prev_hash does not match the previous record');
          const { hash, prev_hash: _p, ...rest } = r;
          const record =
            log === 'actions'
              ? actionHashRecord(rest as Omit<Selectable<ActionTable>, 'hash' | 'prev_hash'>)
              : { ...rest, seq };
          if (chainHash(prev, record) !== hash)
            return fail('content does not match its hash (the record was edited)');
          prev = hash;
          expectedSeq++;
          after = seq;
          if (log === 'actions') checked.actions++;
          else checked.audit++;
        }
      }
    }
  }
  return { ok: true, checked };
}
