import type { CreateTableBuilder, Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

type Builder = CreateTableBuilder<string, string>;

/**
 * Creates a jurisdiction-scoped table: `jurisdiction_id` first, then the given key columns, and a primary
 * key over both, so that every key includes the jurisdiction (DESIGN §4).
 */
export function tableBuilder(db: Kysely<unknown>, _dialect: DialectAdapter) {
  return async (name: string, keyColumns: string[], define: (b: Builder) => Builder): Promise<void> => {
    let b: Builder = db.schema.createTable(name).addColumn('jurisdiction_id', 'text', (c) => c.notNull());
    for (const key of keyColumns) {
      if (key !== 'seq') b = b.addColumn(key, 'text', (c) => c.notNull());
      else b = b.addColumn(key, 'bigint', (c) => c.notNull());
    }
    b = define(b);
    b = b.addPrimaryKeyConstraint(`${name}_pkey`, ['jurisdiction_id', ...keyColumns] as never);
    await b.execute();
  };
}
