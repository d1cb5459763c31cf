/** SQL of the hotline centre: calls taken, the follow-up queue and its calls. */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FollowUpCallTable, HotlineCallTable } from '../../db/schema.hotline.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type HotlineCallRow = Selectable<HotlineCallTable>;
export type FollowUpCallRow = Selectable<FollowUpCallTable>;

/** A call with the problem it became. */
export type CallWithProblem = HotlineCallRow & { number: string; title: string; status: string };

/** The follow-up queue's conditions: closed, not yet rated this round, with a number to call. */
function awaitingFollowUp(db: Db, jurisdictionId: string, maxTries: number) {
  return db
    .selectFrom('problems as p')
    .where('p.jurisdiction_id', '=', jurisdictionId)
    .where('p.status', '=', 'closed')
    .where('p.rating', 'is', null)
    .where('p.reporter_phone', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('follow_up_calls as d')
            .select('d.id')
            .whereRef('d.problem_id', '=', 'p.id')
            .where('d.jurisdiction_id', '=', jurisdictionId)
            .where('d.outcome', '=', 'declined')
            .whereRef('d.called_at', '>=', 'p.closed_at'),
        ),
      ),
    )
    .where(
      (eb) =>
        eb
          .selectFrom('follow_up_calls as f')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('f.problem_id', '=', 'p.id')
          .where('f.jurisdiction_id', '=', jurisdictionId)
          .where('f.outcome', '=', 'no_answer')
          .whereRef('f.called_at', '>=', 'p.closed_at'),
      '<',
      maxTries,
    );
}

/** SQL of the hotline centre. */
export const hotlineRepository = {
  /** Records a call taken. */
  async insertCall(db: Db, row: HotlineCallRow): Promise<void> {
    await db.insertInto('hotline_calls').values(row).execute();
  },
  /** The call that brought in a work order of the city platform, if any. */
  byCityOrder(db: Db, jurisdictionId: string, cityOrderNumber: string) {
    return db
      .selectFrom('hotline_calls')
      .select(['id', 'problem_id'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('city_order_number', '=', cityOrderNumber)
      .executeTakeFirst();
  },
  /** The calls from one number, newest first, with their problems. */
  callsFrom(db: Db, jurisdictionId: string, phone: string, limit: number): Promise<CallWithProblem[]> {
    return db
      .selectFrom('hotline_calls as c')
      .innerJoin('problems as p', (j) =>
        j.onRef('p.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('p.id', '=', 'c.problem_id'),
      )
      .selectAll('c')
      .select(['p.number', 'p.title', 'p.status'])
      .where('c.jurisdiction_id', '=', jurisdictionId)
      .where('c.caller_phone', '=', phone)
      .orderBy('c.called_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute();
  },
  /** The call a problem came from, if it came by phone. */
  callOf(db: Db, jurisdictionId: string, problemId: string): Promise<CallWithProblem | undefined> {
    return db
      .selectFrom('hotline_calls as c')
      .innerJoin('problems as p', (j) =>
        j.onRef('p.jurisdiction_id', '=', 'c.jurisdiction_id').onRef('p.id', '=', 'c.problem_id'),
      )
      .selectAll('c')
      .select(['p.number', 'p.title', 'p.status'])
      .where('c.jurisdiction_id', '=', jurisdictionId)
      .where('c.problem_id', '=', problemId)
      .executeTakeFirst();
  },
  /** One page of the follow-up queue, longest waiting first, and its total. */
  async followUpQueue(db: Db, jurisdictionId: string, maxTries: number, offset: number, limit: number) {
    const rows = await awaitingFollowUp(db, jurisdictionId, maxTries)
      .select([
        'p.id',
        'p.number',
        'p.title',
        'p.channel',
        'p.closed_at',
        'p.reporter_name',
        'p.reporter_phone',
        'p.lead_unit_id',
      ])
      .orderBy('p.closed_at')
      .orderBy('p.id')
      .offset(offset)
      .limit(limit)
      .execute();
    const total = await awaitingFollowUp(db, jurisdictionId, maxTries)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return { rows, total: Number(total.n) };
  },
  /** Whether the problem is in the follow-up queue now. */
  async awaits(db: Db, jurisdictionId: string, problemId: string, maxTries: number): Promise<boolean> {
    const r = await awaitingFollowUp(db, jurisdictionId, maxTries)
      .where('p.id', '=', problemId)
      .select(sql<number>`1`.as('one'))
      .executeTakeFirst();
    return !!r;
  },
  /** The follow-up calls of these problems since their last closure, oldest first. */
  callsOfProblems(db: Db, jurisdictionId: string, problemIds: string[]): Promise<FollowUpCallRow[]> {
    if (problemIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('follow_up_calls')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', 'in', problemIds)
      .orderBy('called_at')
      .orderBy('id')
      .execute();
  },
  /** Records a follow-up call. */
  async insertFollowUp(db: Db, row: FollowUpCallRow): Promise<void> {
    await db.insertInto('follow_up_calls').values(row).execute();
  },
};
