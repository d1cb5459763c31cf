import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ActionTable, DB } from '../../db/schema.ts';
import { nextCounter } from '../../db/counters.ts';
import { chainHash, GENESIS_HASH } from '../../kernel/chain.ts';
import type { AppContext } from '../../platform/context.ts';
import type { FieldCipher } from '../../kernel/secrets.ts';
import { auditRepository } from './audit.repository.ts';
import { readCheckpoints } from './audit.checkpoints.ts';
import { userGrantDigest } from './audit.grants.ts';
import { verifyServiceLogs } from '../flow/index.ts';
import { verifyEntitlements } from '../entitlements/index.ts';

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
  checked: {
    actions: number;
    audit: number;
    users: number;
    checkpoints: number;
    serviceLog: number;
    entitlements: number;
  };
  broken?: {
    log: 'actions' | 'audit_log' | 'users' | 'checkpoints' | 'service_log' | 'entitlement_entries';
    jurisdictionId: string;
    seq: number;
    id: string;
    reason: string;
  };
  /** Things to look at that do not prove tampering (no checkpoint written yet, say). */
  warnings: string[];
}

/** Where `audit verify` finds the signed checkpoints, and the keys that signed them. */
export interface CheckpointSource {
  file: string;
  cipher: FieldCipher;
}

/**
 * Verifies every jurisdiction: each chain link by link; each chain's length against its counter (the last
 * records cannot be cut off); each signed checkpoint against the record at its sequence (a chain recomputed
 * after an edit no longer matches the head that was signed outside the database); and each user's grant
 * (roles, scope, unit, activity, password) against the last digest the administrative chain recorded for
 * him; then the resident services' action logs and entitlement chains. Names the first thing that does not
 * hold.
 */
export async function verifyChains(db: Db, checkpoints?: CheckpointSource): Promise<VerifyReport> {
  const checked = { actions: 0, audit: 0, users: 0, checkpoints: 0, serviceLog: 0, entitlements: 0 };
  const warnings: string[] = [];
  const signed = checkpoints ? readCheckpoints(checkpoints.file, checkpoints.cipher) : null;
  const fail = (broken: NonNullable<VerifyReport['broken']>): VerifyReport => ({
    ok: false,
    checked,
    broken,
    warnings,
  });
  if (signed?.forged) {
    const f = signed.forged;
    return fail({
      log: 'checkpoints',
      jurisdictionId: f.jurisdictionId,
      seq: f.line,
      id: String(f.line),
      reason: f.reason,
    });
  }
  for (const { id: jid } of await auditRepository.jurisdictionIds(db)) {
    for (const log of ['actions', 'audit_log'] as const) {
      const hashes = new Map<number, string>();
      const wanted = new Set(
        (signed?.entries ?? []).filter((c) => c.jurisdictionId === jid && c.log === log).map((c) => c.seq),
      );
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
          const broken = (reason: string) => fail({ log, jurisdictionId: jid, seq, id, reason });
          if (seq !== expectedSeq)
            return broken(`sequence gap: expected ${expectedSeq}, found ${seq} (a record was deleted)`);
          if (r.prev_hash !== prev) return broken('prev_hash does not match the previous record');
          const { hash, prev_hash: _p, ...rest } = r;
          const record =
            log === 'actions'
              ? actionHashRecord(rest as Omit<Selectable<ActionTable>, 'hash' | 'prev_hash'>)
              : { ...rest, seq };
          if (chainHash(prev, record) !== hash)
            return broken('content does not match its hash (the record was edited)');
          if (wanted.has(seq)) hashes.set(seq, hash);
          prev = hash;
          expectedSeq++;
          after = seq;
          if (log === 'actions') checked.actions++;
          else checked.audit++;
        }
      }
      const last = expectedSeq - 1;
      const counter = await auditRepository.counter(db, jid, log === 'actions' ? 'action_seq' : 'audit_seq');
      if (counter > last)
        return fail({
          log,
          jurisdictionId: jid,
          seq: last + 1,
          id: String(last + 1),
          reason: `the chain ends at ${last} but ${counter} records were written (the last ${counter - last} were deleted)`,
        });
      for (const c of (signed?.entries ?? []).filter((x) => x.jurisdictionId === jid && x.log === log)) {
        checked.checkpoints++;
        if (c.seq > last)
          return fail({
            log,
            jurisdictionId: jid,
            seq: c.seq,
            id: String(c.seq),
            reason: `a checkpoint signed at ${c.at} saw record ${c.seq}, the chain now ends at ${last} (records were deleted)`,
          });
        if (hashes.get(c.seq) !== c.hash)
          return fail({
            log,
            jurisdictionId: jid,
            seq: c.seq,
            id: String(c.seq),
            reason: `record ${c.seq} differs from the head signed at ${c.at} (the chain was rewritten)`,
          });
      }
      if (signed && last > 0 && !signed.entries.some((c) => c.jurisdictionId === jid && c.log === log))
        warnings.push(`${jid} ${log}: no signed checkpoint yet (run \`qingdan audit checkpoint\`)`);
    }
    const grants = await auditRepository.lastGrants(db, jid);
    for (const u of await auditRepository.userGrants(db, jid)) {
      checked.users++;
      const recorded = grants.get(u.id);
      const reason =
        recorded === undefined
          ? 'no record of this account in the audit log (created outside the application)'
          : recorded !== userGrantDigest(u)
            ? 'roles, scope, activity or password differ from the audit log (changed outside the application)'
            : null;
      if (reason) return fail({ log: 'users', jurisdictionId: jid, seq: 0, id: u.username, reason });
    }
    const logs = await verifyServiceLogs(db, jid);
    checked.serviceLog += logs.checked;
    if (logs.broken)
      return fail({
        log: 'service_log',
        jurisdictionId: jid,
        seq: logs.broken.seq,
        id: logs.broken.id,
        reason: `${logs.broken.module}: ${logs.broken.reason}`,
      });
    const ledger = await verifyEntitlements(db, jid);
    checked.entitlements += ledger.checked;
    if (ledger.broken)
      return fail({
        log: 'entitlement_entries',
        jurisdictionId: jid,
        seq: ledger.broken.seq,
        id: ledger.broken.id,
        reason: `account ${ledger.broken.accountId}: ${ledger.broken.reason}`,
      });
  }
  return { ok: true, checked, warnings };
}
