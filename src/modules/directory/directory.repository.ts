import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PlaceTable, ProviderTable, ProviderWorkerTable } from '../../db/schema.services.ts';
import type { DialectAdapter } from '../../db/dialect/types.ts';
import { cellsOfBox, type BoundingBox } from '../../kernel/geo.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of the service directory. */
export const directoryRepository = {
  providers(db: Db, jid: string) {
    return db
      .selectFrom('providers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .orderBy('name')
      .orderBy('id')
      .execute();
  },
  provider(db: Db, jid: string, id: string) {
    return db
      .selectFrom('providers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertProvider(db: Db, row: ProviderTable) {
    return db.insertInto('providers').values(row).execute();
  },
  workers(db: Db, jid: string, providerId?: string) {
    let q = db.selectFrom('provider_workers').selectAll().where('jurisdiction_id', '=', jid);
    if (providerId) q = q.where('provider_id', '=', providerId);
    return q.orderBy('name').orderBy('id').execute();
  },
  worker(db: Db, jid: string, id: string) {
    return db
      .selectFrom('provider_workers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  workerByUser(db: Db, jid: string, userId: string) {
    return db
      .selectFrom('provider_workers')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('user_id', '=', userId)
      .where('active', '=', 1)
      .executeTakeFirst();
  },
  insertWorker(db: Db, row: ProviderWorkerTable) {
    return db.insertInto('provider_workers').values(row).execute();
  },
  /** Places of a kind (or all), in a box when given: by its grid cells (migration 0044) unless too many. */
  places(db: Db, dialect: DialectAdapter, jid: string, kind?: string, box?: BoundingBox) {
    let q = db.selectFrom('places').selectAll().where('jurisdiction_id', '=', jid);
    if (kind) q = q.where('kind', '=', kind);
    const cells = box ? cellsOfBox(box) : null;
    if (cells) q = q.where(sql.raw(dialect.geoCellExpression('lat', 'lng')), 'in', cells);
    if (box)
      q = q
        .where('lat', '>=', box.minLat)
        .where('lat', '<=', box.maxLat)
        .where('lng', '>=', box.minLng)
        .where('lng', '<=', box.maxLng);
    return q.orderBy('id').execute();
  },
  place(db: Db, jid: string, id: string) {
    return db
      .selectFrom('places')
      .selectAll()
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertPlace(db: Db, row: PlaceTable) {
    return db.insertInto('places').values(row).execute();
  },
};
