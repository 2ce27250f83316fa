import type postgres from 'postgres';

/** Which rows of a table to copy: those where every column named here has the given value. */
export interface RowSelection {
  table: string;
  where: Record<string, string>;
  /** A column filled from the table's own sequence (e.g. `id` of `audit_log`), not copied. */
  serial?: string;
}

/**
 * Seeds in bulk what the admin API wrote once: copies the selected rows once per key in `copies`, with
 * every occurrence of `prototype` in them (keys, JSON documents) replaced by that key. The copies are the
 * API's own rows, column for column (timestamps included), so the server reads them as if it had written
 * each one itself — without a thousand serialized requests on a busy machine. `prototype` must occur in
 * the rows only where the key belongs (use a key no other value contains).
 */
export async function cloneRows(
  sql: postgres.Sql,
  selection: RowSelection,
  prototype: string,
  copies: readonly string[],
): Promise<void> {
  const { table, where, serial } = selection;
  // Names are spliced into the statement: only plain lower-case identifiers, as the schema uses.
  for (const name of [table, serial ?? 'id', ...Object.keys(where)])
    if (!/^[a-z_]+$/.test(name)) throw new Error(`cloneRows: "${name}" is not a plain identifier`);
  const conditions = Object.keys(where).map((column, i) => `t.${column} = $${i + 3}`);
  const renamed = 'replace(to_jsonb(t)::text, $1, k)::jsonb';
  const document =
    serial === undefined
      ? renamed
      : `(${renamed} - '${serial}') || jsonb_build_object('${serial}', nextval(pg_get_serial_sequence('${table}', '${serial}')))`;
  const result = await sql.unsafe(
    `insert into ${table}
     select (jsonb_populate_record(null::${table}, ${document})).*
     from ${table} t, unnest($2::text[]) k
     where ${conditions.join(' and ')}`,
    [prototype, [...copies], ...Object.values(where)],
  );
  if (result.count === 0)
    throw new Error(`cloneRows: no row of ${table} matches ${JSON.stringify(where)} to copy`);
}
