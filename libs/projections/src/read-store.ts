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
  /** Batches committed to it: a runner commits only if none was committed since it read this (the fence). */
  writes: number;
}

/** Rows written by a batch, by table: each changed row once, and the rows appended to append-only tables. */
export type Changes = Map<string, Row[]>;

/** What one projection's batch writes: its rows and its new checkpoint, committed together. */
export interface BatchWrite {
  projection: Projection;
  generation: number;
  changes: Changes;
  /** Opaque store position of the last event applied (or passed over as not its type). */
  checkpoint: string | null;
  processed: number;
  /** The generation's `writes` as this runner last read or committed it. */
  writes: number;
}

/**
 * Another runner committed to this generation since this one read it (two projectors, or the API's own
 * runner beside one): nothing of the batch was written; the runner goes on from what the other committed.
 */
export class ProjectionFencedError extends Error {
  constructor(projection: string, generation: number) {
    super(`Another runner has written ${projection} (generation ${generation}) meanwhile; this one goes on from what it wrote.`);
    this.name = 'ProjectionFencedError';
  }
}

/**
 * The SQL read store behind the projections. Each projection's tables exist per generation; queries read
 * views with the plain table names, pointed at the active generation, so a rebuild into a new generation
 * never interrupts them.
 */
export interface ReadStore {
  generations(projection: string): Promise<Generation[]>;
  /** Creates the empty tables of a new generation, marked building; fenced if another runner created it first. */
  begin(p: Projection, generation: number): Promise<void>;
  get(p: Projection, generation: number, table: string, key: Row): Promise<Row | undefined>;
  /** Every row of a table of a generation, decoded: a projection's state, loaded when it resumes. */
  load(p: Projection, generation: number, table: string): Promise<Row[]>;
  /**
   * Writes the batches of several projections, each with its new checkpoint, in one transaction, with
   * multi-row statements; a row whose key is stored already replaces it. If any generation was committed
   * to since its `writes` was read, nothing is written (`ProjectionFencedError`).
   */
  commit(writes: BatchWrite[]): Promise<void>;
  /**
   * Builds the generation's secondary indexes (a generation is filled without them), points the views at
   * it and drops the tables of every other; fenced, as a commit, unless its `writes` are still these.
   */
  activate(p: Projection, generation: number, writes: number): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Reads a generation's rows one at a time, synchronously, so that a fold can leave rows it is not using
   * in the store (SQLite); a store that cannot (PostgreSQL) leaves it out, and its rows are all held.
   */
  storedRows?(p: Projection, generation: number): (table: string, key: Row) => Row | undefined;
  close(): Promise<void>;
}

/**
 * A row's primary key as a map key (values are strings and numbers; the unit separator never occurs in
 * them), made safe as the stores make it (`safeText`), so that rows in memory are told apart as in SQL.
 */
export function keyOf(spec: TableSpec, row: Row): string {
  const pk = spec.primaryKey;
  let key = String(row[pk[0]]);
  for (let i = 1; i < pk.length; i++) key += '\u001f' + String(row[pk[i]]);
  return safeText(key);
}
export const physical = (table: string, generation: number) => `${table}__g${generation}`;

export function tableSpec(p: Projection, table: string): TableSpec {
  const spec = p.tables.find((t) => t.name === table);
  if (!spec) throw new Error(`projection ${p.name} has no table ${table}`);
  return spec;
}
