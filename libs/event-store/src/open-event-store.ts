import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { EventStore } from './store.port';

/**
 * EventStoreDB when a connection string is given (production), else the embedded SQLite file. The
 * EventStoreDB client (gRPC, about 150 ms to load) is loaded only when it is used.
 */
export async function openEventStore(options: { connectionString?: string; path: string }): Promise<EventStore> {
  if (!options.connectionString) return new SqliteEventStore({ path: options.path });
  const { EsdbEventStore } = await import('./esdb/esdb-event-store');
  return new EsdbEventStore(options.connectionString);
}
