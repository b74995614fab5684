import { Actor } from '@app/domain';

/**
 * A projection is a fold of events into rows, written once and run on any read store (SQLite embedded,
 * PostgreSQL in production, memory for tests and time travel). It never throws on a valid event.
 */
export type ColumnType = 'text' | 'integer' | 'boolean' | 'json';

export interface TableSpec {
  name: string;
  columns: Record<string, ColumnType>;
  primaryKey: string[];
  indexes?: string[][];
}

export type Value = string | number | boolean | null | object;
export type Row = Record<string, Value>;

/** The rows a projection reads and writes while it handles an event. */
export interface ProjectionTx {
  get<T extends Row>(table: string, key: Row): Promise<T | undefined>;
  /** Inserts or replaces the row with this primary key. */
  put(table: string, row: Row): Promise<void>;
}

/** An event as projections see it: the payload and the two clocks. */
export interface ProjectedEvent {
  id: string;
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
  apply(event: ProjectedEvent, tx: ProjectionTx): Promise<void>;
}
