import { Projection, Row, TableSpec, Value } from './projection';
import { ReadStore, tableSpec } from './read-store';

/** A ledger query an analyst sends: equality filters, date ranges, a tag, sorting and paging. */
export interface LedgerQuery {
  filters?: Record<string, string | undefined>;
  /** Inclusive range on a date column: [column, from, to]. */
  range?: [string, string | undefined, string | undefined];
  /** A tag that must be in a JSON list column: [column, tag]. */
  tag?: [string, string | undefined];
  sort?: string;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
  /** Every matching row (exports), instead of one page. */
  unpaged?: boolean;
  /** Inclusive upper bounds on text columns, beside the range (a ledger as of a date keeps what was there by then). */
  atMost?: Record<string, string>;
}

export interface Page {
  rows: Row[];
  total: number;
  page: number;
  pageSize: number;
}

export class QueryError extends Error {}

/** A table's rows, or rows derived from it by SQL (a ledger as of a date), that a ledger query reads. */
export interface RowSource {
  sql: string;
  params: unknown[];
}

/** Builds parameterised SQL from a query, naming only columns the table has. */
export async function queryLedger(store: ReadStore, p: Projection, table: string, q: LedgerQuery, source?: RowSource): Promise<Page> {
  const spec = tableSpec(p, table);
  const column = (c: string) => `"${knownColumn(spec, c)}"`;
  const { clause, params } = whereClause(spec, q);
  const from = source ? `(${source.sql}) AS rows_as_of` : `"${table}"`;
  const all = [...(source?.params ?? []), ...params];
  const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 1000);
  const page = Math.max(q.page ?? 1, 1);
  const direction = q.order === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'; // the same on SQLite and PostgreSQL
  const [first, ...then] = listingOrder(spec, q);
  const order = `ORDER BY ${[`${column(first)} ${direction}`, ...then.map((c) => `${column(c)} ASC NULLS FIRST`)].join(', ')}`;
  const [{ total }] = (await store.query(`SELECT count(*) AS total FROM ${from} ${clause}`, all)) as Array<{ total: number }>;
  const limit = q.unpaged ? '' : `LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
  const rows = await store.query(`SELECT * FROM ${from} ${clause} ${order} ${limit}`, all);
  return { rows: rows.map((r) => decode(spec, r)), total: Number(total), page, pageSize };
}

/** The columns rows are sorted by: the one asked for (in its direction), then the table's listing order, which is total. */
function listingOrder(spec: TableSpec, q: LedgerQuery): string[] {
  const listed = spec.order ?? spec.primaryKey;
  return q.sort ? [q.sort, ...listed] : listed;
}

/** The WHERE clause of a query's filters, range, tag and upper bounds, with its parameters. */
export function whereClause(spec: TableSpec, q: LedgerQuery): { clause: string; params: unknown[] } {
  const column = (c: string) => `"${knownColumn(spec, c)}"`;
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [c, v] of Object.entries(q.filters ?? {})) {
    if (v === undefined || v === '') continue;
    where.push(`${column(c)} = ?`);
    params.push(spec.columns[c] === 'integer' || spec.columns[c] === 'fen' ? Number(v) : spec.columns[c] === 'boolean' ? v === 'true' : v);
  }
  const bounds: Array<[string, string | undefined, string | undefined]> = [
    ...(q.range ? [q.range] : []),
    ...Object.entries(q.atMost ?? {}).map(([c, to]): [string, undefined, string] => [c, undefined, to]),
  ];
  for (const [c, from, to] of bounds) {
    if (from) {
      where.push(`${column(c)} >= ?`);
      params.push(from);
    }
    if (to) {
      where.push(`${column(c)} <= ?`);
      params.push(to);
    }
  }
  if (q.tag?.[1]) {
    where.push(`${column(q.tag[0])} LIKE ?`);
    params.push(`%${JSON.stringify(q.tag[1])}%`);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function knownColumn(spec: TableSpec, c: string): string {
  if (!(c in spec.columns)) throw new QueryError(`${spec.name} has no column ${c}; it has ${Object.keys(spec.columns).join(', ')}.`);
  return c;
}

/** Rows as stored back to their column types (booleans and JSON). */
export function decode(spec: TableSpec, row: Row): Row {
  const out: Row = { ...shape(spec) };
  for (const [c, type] of Object.entries(spec.columns)) {
    const v = row[c];
    out[c] =
      v === null || v === undefined
        ? null
        : type === 'boolean'
          ? v === 1 || v === true
          : type === 'json' && typeof v === 'string'
            ? JSON.parse(v)
            : v;
  }
  return out;
}

const shapes = new WeakMap<TableSpec, Row>();
/**
 * A row with every column, null, to copy: V8 turns an object that gains more than a dozen properties one
 * by one under computed names into a slow dictionary of several kilobytes (a business-ledger row took
 * 4 KB), while a copy of an object parsed from JSON keeps the compact layout. Rows loaded into a
 * projection's state stay in memory, so this halves what a resumed projection holds.
 */
function shape(spec: TableSpec): Row {
  let row = shapes.get(spec);
  if (!row) shapes.set(spec, (row = JSON.parse(JSON.stringify(Object.fromEntries(Object.keys(spec.columns).map((c) => [c, null]))))));
  return row!;
}

/** The same query over rows in memory (a ledger as of a date), with the SQL version's meaning. */
export function queryRows(p: Projection, table: string, rows: Row[], q: LedgerQuery): Page {
  const spec = tableSpec(p, table);
  const known = (c: string) => knownColumn(spec, c);
  let out = rows;
  for (const [c, v] of Object.entries(q.filters ?? {})) {
    if (v === undefined || v === '') continue;
    out = out.filter((r) => String(r[known(c)]) === v);
  }
  if (q.range && (q.range[1] || q.range[2])) {
    const [c, from, to] = q.range;
    known(c);
    out = out.filter((r) => r[c] !== null && (!from || (r[c] as string) >= from) && (!to || (r[c] as string) <= to));
  }
  for (const [c, to] of Object.entries(q.atMost ?? {})) out = out.filter((r) => r[known(c)] !== null && (r[c] as string) <= to);
  if (q.tag?.[1]) out = out.filter((r) => ((r[known(q.tag![0])] as string[] | null) ?? []).includes(q.tag![1]!));
  const [sort, ...then] = listingOrder(spec, q).map(known);
  const sign = q.order === 'desc' ? -1 : 1;
  const compare = (a: Value, b: Value) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  out = [...out].sort((a, b) => sign * compare(a[sort], b[sort]) || then.reduce((acc, k) => acc || compare(a[k], b[k]), 0));
  const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 1000);
  const page = Math.max(q.page ?? 1, 1);
  return { rows: q.unpaged ? out : out.slice((page - 1) * pageSize, page * pageSize), total: out.length, page, pageSize };
}
