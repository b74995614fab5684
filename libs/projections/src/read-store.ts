import { Projection, Row, TableSpec } from './projection';
import { safeText } from './safe-text';

/** How far one generation of a projection's tables has got. */
export interface Generation {
  projection: string;
  generation: number;
  version: number;
  status: 'building' | 'active';
  /** Opaque store position of the last event folded in, or null before the first. */
  checkpoint: string | null;
  processed: number;
}

/** Rows changed by a batch, by table and primary key. */
export type Changes = Map<string, Map<string, Row>>;

/**
 * The SQL read store behind the projections. Each projection's tables exist per generation; queries read
 * views with the plain table names, pointed at the active generation, so a rebuild into a new generation
 * never interrupts them.
 */
export interface ReadStore {
  generations(projection: string): Promise<Generation[]>;
  /** Creates the empty tables of a new generation, marked building. */
  begin(p: Projection, generation: number): Promise<void>;
  get(p: Projection, generation: number, table: string, key: Row): Promise<Row | undefined>;
  /** Writes a batch of rows and the new checkpoint in one transaction. */
  commit(p: Projection, generation: number, changes: Changes, checkpoint: string | null, processed: number): Promise<void>;
  /** Points the views at this generation and drops the tables of every other. */
  activate(p: Projection, generation: number): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * A row's primary key as a map key (values are strings and numbers; the unit separator never occurs in
 * them), made safe as the stores make it (`safeText`), so that rows in memory are told apart as in SQL.
 */
export const keyOf = (spec: TableSpec, row: Row): string =>
  safeText(spec.primaryKey.length === 1 ? String(row[spec.primaryKey[0]]) : spec.primaryKey.map((k) => String(row[k])).join('\u001f'));
export const physical = (table: string, generation: number) => `${table}__g${generation}`;

export function tableSpec(p: Projection, table: string): TableSpec {
  const spec = p.tables.find((t) => t.name === table);
  if (!spec) throw new Error(`projection ${p.name} has no table ${table}`);
  return spec;
}
