import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ServiceIndicatorTable } from '../../db/schema.services.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL of the indicators the service modules count. */
export const bridgesRepository = {
  find(db: Db, jid: string, module: string, refId: string, code: string) {
    return db
      .selectFrom('service_indicators')
      .select('id')
      .where('jurisdiction_id', '=', jid)
      .where('module', '=', module)
      .where('ref_id', '=', refId)
      .where('code', '=', code)
      .executeTakeFirst();
  },
  insert(db: Db, row: ServiceIndicatorTable) {
    return db.insertInto('service_indicators').values(row).execute();
  },
  sums(db: Db, jid: string, codes: string[], from: string, to: string) {
    if (codes.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('service_indicators')
      .select(['code', (eb) => eb.fn.sum<number | string>('value_scaled').as('total')])
      .where('jurisdiction_id', '=', jid)
      .where('code', 'in', codes)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<', to)
      .groupBy('code')
      .execute();
  },
};
