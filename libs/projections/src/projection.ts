import { Actor } from '@app/domain';

/**
 * A projection is a fold of events into rows, written once and run on any read store (SQLite embedded,
 * PostgreSQL in production, memory for tests and time travel). It never throws on a valid event.
 */
/** `fen`: an amount of money in integer fen, stored as an integer; the API names it with its unit (`…Fen`). */
export type ColumnType = 'text' | 'integer' | 'fen' | 'boolean' | 'json';

export interface TableSpec {
  name: string;
  columns: Record<string, ColumnType>;
  primaryKey: string[];
  indexes?: string[][];
  /**
   * Rows only ever written (`tx.append`), never read back by the projection: streamed out at each batch
   * and never held in memory. Appending a row with a key already stored replaces it, as `put` would.
   */
  appendOnly?: boolean;
  /** The order rows are listed in when no sort is asked for: the primary key's, unless given (a journal by date). */
  order?: string[];
}

export type Value = string | number | boolean | null | object;
export type Row = Record<string, Value>;

/**
 * The rows a projection reads and writes while it handles an event: synchronous, over rows in memory.
 * A row from `get` may be changed in place, but must then be `put` back for the change to be written.
 */
export interface ProjectionTx {
  get<T extends Row>(table: string, key: Row): T | undefined;
  /** Inserts or replaces the row with this primary key (a table that is not append-only). */
  put(table: string, row: Row): void;
  /** Writes a row of an append-only table. */
  append(table: string, row: Row): void;
}

/** An event as projections see it: the payload and the two clocks. */
export interface ProjectedEvent {
  id: string;
  /** Its place in the log (`positionToString`), when it was read from a store. */
  position?: string;
  type: string;
  streamName: string;
  data: Record<string, unknown>;
  businessDate: string;
  recordedAt: Date;
  actor?: Actor;
  policyVersion?: string;
}

export interface Projection {
  name: string;
  /** Bump when the handling changes: a changed projection rebuilds itself from the first event. */
  version: number;
  tables: TableSpec[];
  /** Event types it reads; the rest are skipped without being handled. */
  eventTypes: readonly string[];
  /** A plain synchronous fold: no promise per event or per row; the runner writes the rows in bulk. */
  apply(event: ProjectedEvent, tx: ProjectionTx): void;
}
