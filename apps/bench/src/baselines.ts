import Database from 'better-sqlite3';
import { join } from 'node:path';

type StoredEvent = { stream: string; revision: number; id: string; type: string; data: string; metadata: string; created: number };

/** The history's events as stored, in order: the same workload for every baseline. */
export function storedEvents(path: string, limit = -1): StoredEvent[] {
  const source = new Database(path, { readonly: true });
  const events = source
    .prepare('SELECT stream, revision, id, type, data, metadata, created FROM events ORDER BY position LIMIT ?')
    .all(limit) as StoredEvent[];
  source.close();
  return events;
}

/** The physical limit of the store: raw better-sqlite3 on the same disk, WAL and synchronous=FULL. */
export function rawBaselines(events: StoredEvent[], file: string) {
  const target = new Database(file);
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = FULL');
  target.exec(
    'CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT, revision INTEGER, id TEXT, type TEXT, data TEXT, metadata TEXT, created INTEGER, UNIQUE (stream, revision))',
  );
  const insert = target.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const sample = events.slice(0, 5_000);
  let t0 = performance.now();
  for (const e of sample) target.transaction(() => insert.run(e.stream, e.revision, `${e.id}-1`, e.type, e.data, e.metadata, e.created))();
  const perEvent = sample.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  target.transaction(() => {
    for (const e of events) insert.run(e.stream, e.revision + 1_000_000, e.id, e.type, e.data, e.metadata, e.created);
  })();
  const bulk = events.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  let n = 0;
  for (const row of target.prepare('SELECT data, metadata FROM events').iterate() as Iterable<{ data: string; metadata: string }>) {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
    n++;
  }
  const readParse = n / ((performance.now() - t0) / 1000);
  target.close();
  return { perEvent, bulk, readParse };
}

/** The slice of @event-driven-io/emmett-sqlite this baseline uses (it is installed apart: see apps/bench/emmett). */
interface Emmett {
  sqliteConnection(o: { fileName: string }): { close(): void; command(sql: string): Promise<unknown> };
  getSQLiteEventStore(o: object): {
    appendToStream(stream: string, events: Array<{ type: string; data: object; metadata: object }>): Promise<unknown>;
  };
  readMessagesBatch(
    c: unknown,
    o: { after: bigint; batchSize: number },
  ): Promise<{
    currentGlobalPosition: bigint;
    messages: Array<{ type: string; metadata: { businessDate?: string } }>;
    areEventsLeft: boolean;
  }>;
}

/**
 * Emmett's SQLite store on the same workload, with its best settings (one shared connection): appending
 * each command's events in one call, then projecting by reading every message in batches and folding
 * them into counts per event type and month (its consumer, which stores a checkpoint per message, is slower).
 */
export async function emmettBaseline(events: StoredEvent[], file: string) {
  const emmett = require(join(__dirname, '../emmett/node_modules/@event-driven-io/emmett-sqlite')) as Emmett; // eslint-disable-line @typescript-eslint/no-require-imports
  const connection = emmett.sqliteConnection({ fileName: file });
  await connection.command('PRAGMA journal_mode = WAL'); // as our store runs; durability stays at its default, FULL
  const store = emmett.getSQLiteEventStore({
    fileName: file,
    schema: { autoMigration: 'CreateOrUpdate' },
    connectionOptions: { singleton: true, connection },
  });
  const appends: Array<{ stream: string; events: StoredEvent[] }> = [];
  for (const e of events) {
    const last = appends[appends.length - 1];
    const command = (m: string) => (JSON.parse(m) as { commandId?: string }).commandId;
    if (last && last.stream === e.stream && command(last.events[0].metadata) === command(e.metadata)) last.events.push(e);
    else appends.push({ stream: e.stream, events: [e] });
  }
  const parsed = appends.map((a) => ({
    stream: a.stream,
    events: a.events.map((e) => ({ type: e.type, data: JSON.parse(e.data), metadata: JSON.parse(e.metadata) })),
  }));
  let t0 = performance.now();
  for (const a of parsed) await store.appendToStream(a.stream, a.events);
  const append = events.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  const counts = new Map<string, number>();
  let read = 0;
  for (let after = 0n, more = true; more;) {
    const batch = await emmett.readMessagesBatch(connection, { after, batchSize: 1_000 });
    for (const m of batch.messages) {
      const key = `${m.type}|${(m.metadata.businessDate ?? '').slice(0, 7)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    read += batch.messages.length;
    after = batch.currentGlobalPosition;
    more = batch.areEventsLeft && batch.messages.length > 0;
  }
  const project = read / ((performance.now() - t0) / 1000);
  connection.close();
  return { append, appends: appends.length, project, read };
}
