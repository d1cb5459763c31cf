/** SQL of the routing suggestion and of similar problems: the records they learn from and compare with. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { boundingBox } from '../../kernel/geo.ts';
import { MERGE_TARGET_STATUSES } from './problems.lifecycle.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of matching problems to units and to each other. */
export const matchingRepository = {
  /** The latest closed problems with the unit that led them: what the routing suggestion learns from. */
  closedWithUnit(db: Db, jurisdictionId: string, limit: number) {
    return db
      .selectFrom('problems')
      .select(['id', 'title', 'description', 'category_code', 'township_code', 'lead_unit_id', 'closed_at'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('status', '=', 'closed')
      .where('lead_unit_id', 'is not', null)
      .orderBy('closed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },
  /** Open problems, the newest first, within `radiusM` of a point when one is given. */
  openNear(
    db: Db,
    jurisdictionId: string,
    at: { lat: number; lng: number } | null,
    radiusM: number,
    limit: number,
  ) {
    let q = db
      .selectFrom('problems')
      .select([
        'id',
        'number',
        'title',
        'description',
        'category_code',
        'channel',
        'township_code',
        'village_code',
        'lead_unit_id',
        'delegate_unit_id',
        'reporter_user_id',
        'status',
        'lat',
        'lng',
        'created_at',
      ])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('status', 'in', MERGE_TARGET_STATUSES);
    if (at) {
      const box = boundingBox(at.lat, at.lng, radiusM);
      q = q
        .where('lat', '>=', box.minLat)
        .where('lat', '<=', box.maxLat)
        .where('lng', '>=', box.minLng)
        .where('lng', '<=', box.maxLng);
    }
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  },
};
