import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describeEventStoreBehaviour } from '../testing/event-store.behaviour';
import { SqliteEventStore } from './sqlite-event-store';

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
