/**
 * Rows of one table, row-major: `values` holds `cols.length` values per row, in the order of `cols`. What a
 * dialect's bulkInsertRows takes; a flat array of plain values is also several times cheaper to pass to
 * another thread than as many objects.
 */
export interface RowSet {
  cols: readonly string[];
  values: readonly unknown[];
}

/** The rows as a RowSet, the columns those of the first row (missing values as null). */
export function rowSetOf(rows: readonly object[]): RowSet {
  const cols = rows.length ? Object.keys(rows[0]!) : [];
  const values: unknown[] = [];
  for (const row of rows as Record<string, unknown>[]) for (const c of cols) values.push(row[c] ?? null);
  return { cols, values };
}
