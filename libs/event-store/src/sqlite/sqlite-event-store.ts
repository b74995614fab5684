import Database from 'better-sqlite3';
import {
  AppendResult,
  AppendTooLargeError,
  ChainLink,
  EventStore,
  ExpectedRevision,
  MAX_APPEND_BYTES,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  StreamWrite,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionFilter,
  WrongExpectedVersionError,
  matchesFilter,
} from '../store.port';
import { PollingSubscription } from './polling-subscription';
import { inCurrentShape } from '../upcast';
import { eventHash, eventHashOf } from '../audit/chain';
import { canonicalJson } from '../audit/canonical';

interface Row {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
  created: number;
  hash: string | null;
}

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** How often an idle subscription looks for events appended by another process. */
  pollIntervalMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  id       TEXT    NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  created  INTEGER NOT NULL,
  hash     TEXT,
  UNIQUE (stream, revision)
);
DROP INDEX IF EXISTS events_by_id;
CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, checked INTEGER NOT NULL);`;

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged append
 * survives power loss. Appends run in BEGIN IMMEDIATE transactions, which also serialise writers from
 * other processes sharing the file.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly listeners = new Set<() => void>();
  private readonly pending: Array<{
    writes: StreamWrite[];
    resolve: (r: AppendResult[]) => void;
    reject: (e: unknown) => void;
  }> = [];
  private readonly pollIntervalMs: number;
  private readonly q: ReturnType<typeof prepare>;
  private lastCommitFailure?: string;
  private readonly streamsReads = new Map<number, Database.Statement>();
  /** Writes to several streams in a savepoint (a transaction nested in the group's): a refusal of one takes back the others. */
  private readonly inSavepoint: (writes: StreamWrite[]) => AppendResult[];

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.path);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(SCHEMA);
    chainOlderHistory(this.db);
    this.q = prepare(this.db);
    this.inSavepoint = this.db.transaction((writes: StreamWrite[]) => writes.map((w) => this.appendInTransaction(w)));
    // A file that opens but cannot be written (read-only, full) is found now, not at the first command.
    this.q.probe.run(Date.now());
  }

  /** How commits reach the disk: WAL with a full sync is what makes an acknowledged append survive power loss. */
  durability(): { journalMode: string; synchronous: string } {
    const synchronous = ['off', 'normal', 'full', 'extra'][this.db.pragma('synchronous', { simple: true }) as number];
    return { journalMode: String(this.db.pragma('journal_mode', { simple: true })), synchronous };
  }

  /** Whether the store can commit now: a real write, so a full disk or a read-only file shows here; and whether the last commit failed. */
  async health(): Promise<StoreHealth> {
    try {
      this.q.probe.run(Date.now());
      // A small write can pass where a commit of events failed (the log reuses its space): the last commit counts.
      if (this.lastCommitFailure) return { writable: false, problem: `the last append failed: ${this.lastCommitFailure}` };
      return { writable: true };
    } catch (error) {
      return { writable: false, problem: (error as Error).message };
    }
  }

  /**
   * Group commit: appends requested in the same pass of the event loop are written in one transaction
   * with one fsync. The commit waits for the loop's check phase (setImmediate), so every request that
   * arrived while the last fsync blocked the loop gets to append first; a lone append waits for nothing
   * else. Each append is checked on its own; one refused append does not stop the others (a write to
   * several streams is one append: all of it or none). A promise resolves only after its commit, so
   * whatever is acknowledged is durable.
   */
  appendToStream(streamName: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    return this.appendToStreams([{ streamName, events, expectedRevision: options.expectedRevision }]).then(([result]) => result);
  }

  /** Several streams in one transaction, sharing the group's commit like any append. */
  appendToStreams(writes: StreamWrite[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ writes, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending() {
    const batch = this.pending.splice(0);
    const outcomes: Array<{ results?: AppendResult[]; error?: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const { writes } of batch) {
            try {
              outcomes.push({ results: writes.length === 1 ? [this.appendInTransaction(writes[0])] : this.inSavepoint(writes) });
            } catch (error) {
              if (!(error instanceof WrongExpectedVersionError || error instanceof AppendTooLargeError)) throw error;
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      this.lastCommitFailure = (error as Error).message;
      for (const a of batch) a.reject(error);
      return;
    }
    this.lastCommitFailure = undefined;
    batch.forEach((a, i) => (outcomes[i].error ? a.reject(outcomes[i].error) : a.resolve(outcomes[i].results!)));
    for (const wake of this.listeners) wake();
  }

  /** One append inside the group's transaction: every check comes before any insert. */
  private appendInTransaction({ streamName: stream, events, expectedRevision: expected }: StreamWrite): AppendResult {
    const head = this.q.head.get(stream) as { revision: number; position: number; hash: string | null } | undefined;
    const current = head ? BigInt(head.revision) : undefined;
    // An exact expectation that holds cannot be a replay: replayed events would sit past it.
    const exact = satisfies(expected, current) && expected !== 'any' && expected !== 'stream_exists';
    const replay = events.length && !exact ? this.idempotentReplay(stream, events, expected, current) : undefined;
    if (replay) return replay;
    if (!satisfies(expected, current)) throw new WrongExpectedVersionError(stream, expected, current ?? 'no_stream');
    // Stored in canonical form (RFC 8785), which the chain hash is taken over: one serialisation for both.
    const rows = events.map((e) => ({ e, data: canonicalJson(e.data), metadata: canonicalJson(e.metadata ?? {}) }));
    // The same limit as EventStoreDB's, so that what is recorded here could be recorded there.
    const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r.data) + Buffer.byteLength(r.metadata), 0);
    if (bytes > MAX_APPEND_BYTES) throw new AppendTooLargeError(stream, MAX_APPEND_BYTES);
    let revision = current ?? -1n;
    let prev = head?.hash ?? null;
    let position: Position = head ? { commit: BigInt(head.position), prepare: BigInt(head.position) } : { commit: 0n, prepare: 0n };
    const created = Date.now();
    const recorded: RecordedEvent[] = [];
    for (const { e, data, metadata: meta } of rows) {
      revision += 1n;
      const metadata = e.metadata ?? {};
      const hash = eventHashOf(prev, { streamName: stream, revision, id: e.id, type: e.type }, data, meta);
      prev = hash;
      const info = this.q.insert.run(stream, Number(revision), e.id, e.type, data, meta, created, hash);
      const p = BigInt(info.lastInsertRowid);
      position = { commit: p, prepare: p };
      recorded.push({
        streamName: stream,
        revision,
        id: e.id,
        type: e.type,
        data: e.data,
        metadata,
        position,
        created: new Date(created),
        hash,
      });
    }
    return { nextExpectedRevision: revision, position, recorded };
  }

  /** The same event ids already at the expected place: success, and nothing written (EventStoreDB's idempotency). */
  private idempotentReplay(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    current: bigint | undefined,
  ): AppendResult | undefined {
    const first = this.q.revisionOfId.get(stream, events[0].id) as { revision: number } | undefined;
    if (!first) return undefined;
    const at = BigInt(first.revision);
    const placeOk = expected === 'any' || expected === 'stream_exists' || (expected === 'no_stream' ? at === 0n : at === expected + 1n);
    const rows = this.q.range.all(stream, first.revision, first.revision + events.length - 1) as Row[];
    const same = rows.length === events.length && rows.every((r, i) => r.id === events[i].id);
    if (!placeOk || !same) throw new WrongExpectedVersionError(stream, expected, current ?? 'no_stream');
    const recorded = rows.map(toRecorded);
    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position, recorded, replayed: true };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const limit = options.maxCount ?? -1;
    const rev = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from);
    const rows = (backwards ? this.q.streamBackward : this.q.streamForward).all(streamName, rev, limit) as Row[];
    return rows.map(toRecorded);
  }

  async readStreams(streamNames: string[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>(streamNames.map((name) => [name, []]));
    for (let i = 0; i < streamNames.length; i += STREAMS_PER_READ) {
      const names = streamNames.slice(i, i + STREAMS_PER_READ);
      for (const r of this.streamsRead(names.length).all(...names) as Row[]) out.get(r.stream)!.push(toRecorded(r));
    }
    return out;
  }

  /** The statement reading `count` streams at once, prepared once per count. */
  private streamsRead(count: number): Database.Statement {
    let statement = this.streamsReads.get(count);
    if (!statement) {
      const names = Array.from({ length: count }, () => '?').join(', ');
      statement = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream IN (${names}) ORDER BY stream, revision`);
      this.streamsReads.set(count, statement);
    }
    return statement;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition ?? (backwards ? 'end' : 'start');
    const pos = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from.commit);
    const read = backwards ? this.q.allBackward : this.q.allForward;
    if (!options.filter) return (read.all(pos, options.maxCount ?? -1) as Row[]).map(toRecorded);
    // Pages of rows, each row looked at before its JSON is parsed, until enough pass the filter.
    const want = options.maxCount ?? Infinity;
    const out: RecordedEvent[] = [];
    for (let from = pos; out.length < want;) {
      const rows = read.all(from, FILTERED_PAGE) as Row[];
      for (const r of rows)
        if (out.length < want && matchesFilter({ streamName: r.stream, type: r.type }, options.filter)) out.push(toRecorded(r));
      if (rows.length < FILTERED_PAGE) break;
      from = rows[rows.length - 1].position + (backwards ? -1 : 1);
    }
    return out;
  }

  /**
   * Up to `maxCount` events strictly after a position, for subscriptions: those the filter lets through,
   * parsed, and the position of the last one looked at. The filter is applied before any JSON is parsed.
   */
  readAfter(
    position: Position | 'start',
    maxCount: number,
    filter?: SubscriptionFilter,
  ): { events: RecordedEvent[]; last?: Position; count: number } {
    const after = position === 'start' ? 0 : Number(position.commit) + 1;
    const rows = this.q.allForward.all(after, maxCount) as Row[];
    const events: RecordedEvent[] = [];
    for (const r of rows) if (matchesFilter({ streamName: r.stream, type: r.type }, filter)) events.push(toRecorded(r));
    const last = rows.length ? BigInt(rows[rows.length - 1].position) : undefined;
    return { events, last: last === undefined ? undefined : { commit: last, prepare: last }, count: rows.length };
  }

  async readHashes(after: Position | null, maxCount: number): Promise<ChainLink[]> {
    const rows = this.q.hashesAfter.all(after ? Number(after.commit) : 0, maxCount) as Array<{
      position: number;
      id: string;
      hash: string | null;
    }>;
    return rows.map((r) => ({ position: { commit: BigInt(r.position), prepare: BigInt(r.position) }, id: r.id, hash: r.hash }));
  }

  headPosition(): Position {
    const row = this.q.maxPosition.get() as { position: number | null };
    const p = BigInt(row.position ?? 0);
    return { commit: p, prepare: p };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const from = options.fromPosition === 'end' ? this.headPosition() : (options.fromPosition ?? 'start');
    return new PollingSubscription(this, from, options.filter, this.pollIntervalMs);
  }

  /** Registers a callback run after every append in this process; returns its removal. */
  onAppend(wake: () => void): () => void {
    this.listeners.add(wake);
    return () => this.listeners.delete(wake);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Rows looked at per read when a filter skips some. */
const FILTERED_PAGE = 4096;
/** Streams read by one statement in `readStreams`. */
const STREAMS_PER_READ = 500;
const COLUMNS = 'position, stream, revision, id, type, data, metadata, created, hash';

function satisfies(expected: ExpectedRevision, current: bigint | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === undefined;
  if (expected === 'stream_exists') return current !== undefined;
  return current === expected;
}

function toRecorded(r: Row): RecordedEvent {
  const p = BigInt(r.position);
  return inCurrentShape({
    streamName: r.stream,
    revision: BigInt(r.revision),
    id: r.id,
    type: r.type,
    data: JSON.parse(r.data),
    metadata: JSON.parse(r.metadata),
    position: { commit: p, prepare: p },
    created: new Date(r.created),
    hash: r.hash ?? undefined,
  });
}

function prepare(db: Database.Database) {
  return {
    head: db.prepare('SELECT revision, position, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
    revisionOfId: db.prepare('SELECT revision FROM events WHERE stream = ? AND id = ?'),
    range: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision BETWEEN ? AND ? ORDER BY revision`),
    insert: db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    streamForward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`),
    streamBackward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`),
    allForward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`),
    allBackward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?`),
    maxPosition: db.prepare('SELECT max(position) AS position FROM events'),
    hashesAfter: db.prepare('SELECT position, id, hash FROM events WHERE position > ? ORDER BY position LIMIT ?'),
    probe: db.prepare('INSERT OR REPLACE INTO store_probe (id, checked) VALUES (1, ?)'),
  };
}

/**
 * A file written before events were chained gets its chains now, once, in one transaction: each event's
 * hash over its content as recorded and its stream's previous hash, in the global order.
 */
function chainOlderHistory(db: Database.Database) {
  const columns = db.pragma('table_info(events)') as Array<{ name: string }>;
  if (columns.some((c) => c.name === 'hash')) return;
  const heads = new Map<string, string>();
  db.transaction(() => {
    db.exec('ALTER TABLE events ADD COLUMN hash TEXT');
    const setHash = db.prepare('UPDATE events SET hash = ? WHERE position = ?');
    const page = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT 10000`);
    // Pages, not one iterator: the connection cannot update while a statement iterates.
    for (let rows = page.all(0) as Row[]; rows.length; rows = page.all(rows[rows.length - 1].position) as Row[])
      for (const r of rows) {
        const hash = eventHash(heads.get(r.stream) ?? null, {
          streamName: r.stream,
          revision: BigInt(r.revision),
          id: r.id,
          type: r.type,
          data: JSON.parse(r.data),
          metadata: JSON.parse(r.metadata),
        });
        heads.set(r.stream, hash);
        setHash.run(hash, r.position);
      }
  }).immediate();
}
