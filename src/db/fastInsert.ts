import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQL text of a one-row insert per dialect adapter, table and column list. */
const texts = new WeakMap<object, Map<string, string>>();

/**
 * Inserts one row with the SQL the query builder produced for the first row of the same table and
 * columns: on the hot write paths compiling a 45-column insert cost more than running it. Columns whose
 * value is undefined are left out, as the query builder does.
 */
export async function insertRow<T extends keyof DB & string>(
  db: Db,
  table: T,
  row: Record<string, unknown>,
): Promise<void> {
  const keys = Object.keys(row).filter((k) => row[k] !== undefined);
  const adapter = db.getExecutor().adapter;
  let byKey = texts.get(adapter);
  if (!byKey) {
    byKey = new Map();
    texts.set(adapter, byKey);
  }
  const key = `${table}|${keys.join(',')}`;
  let text = byKey.get(key);
  if (text === undefined) {
    const values = Object.fromEntries(keys.map((k) => [k, row[k]]));
    const compiled = db
      .insertInto(table)
      .values(values as never)
      .compile();
    // Only when the parameters are exactly the values in column order can the text be reused.
    if (
      compiled.parameters.length !== keys.length ||
      compiled.parameters.some((p, i) => p !== row[keys[i]!])
    ) {
      await db.executeQuery(compiled);
      return;
    }
    text = compiled.sql;
    byKey.set(key, text);
  }
  await db.executeQuery(
    CompiledQuery.raw(
      text,
      keys.map((k) => row[k]),
    ),
  );
}
