import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { PUBLISHED_STATUSES } from '../modules/problems/index.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The SQL of the Open311 adapter: reads over problems and actions, and the batch tokens. */
export const open311Repository = {
  /**
   * The latest public change of each problem (its Open311 `status_notes` and `updated_datetime`): the
   * latest public action that is not a rating (the reporter's opinion changes nothing about the request),
   * only the columns needed, in the order of the (problem, seq) index.
   */
  async latestPublicChanges(db: Db, jurisdictionId: string, problemIds: string[]) {
    const out = new Map<string, { action: string; note: string | null; created_at: string }>();
    if (problemIds.length === 0) return out;
    const rows = await db
      .selectFrom('actions')
      .select(['problem_id', 'action', 'note', 'created_at'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', 'in', problemIds)
      .where('is_public', '=', 1)
      .where('action', '!=', 'rate')
      .orderBy('problem_id')
      .orderBy('seq')
      .execute();
    for (const r of rows) out.set(r.problem_id, r);
    return out;
  },

  /** The result summaries (办理结果) of the problems that have one. */
  async resultSummaries(db: Db, jurisdictionId: string, problemIds: string[]) {
    if (problemIds.length === 0) return new Map<string, string>();
    const rows = await db
      .selectFrom('results')
      .select(['problem_id', 'summary'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('problem_id', 'in', problemIds)
      .execute();
    return new Map(rows.map((r) => [r.problem_id, r.summary]));
  },

  /** Public actions after submission of published problems (mySociety's updates), in time order. */
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
      .where('actions.action', '!=', 'submit')
      .where('problems.status', 'in', PUBLISHED_STATUSES);
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

  /** Keeps the media_url a client sent with a request. */
  insertMedia(db: Db, jurisdictionId: string, problemId: string, mediaUrl: string, at: string) {
    return db
      .insertInto('open311_media')
      .values({ jurisdiction_id: jurisdictionId, problem_id: problemId, media_url: mediaUrl, created_at: at })
      .execute();
  },

  /** Records the photos of a multipart POST, in the order sent, as the request's published media. */
  insertPhotos(db: Db, jurisdictionId: string, problemId: string, attachmentIds: string[], at: string) {
    return db
      .insertInto('open311_photos')
      .values(
        attachmentIds.map((id, i) => ({
          jurisdiction_id: jurisdictionId,
          attachment_id: id,
          problem_id: problemId,
          position: i,
          created_at: at,
        })),
      )
      .execute();
  },

  /**
   * The media of each of the problems that have some: the media_url a client sent, else the attachment id
   * of the first photo it posted.
   */
  async media(db: Db, jurisdictionId: string, problemIds: string[]) {
    const out = new Map<string, { url: string } | { attachmentId: string }>();
    if (problemIds.length === 0) return out;
    const [urls, photos] = await Promise.all([
      db
        .selectFrom('open311_media')
        .select(['problem_id', 'media_url'])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', problemIds)
        .execute(),
      db
        .selectFrom('open311_photos')
        .select(['problem_id', 'attachment_id'])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', problemIds)
        .where('position', '=', 0)
        .execute(),
    ]);
    for (const r of photos) out.set(r.problem_id, { attachmentId: r.attachment_id });
    for (const r of urls) out.set(r.problem_id, { url: r.media_url });
    return out;
  },

  /** The problem a published photo belongs to, or undefined when the attachment is not one. */
  photoProblem(db: Db, jurisdictionId: string, attachmentId: string) {
    return db
      .selectFrom('open311_photos')
      .select('problem_id')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('attachment_id', '=', attachmentId)
      .executeTakeFirst();
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
