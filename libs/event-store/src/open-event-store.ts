import { EsdbEventStore } from './esdb/esdb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { EventStore } from './store.port';

/** EventStoreDB when a connection string is given (production), else the embedded SQLite file. */
export function openEventStore(options: { connectionString?: string; path: string }): EventStore {
  return options.connectionString ? new EsdbEventStore(options.connectionString) : new SqliteEventStore({ path: options.path });
}
