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
  jurisdictionIds(db: Db) {
    return db.selectFrom('jurisdictions').select('id').execute();
  },
};
