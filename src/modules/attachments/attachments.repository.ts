import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AttachmentTable, DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of attachments. */
export const attachmentsRepository = {
  insert(db: Db, row: Selectable<AttachmentTable>) {
    return db.insertInto('attachments').values(row).execute();
  },
  find(db: Db, jurisdictionId: string, id: string) {
    return db
      .selectFrom('attachments')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  findMany(db: Db, jurisdictionId: string, ids: string[]) {
    return db
      .selectFrom('attachments')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', 'in', ids)
      .execute();
  },
  /** How many files the user uploaded since the given time that are still not linked to anything. */
  async countPending(db: Db, jurisdictionId: string, createdBy: string, since: string): Promise<number> {
    const r = await db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('created_by', '=', createdBy)
      .where('created_at', '>=', since)
      .where('problem_id', 'is', null)
      .where('action_id', 'is', null)
      .where('visit_id', 'is', null)
      .where('service_ref', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  ofProblem(db: Db, jurisdictionId: string, problemId: string) {
    return db
      .selectFrom('attachments')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', '=', problemId)
      .orderBy('created_at')
      .execute();
  },
  ofServiceRef(db: Db, jurisdictionId: string, ref: string) {
    return db
      .selectFrom('attachments')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('service_ref', '=', ref)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },
  takeForService(db: Db, jurisdictionId: string, ids: string[], ref: string) {
    return db
      .updateTable('attachments')
      .set({ service_ref: ref })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', 'in', ids)
      .where('service_ref', 'is', null)
      .execute();
  },
  link(
    db: Db,
    jurisdictionId: string,
    ids: string[],
    target: { problemId?: string; actionId?: string; visitId?: string },
  ) {
    return db
      .updateTable('attachments')
      .set({
        problem_id: target.problemId ?? null,
        action_id: target.actionId ?? null,
        visit_id: target.visitId ?? null,
      })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', 'in', ids)
      .execute();
  },
};
