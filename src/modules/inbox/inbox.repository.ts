import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Principal } from '../../kernel/roles.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The notifications addressed to the caller: to him, to his units, or to one of his roles. */
function addressedTo(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'notifications'>) =>
    eb.or([
      ...(p.userId ? [eb('notifications.user_id', '=', p.userId)] : []),
      ...(p.unitIds.length ? [eb('notifications.unit_id', 'in', p.unitIds)] : []),
      ...(p.roles.length ? [eb('notifications.role', 'in', p.roles)] : []),
    ]);
}

/** SQL of the in-app inbox. Read state is per user: a notice to a unit or a role is read by each member. */
export const inboxRepository = {
  /** The caller's notifications, newest first, each with when he read it (null: unread). */
  list(db: Db, p: Principal, unreadOnly: boolean, limit: number) {
    let q = db
      .selectFrom('notifications')
      .leftJoin('notification_reads as r', (j) =>
        j
          .onRef('r.jurisdiction_id', '=', 'notifications.jurisdiction_id')
          .onRef('r.notification_id', '=', 'notifications.id')
          .on('r.user_id', '=', p.userId ?? ''),
      )
      .selectAll('notifications')
      .select('r.read_at as readByMe')
      .select((eb) =>
        eb
          .selectFrom('problems')
          .select('problems.number')
          .whereRef('problems.jurisdiction_id', '=', 'notifications.jurisdiction_id')
          .whereRef('problems.id', '=', 'notifications.problem_id')
          .as('problem_number'),
      )
      .where('notifications.jurisdiction_id', '=', p.jurisdictionId)
      .where(addressedTo(p));
    if (unreadOnly) q = q.where('r.read_at', 'is', null);
    return q.orderBy('notifications.created_at', 'desc').limit(limit).execute();
  },
  /** Marks one of the caller's notifications read by him; false when it is not his (or does not exist). */
  async markRead(db: Db, p: Principal, id: string, at: string) {
    if (!p.userId) return false;
    const own = await db
      .selectFrom('notifications')
      .select('id')
      .where('jurisdiction_id', '=', p.jurisdictionId)
      .where('id', '=', id)
      .where(addressedTo(p))
      .executeTakeFirst();
    if (!own) return false;
    await db
      .insertInto('notification_reads')
      .values({ jurisdiction_id: p.jurisdictionId, notification_id: id, user_id: p.userId, read_at: at })
      .onConflict((oc) => oc.columns(['jurisdiction_id', 'notification_id', 'user_id']).doNothing())
      .execute();
    return true;
  },
  /** How many of the caller's notifications he has not read. */
  async unreadCount(db: Db, p: Principal): Promise<number> {
    const r = await db
      .selectFrom('notifications')
      .leftJoin('notification_reads as r', (j) =>
        j
          .onRef('r.jurisdiction_id', '=', 'notifications.jurisdiction_id')
          .onRef('r.notification_id', '=', 'notifications.id')
          .on('r.user_id', '=', p.userId ?? ''),
      )
      .select((eb) => eb.fn.countAll().as('n'))
      .where('notifications.jurisdiction_id', '=', p.jurisdictionId)
      .where('r.read_at', 'is', null)
      .where(addressedTo(p))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },
  /** Marks all of the caller's unread notifications read by him; the number marked. */
  async markAllRead(db: Db, p: Principal, at: string): Promise<number> {
    if (!p.userId) return 0;
    const unread = await db
      .selectFrom('notifications')
      .leftJoin('notification_reads as r', (j) =>
        j
          .onRef('r.jurisdiction_id', '=', 'notifications.jurisdiction_id')
          .onRef('r.notification_id', '=', 'notifications.id')
          .on('r.user_id', '=', p.userId ?? ''),
      )
      .select('notifications.id')
      .where('notifications.jurisdiction_id', '=', p.jurisdictionId)
      .where('r.read_at', 'is', null)
      .where(addressedTo(p))
      .execute();
    for (let i = 0; i < unread.length; i += 500)
      await db
        .insertInto('notification_reads')
        .values(
          unread.slice(i, i + 500).map((n) => ({
            jurisdiction_id: p.jurisdictionId,
            notification_id: n.id,
            user_id: p.userId!,
            read_at: at,
          })),
        )
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'notification_id', 'user_id']).doNothing())
        .execute();
    return unread.length;
  },
};
