import { CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  JobsApplicationTable,
  JobsEmployerTable,
  JobsPostingTable,
  JobsWorkerTable,
} from '../../db/schema.jobs.ts';
import type { BoundingBox } from '../../kernel/geo.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The columns a posting is shown from (postingFromRow reads no others). */
export const POSTING_VIEW_COLUMNS = [
  'jurisdiction_id',
  'id',
  'employer_id',
  'title',
  'description',
  'kind',
  'occupation_code',
  'headcount',
  'filled',
  'wage_fen',
  'wage_unit',
  'village_code',
  'address',
  'lat',
  'lng',
  'station_id',
  'valid_from',
  'valid_through',
  'reconfirm_due_at',
  'status',
  'posted_via',
  'opened_at',
] as const;
export type PostingView = Pick<Selectable<JobsPostingTable>, (typeof POSTING_VIEW_COLUMNS)[number]>;

/** The columns a map item is made from. */
const MAP_ITEM_COLUMNS = [
  'id',
  'title',
  'kind',
  'occupation_code',
  'wage_fen',
  'wage_unit',
  'village_code',
  'lat',
  'lng',
  'valid_through',
] as const;

/** A posting of the map's page with its employer's name (null where the employer is gone). */
export type MapItemRow = Pick<Selectable<JobsPostingTable>, (typeof MAP_ITEM_COLUMNS)[number]> & {
  employer_name: string | null;
};

type Table = 'jobs_employers' | 'jobs_postings' | 'jobs_workers' | 'jobs_applications';

/** Updates a row if it still has `version` (optimistic lock); false when someone changed it first. */
async function updateVersioned<T extends Table>(
  db: Db,
  table: T,
  jid: string,
  id: string,
  version: number,
  patch: Record<string, unknown>,
): Promise<boolean> {
  const r = await (db as Kysely<DB>)
    .updateTable(table as 'jobs_postings')
    .set({ ...patch, version: version + 1 } as never)
    .where('jurisdiction_id', '=', jid)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** SQL of the jobs module. */
export const jobsRepository = {
  update: updateVersioned,

  employer(db: Db, jid: string, id: string) {
    return db
      .selectFrom('jobs_employers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  employerByUscc(db: Db, jid: string, uscc: string) {
    return db
      .selectFrom('jobs_employers')
      .select('id')
      .where('jurisdiction_id', '=', jid)
      .where('uscc', '=', uscc)
      .executeTakeFirst();
  },
  employersOfOwner(db: Db, jid: string, userId: string) {
    return db
      .selectFrom('jobs_employers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('owner_user_id', '=', userId)
      .orderBy('id')
      .execute();
  },
  insertEmployer(db: Db, row: JobsEmployerTable) {
    return db.insertInto('jobs_employers').values(row).execute();
  },
  employers(
    db: Db,
    jid: string,
    f: { status?: string; ownerUserId?: string },
    limit: number,
    offset: number,
  ) {
    let q = db.selectFrom('jobs_employers').where('jurisdiction_id', '=', jid);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.ownerUserId) q = q.where('owner_user_id', '=', f.ownerUserId);
    return Promise.all([
      q.selectAll().orderBy('id').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  employersByIds(db: Db, jid: string, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('jobs_employers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', 'in', ids)
      .execute();
  },

  posting(db: Db, jid: string, id: string) {
    return db
      .selectFrom('jobs_postings')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  postingsByIds(db: Db, jid: string, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('jobs_postings')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', 'in', ids)
      .execute();
  },
  /**
   * The postings of one page of the map by id, the columns a map item shows with its employer's name, in
   * one statement compiled once per number of ids (the SQL text then finds the database's prepared
   * statement).
   */
  async mapPage(db: Db, jid: string, ids: string[], sqlOf: Map<number, string>) {
    if (ids.length === 0) return [];
    let text = sqlOf.get(ids.length);
    if (text === undefined) {
      text = db
        .selectFrom('jobs_postings as p')
        .leftJoin('jobs_employers as e', (j) =>
          j.onRef('e.jurisdiction_id', '=', 'p.jurisdiction_id').onRef('e.id', '=', 'p.employer_id'),
        )
        .select(MAP_ITEM_COLUMNS.map((c) => `p.${c}` as const))
        .select('e.name as employer_name')
        .where('p.jurisdiction_id', '=', jid)
        .where('p.id', 'in', ids)
        .compile().sql;
      sqlOf.set(ids.length, text);
    }
    const r = await db.executeQuery<MapItemRow>(CompiledQuery.raw(text, [jid, ...ids]));
    return r.rows;
  },
  insertPosting(db: Db, row: JobsPostingTable) {
    return db.insertInto('jobs_postings').values(row).execute();
  },
  /** Open postings whose point lies in the box: only what the distance needs, read from the geo index. */
  openInBox(db: Db, jid: string, box: BoundingBox, now: string) {
    return db
      .selectFrom('jobs_postings')
      .select(['id', 'lat', 'lng'])
      .where('jurisdiction_id', '=', jid)
      .where('status', '=', 'open')
      .where('lat', '>=', box.minLat)
      .where('lat', '<=', box.maxLat)
      .where('lng', '>=', box.minLng)
      .where('lng', '<=', box.maxLng)
      .where('valid_through', '>', now)
      .where((eb) => eb.or([eb('reconfirm_due_at', 'is', null), eb('reconfirm_due_at', '>', now)]))
      .execute();
  },
  /**
   * Every open posting of the jurisdiction as the map's grid holds it: its point, the two times that decide
   * when it lapses, and the two columns the map filters by, all read from one index (migration 0046).
   */
  openPoints(db: Db, jid: string) {
    return db
      .selectFrom('jobs_postings')
      .select(['id', 'lat', 'lng', 'valid_through', 'reconfirm_due_at', 'kind', 'occupation_code'])
      .where('jurisdiction_id', '=', jid)
      .where('status', '=', 'open')
      .execute();
  },
  postings(
    db: Db,
    jid: string,
    f: { statuses?: readonly string[]; employerIds?: string[]; kind?: string; occupation?: string },
    limit: number,
    afterId: string | null,
  ) {
    let q = db.selectFrom('jobs_postings').where('jurisdiction_id', '=', jid);
    if (f.statuses) q = q.where('status', 'in', f.statuses);
    if (f.employerIds)
      q = f.employerIds.length ? q.where('employer_id', 'in', f.employerIds) : q.where((eb) => eb.lit(false));
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.occupation) q = q.where('occupation_code', '=', f.occupation);
    const page = (afterId ? q.where('id', '<', afterId) : q)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit + 1);
    return Promise.all([
      page.execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  postingByToken(db: Db, jid: string, tokenHash: string) {
    return db
      .selectFrom('jobs_postings')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('reconfirm_token_hash', '=', tokenHash)
      .executeTakeFirst();
  },
  /** Open postings whose reconfirmation falls due before `until` (lapsed ones and those to remind). */
  openDueBefore(db: Db, jid: string, until: string) {
    return db
      .selectFrom('jobs_postings')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('reconfirm_due_at', '<=', until), eb('valid_through', '<=', until)]))
      .orderBy('id')
      .execute();
  },

  worker(db: Db, jid: string, id: string) {
    return db
      .selectFrom('jobs_workers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  workerByUser(db: Db, jid: string, userId: string) {
    return db
      .selectFrom('jobs_workers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  },
  workerByPerson(db: Db, jid: string, personId: string) {
    return db
      .selectFrom('jobs_workers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('person_id', '=', personId)
      .executeTakeFirst();
  },
  insertWorker(db: Db, row: JobsWorkerTable) {
    return db.insertInto('jobs_workers').values(row).execute();
  },
  workers(db: Db, jid: string, limit: number, afterId: string | null) {
    const q = db.selectFrom('jobs_workers').where('jurisdiction_id', '=', jid);
    return Promise.all([
      (afterId ? q.where('id', '<', afterId) : q)
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  allWorkers(db: Db, jid: string) {
    return db
      .selectFrom('jobs_workers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .orderBy('id')
      .execute();
  },

  application(db: Db, jid: string, id: string) {
    return db
      .selectFrom('jobs_applications')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertApplication(db: Db, row: JobsApplicationTable) {
    return db.insertInto('jobs_applications').values(row).execute();
  },
  applicationOf(db: Db, jid: string, postingId: string, workerId: string) {
    return db
      .selectFrom('jobs_applications')
      .select(['id', 'status'])
      .where('jurisdiction_id', '=', jid)
      .where('posting_id', '=', postingId)
      .where('worker_id', '=', workerId)
      .executeTakeFirst();
  },
  applications(
    db: Db,
    jid: string,
    f: { workerId?: string; postingIds?: string[]; status?: string },
    limit: number,
    afterId: string | null,
  ) {
    let q = db.selectFrom('jobs_applications').where('jurisdiction_id', '=', jid);
    if (f.workerId) q = q.where('worker_id', '=', f.workerId);
    if (f.postingIds)
      q = f.postingIds.length ? q.where('posting_id', 'in', f.postingIds) : q.where((eb) => eb.lit(false));
    if (f.status) q = q.where('status', '=', f.status);
    return Promise.all([
      (afterId ? q.where('id', '<', afterId) : q)
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  async countHolding(db: Db, jid: string, postingId: string, statuses: readonly string[]): Promise<number> {
    const r = await db
      .selectFrom('jobs_applications')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('jurisdiction_id', '=', jid)
      .where('posting_id', '=', postingId)
      .where('status', 'in', statuses)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /** Completed applications whose pay deadline passed without a problem raised. */
  unpaidDue(db: Db, jid: string, now: string) {
    return db
      .selectFrom('jobs_applications')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('status', '=', 'completed')
      .where('pay_due_at', '<=', now)
      .where('problem_id', 'is', null)
      .orderBy('id')
      .execute();
  },

  stations(db: Db, jid: string) {
    return db
      .selectFrom('jobs_stations')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .orderBy('role')
      .orderBy('township_code')
      .execute();
  },
  insertStation(
    db: Db,
    row: {
      jurisdiction_id: string;
      place_id: string;
      role: string;
      township_code: string;
      created_at: string;
    },
  ) {
    return db.insertInto('jobs_stations').values(row).execute();
  },
  async stationsOfStaff(db: Db, jid: string, userId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('jobs_station_staff')
      .select('place_id')
      .where('jurisdiction_id', '=', jid)
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.place_id);
  },
  insertStaff(
    db: Db,
    row: { jurisdiction_id: string; place_id: string; user_id: string; created_at: string },
  ) {
    return db.insertInto('jobs_station_staff').values(row).execute();
  },
  insertVisit(
    db: Db,
    row: {
      jurisdiction_id: string;
      id: string;
      place_id: string;
      worker_id: string | null;
      purpose: string;
      recorded_by: string | null;
      created_at: string;
    },
  ) {
    return db.insertInto('jobs_station_visits').values(row).execute();
  },
};

/** SQL of the jobs KPIs: light columns of whole tables, counted in the service. */
export const jobsKpiRepository = {
  workers(db: Db, jid: string) {
    return db
      .selectFrom('jobs_workers')
      .select(['id', 'priority_groups', 'created_at', 'registered_via'])
      .where('jurisdiction_id', '=', jid)
      .execute();
  },
  employerCounts(db: Db, jid: string) {
    return db
      .selectFrom('jobs_employers')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('jurisdiction_id', '=', jid)
      .groupBy('status')
      .execute();
  },
  postingCounts(db: Db, jid: string) {
    return db
      .selectFrom('jobs_postings')
      .select([
        'status',
        (eb) => eb.fn.countAll<number | string>().as('n'),
        (eb) => eb.fn.sum<number | string>('headcount').as('heads'),
        (eb) => eb.fn.sum<number | string>('filled').as('filled'),
      ])
      .where('jurisdiction_id', '=', jid)
      .groupBy('status')
      .execute();
  },
  applications(db: Db, jid: string) {
    return db
      .selectFrom('jobs_applications')
      .select([
        'worker_id',
        'status',
        'created_at',
        'completed_at',
        'paid_at',
        'problem_id',
        'disputed_at',
        'resolved_at',
        'worker_amount_fen',
        'employer_amount_fen',
      ])
      .where('jurisdiction_id', '=', jid)
      .execute();
  },
  visitCounts(db: Db, jid: string) {
    return db
      .selectFrom('jobs_station_visits')
      .select(['place_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('jurisdiction_id', '=', jid)
      .groupBy('place_id')
      .execute();
  },
};
