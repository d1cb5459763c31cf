import type { Kysely, Transaction } from 'kysely';
import type { AuditTable, DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of the administrative audit log and of reading the action log for verification. */
export const auditRepository = {
  async lastHash(db: Db, jurisdictionId: string, seq: number): Promise<string | undefined> {
    const r = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return r?.hash;
  },
  insert(db: Db, row: AuditTable) {
    return db.insertInto('audit_log').values(row).execute();
  },
  /** Streams a jurisdiction's audit log in order, in pages. */
  page(db: Db, jurisdictionId: string, afterSeq: number, limit: number) {
    return db
      .selectFrom('audit_log')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  },
  actionsPage(db: Db, jurisdictionId: string, afterSeq: number, limit: number) {
    return db
      .selectFrom('actions')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  },
  /** The value of a named counter (0 when it was never taken). */
  async counter(db: Db, jurisdictionId: string, name: string): Promise<number> {
    const r = await db
      .selectFrom('counters')
      .select('value')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(r?.value ?? 0);
  },
  /** The last sequence number and hash of a jurisdiction's chain, or null when it is empty. */
  async head(db: Db, jurisdictionId: string, log: 'actions' | 'audit_log') {
    const r = await db
      .selectFrom(log)
      .select(['seq', 'hash'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? { seq: Number(r.seq), hash: r.hash } : null;
  },
  /** The columns of every user that his grant digest covers. */
  userGrants(db: Db, jurisdictionId: string) {
    return db
      .selectFrom('users')
      .select(['id', 'username', 'roles', 'scope_kind', 'scope_ref', 'unit_id', 'active', 'password_hash'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .orderBy('username')
      .execute();
  },
  /** The grant digest the audit log recorded last for each user (entries that carry one). */
  async lastGrants(db: Db, jurisdictionId: string): Promise<Map<string, string>> {
    const rows = await db
      .selectFrom('audit_log')
      .select(['ref_id', 'data'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('kind', 'like', 'user.%')
      .orderBy('seq')
      .execute();
    const out = new Map<string, string>();
    for (const r of rows) {
      const grant = (JSON.parse(r.data) as { grant?: unknown }).grant;
      if (typeof grant === 'string') out.set(r.ref_id, grant);
    }
    return out;
  },
  jurisdictionIds(db: Db) {
    return db.selectFrom('jurisdictions').select('id').execute();
  },
};
