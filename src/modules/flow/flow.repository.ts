import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ServiceLogTable } from '../../db/schema.services.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of the service modules' action logs. */
export const flowRepository = {
  /** The hash of one entry of a module's chain. */
  async hashAt(db: Db, jid: string, module: string, seq: number): Promise<string | undefined> {
    const r = await db
      .selectFrom('service_log')
      .select('hash')
      .where('jurisdiction_id', '=', jid)
      .where('module', '=', module)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return r?.hash;
  },
  /** Several counters of a jurisdiction read in one statement, in the order named (0 for one not yet taken). */
  async counters(db: Db, jid: string, names: readonly string[]): Promise<number[]> {
    const rows = await db
      .selectFrom('counters')
      .select(['name', 'value'])
      .where('jurisdiction_id', '=', jid)
      .where('name', 'in', names)
      .execute();
    const byName = new Map(rows.map((r) => [r.name, Number(r.value)]));
    return names.map((n) => byName.get(n) ?? 0);
  },
  /** The number of a module's last entry (its counter, which appending moves in the same transaction), 0 for none. */
  async lastSeq(db: Db, jid: string, module: string): Promise<number> {
    const [seq] = await this.counters(db, jid, [`log:${module}`]);
    return seq!;
  },
  /** The sum of several modules' last entry numbers (each only grows, so the sum moves with any of them). */
  async lastSeqSum(db: Db, jid: string, modules: readonly string[]): Promise<number> {
    const seqs = await this.counters(
      db,
      jid,
      modules.map((m) => `log:${m}`),
    );
    return seqs.reduce((sum, n) => sum + n, 0);
  },
  insert(db: Db, row: ServiceLogTable) {
    return db.insertInto('service_log').values(row).execute();
  },
  /** One record's entries, oldest first. */
  forRef(db: Db, jid: string, module: string, refId: string) {
    return db
      .selectFrom('service_log')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('module', '=', module)
      .where('ref_id', '=', refId)
      .orderBy('seq')
      .execute();
  },
  /** The modules that have a log in a jurisdiction. */
  async modules(db: Db, jid: string): Promise<string[]> {
    const rows = await db
      .selectFrom('service_log')
      .select('module')
      .distinct()
      .where('jurisdiction_id', '=', jid)
      .orderBy('module')
      .execute();
    return rows.map((r) => r.module);
  },
  /** A module's chain in order, in pages. */
  page(db: Db, jid: string, module: string, afterSeq: number, limit: number) {
    return db
      .selectFrom('service_log')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('module', '=', module)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  },
};
