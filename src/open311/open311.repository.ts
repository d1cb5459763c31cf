import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { applyFilters, type FilterContext } from '../modules/problems/index.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The SQL of the Open311 adapter: reads over problems and actions, and the batch tokens. */
export const open311Repository = {
  /** Problems by number or id (Open311 `service_request_id`), within the filter context's jurisdiction. */
  requestsByIds(db: Db, fc: FilterContext, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return applyFilters(db.selectFrom('problems'), fc)
      .selectAll('problems')
      .where((eb) => eb.or([eb('problems.number', 'in', ids), eb('problems.id', 'in', ids)]))
      .orderBy('problems.created_at', 'desc')
      .orderBy('problems.id', 'desc')
      .execute();
  },

  /** Public actions after submission (the updates of mySociety's extension), in time order. */
  updates(
    db: Db,
    jurisdictionId: string,
    opts: { from?: string; to?: string; ids?: string[]; limit: number; offset: number },
  ) {
    let q = db
      .selectFrom('actions')
      .innerJoin('problems', (j) =>
        j
          .onRef('problems.id', '=', 'actions.problem_id')
          .onRef('problems.jurisdiction_id', '=', 'actions.jurisdiction_id'),
      )
      .select([
        'actions.id',
        'actions.action',
        'actions.note',
        'actions.to_status',
        'actions.created_at',
        'problems.number',
        'problems.id as problem_id',
      ])
      .where('actions.jurisdiction_id', '=', jurisdictionId)
      .where('actions.is_public', '=', 1)
      .where('actions.action', '!=', 'submit');
    if (opts.from) q = q.where('actions.created_at', '>=', opts.from);
    if (opts.to) q = q.where('actions.created_at', '<', opts.to);
    const ids = opts.ids;
    if (ids?.length)
      q = q.where((eb) => eb.or([eb('problems.number', 'in', ids), eb('problems.id', 'in', ids)]));
    return q
      .orderBy('actions.created_at')
      .orderBy('actions.seq')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
  },

  /** When the service catalogue last changed: the latest category change, else the jurisdiction's creation. */
  async catalogueChangedAt(db: Db, jurisdictionId: string): Promise<string | null> {
    const audit = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('kind', 'like', 'category.%')
      .executeTakeFirst();
    if (audit?.at) return String(audit.at);
    const j = await db
      .selectFrom('jurisdictions')
      .select('created_at')
      .where('id', '=', jurisdictionId)
      .executeTakeFirst();
    return j?.created_at ?? null;
  },

  /** Reserves a batch token before its problem exists. */
  insertToken(db: Db, jurisdictionId: string, token: string, at: string) {
    return db
      .insertInto('open311_tokens')
      .values({ jurisdiction_id: jurisdictionId, token, problem_id: null, created_at: at })
      .execute();
  },

  /** Points a token at the problem created for it. */
  setTokenProblem(db: Db, jurisdictionId: string, token: string, problemId: string) {
    return db
      .updateTable('open311_tokens')
      .set({ problem_id: problemId })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('token', '=', token)
      .execute();
  },

  /** Drops a token whose problem could not be created. */
  deleteToken(db: Db, jurisdictionId: string, token: string) {
    return db
      .deleteFrom('open311_tokens')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('token', '=', token)
      .execute();
  },

  /** A token and the number of the problem it stands for, if created. */
  findToken(db: Db, jurisdictionId: string, token: string) {
    return db
      .selectFrom('open311_tokens')
      .leftJoin('problems', (j) =>
        j
          .onRef('problems.id', '=', 'open311_tokens.problem_id')
          .onRef('problems.jurisdiction_id', '=', 'open311_tokens.jurisdiction_id'),
      )
      .select(['open311_tokens.token', 'open311_tokens.problem_id', 'problems.number'])
      .where('open311_tokens.jurisdiction_id', '=', jurisdictionId)
      .where('open311_tokens.token', '=', token)
      .executeTakeFirst();
  },
};
