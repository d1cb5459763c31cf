import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, NoticeTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Which notices a list asks for. */
export interface NoticeFilter {
  statuses: string[];
  /** Published notices past this instant are left out (they are expired, whether or not the scan ran). */
  liveAt?: string;
  audience?: { townships: string[]; villages: string[]; groups: string[] };
  kind?: string;
  channel?: string;
}

/** SQL of public notices. */
export const noticesRepository = {
  notice(db: Db, jid: string, id: string) {
    return db
      .selectFrom('notices')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insert(db: Db, row: Insertable<NoticeTable>) {
    return db.insertInto('notices').values(row).execute();
  },
  async update(db: Db, jid: string, id: string, version: number, patch: Record<string, unknown>) {
    const r = await db
      .updateTable('notices')
      .set({ ...patch, version: version + 1 })
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  list(db: Db, jid: string, f: NoticeFilter, limit: number, offset: number) {
    let q = db.selectFrom('notices').where('jurisdiction_id', '=', jid).where('status', 'in', f.statuses);
    if (f.liveAt) {
      const at = f.liveAt;
      q = q.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]));
    }
    if (f.kind) q = q.where('kind', '=', f.kind);
    // Channels are a JSON array of known words: a quoted word matches exactly one of them.
    if (f.channel) q = q.where('channels', 'like', `%"${f.channel}"%`);
    const a = f.audience;
    if (a)
      q = q.where((eb) =>
        eb.or([
          eb('audience_kind', '=', 'jurisdiction'),
          ...(a.townships.length
            ? [eb.and([eb('audience_kind', '=', 'township'), eb('audience_ref', 'in', a.townships)])]
            : []),
          ...(a.villages.length
            ? [eb.and([eb('audience_kind', '=', 'village'), eb('audience_ref', 'in', a.villages)])]
            : []),
          ...(a.groups.length
            ? [eb.and([eb('audience_kind', '=', 'group'), eb('audience_ref', 'in', a.groups)])]
            : []),
        ]),
      );
    return Promise.all([
      q
        .selectAll()
        .orderBy('published_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
  },
  /** Published notices whose expiry passed. */
  due(db: Db, jid: string, at: string) {
    return db
      .selectFrom('notices')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('status', '=', 'published')
      .where('expires_at', '<=', at)
      .orderBy('id')
      .execute();
  },
  /** Phones of the registry's persons in an audience (at most `limit`). */
  async phones(
    db: Db,
    jid: string,
    audience: { kind: string; ref: string | null },
    limit: number,
  ): Promise<string[]> {
    let q = db
      .selectFrom('persons')
      .select('phone')
      .distinct()
      .where('jurisdiction_id', '=', jid)
      .where('phone', 'is not', null);
    if (audience.kind === 'township' || audience.kind === 'village')
      q = q.where('village_code', 'like', `${audience.ref ?? ''}%`);
    if (audience.kind === 'group') q = q.where('tags', 'like', `%"${audience.ref ?? ''}"%`);
    const rows = await q.orderBy('phone').limit(limit).execute();
    return rows.map((r) => r.phone!);
  },
};
