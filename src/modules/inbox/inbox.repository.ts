import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Principal } from '../../kernel/roles.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The notifications addressed to the caller: to him, to his units, or to one of his roles. */
function addressedTo(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'notifications'>) =>
    eb.or([
      ...(p.userId ? [eb('user_id', '=', p.userId)] : []),
      ...(p.unitIds.length ? [eb('unit_id', 'in', p.unitIds)] : []),
      ...(p.roles.length ? [eb('role', 'in', p.roles)] : []),
    ]);
}

/** SQL of the in-app inbox and of public notices. */
export const inboxRepository = {
  /** The caller's notifications, newest first. */
  list(db: Db, p: Principal, unreadOnly: boolean, limit: number) {
    let q = db
      .selectFrom('notifications')
      .selectAll()
      .where('jurisdiction_id', '=', p.jurisdictionId)
      .where(addressedTo(p));
    if (unreadOnly) q = q.where('read_at', 'is', null);
    return q.orderBy('created_at', 'desc').limit(limit).execute();
  },
  /** Marks one of the caller's notifications read; false when it is not his (or does not exist). */
  async markRead(db: Db, p: Principal, id: string, at: string) {
    const r = await db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('jurisdiction_id', '=', p.jurisdictionId)
      .where('id', '=', id)
      .where(addressedTo(p))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
};
