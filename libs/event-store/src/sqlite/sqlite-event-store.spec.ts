import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describeEventStoreBehaviour } from '../testing/event-store.behaviour';
import { SqliteEventStore } from './sqlite-event-store';
import { WrongExpectedVersionError } from '../store.port';
import Database from 'better-sqlite3';
import { eventHash } from '../audit/chain';

describeEventStoreBehaviour('SQLite in memory', async () => new SqliteEventStore({ path: ':memory:', pollIntervalMs: 20 }));

const dir = mkdtempSync(join(tmpdir(), 'loans-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
describeEventStoreBehaviour('SQLite file', async () => new SqliteEventStore({ path: join(dir, `${randomUUID()}.db`), pollIntervalMs: 20 }));

describe('SQLite file store', () => {
  it('keeps every acknowledged event when reopened, in WAL mode', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteEventStore({ path });
    await first.appendToStream('loan-1', [{ id: randomUUID(), type: 'LoanApplied', data: { a: 1 }, metadata: {} }], {
      expectedRevision: 'no_stream',
    });
    await first.close();
    const second = new SqliteEventStore({ path });
    expect((await second.readStream('loan-1')).map((e) => e.type)).toEqual(['LoanApplied']);
    await second.close();
  });

  it('sees events another connection to the same file appended, through a live subscription', async () => {
    const path = join(dir, 'shared.db');
    const reader = new SqliteEventStore({ path, pollIntervalMs: 20 });
    const writer = new SqliteEventStore({ path });
    const sub = reader.subscribeToAll({ fromPosition: 'end' });
    const it = sub[Symbol.asyncIterator]();
    await writer.appendToStream('loan-2', [{ id: randomUUID(), type: 'Disbursed', data: {}, metadata: {} }], { expectedRevision: 'any' });
    let next = await it.next();
    while (!next.done && next.value.kind !== 'event') next = await it.next();
    expect(!next.done && next.value.kind === 'event' && next.value.event.streamName).toBe('loan-2');
    await sub.unsubscribe();
    await reader.close();
    await writer.close();
  });
});

describe('catching up with a long history on SQLite', () => {
  it('gives the event loop a turn between batches, so the process serves requests meanwhile', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const events = Array.from({ length: 5_000 }, (_, i) => ({ id: randomUUID(), type: 'Happened', data: { i }, metadata: {} }));
    await store.appendToStream('loan-1', events, { expectedRevision: 'no_stream' });
    // Queued before the catch-up starts: it runs at the loop's next turn, which a catch-up of synchronous reads never gave.
    let seenWhenServed: number | undefined;
    let seen = 0;
    setImmediate(() => (seenWhenServed = seen));
    const subscription = store.subscribeToAll();
    for await (const m of subscription) {
      if (m.kind === 'caughtUp') break;
      if (m.kind === 'event') seen++;
    }
    await subscription.unsubscribe();
    await store.close();
    expect(seen).toBe(5_000);
    expect(seenWhenServed).toBeLessThan(5_000);
  });
});

describe('a SQLite file written before events were chained', () => {
  it('is chained once when opened: the same hashes as if each event had been appended now, and appends go on from them', async () => {
    const path = join(dir, 'unchained.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, revision INTEGER NOT NULL,
      id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created INTEGER NOT NULL, UNIQUE (stream, revision))`);
    const insert = old.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, 0)');
    const rows = [
      ['loan-1', 0, 'a'],
      ['fund-1', 0, 'b'],
      ['loan-1', 1, 'c'],
    ] as const;
    for (const [stream, revision, id] of rows) insert.run(stream, revision, id, 'Happened', `{"n":"${id}"}`, '{"by":"old"}');
    old.close();
    const store = new SqliteEventStore({ path });
    await store.appendToStream('loan-1', [{ id: 'd', type: 'Happened', data: { n: 'd' }, metadata: { by: 'new' } }], {
      expectedRevision: 1n,
    });
    const events = await store.readStream('loan-1');
    await store.close();
    let prev: string | null = null;
    for (const e of events) {
      expect(e.hash).toBe(eventHash(prev, e));
      prev = e.hash!;
    }
    expect(events.map((e) => e.id)).toEqual(['a', 'c', 'd']);
  });
});

describe('SQLite writes to several streams at once', () => {
  const event = (type: string) => ({ id: randomUUID(), type, data: {}, metadata: {} });

  it('records all of them or none: a refusal of the last takes back the first, and leaves the writes beside it alone', async () => {
    const store = new SqliteEventStore({ path: join(dir, `${randomUUID()}.db`) });
    await store.appendToStream('fund-1', [event('Contributed')], { expectedRevision: 'no_stream' });
    const [refused, beside] = await Promise.allSettled([
      store.appendToStreams([
        { streamName: 'borrower-1', events: [event('Opened')], expectedRevision: 'no_stream' },
        { streamName: 'fund-1', events: [event('Reserved')], expectedRevision: 'no_stream' },
      ]),
      store.appendToStreams([
        { streamName: 'borrower-2', events: [event('Opened')], expectedRevision: 'no_stream' },
        { streamName: 'loan-2', events: [event('Applied')], expectedRevision: 'no_stream' },
      ]),
    ]);
    expect(refused.status === 'rejected' && refused.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(beside.status).toBe('fulfilled');
    expect((await store.readAll()).map((e) => `${e.streamName} ${e.type}`)).toEqual([
      'fund-1 Contributed',
      'borrower-2 Opened',
      'loan-2 Applied',
    ]);
    await store.close();
  });
});

describe('SQLite reads of several streams at once', () => {
  it("gives each stream's events in order, none for a stream that does not exist, past one statement's worth of streams", async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const names = Array.from({ length: 501 }, (_, i) => `loan-${i}`);
    for (const name of names)
      await store.appendToStream(
        name,
        [0, 1].map((n) => ({ id: randomUUID(), type: `E${n}`, data: { name }, metadata: {} })),
        {
          expectedRevision: 'no_stream',
        },
      );
    const read = await store.readStreams([...names].reverse().concat('loan-none'));
    expect(read.size).toBe(502);
    expect(read.get('loan-none')).toEqual([]);
    for (const name of names) expect(read.get(name)).toEqual(await store.readStream(name));
    await store.close();
  });
});
