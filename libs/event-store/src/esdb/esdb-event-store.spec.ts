import { describeEventStoreBehaviour } from '../testing/event-store.behaviour';
import { StoreUnavailableError } from '../store.port';
import { randomUUID } from 'node:crypto';
import { EsdbEventStore, HIGH_WATER } from './esdb-event-store';
import { EsdbTestServer } from './testing/test-server';
import { waitUntil } from '../../../../test/support/wait';

const servers = new Map<EsdbEventStore, EsdbTestServer>();

for (const batchAppend of [true, false]) {
  describeEventStoreBehaviour(
    `EventStoreDB through the official client (in-process test server, ${batchAppend ? 'BatchAppend' : 'Append'})`,
    async () => {
      const server = new EsdbTestServer({ batchAppend });
      await server.start();
      const store = new EsdbEventStore(server.connectionString);
      servers.set(store, server);
      return store;
    },
    async (store) => {
      await store.close();
      await servers.get(store as EsdbEventStore)?.stop();
    },
  );
}

describe('the append call the client chooses', () => {
  it.each([
    [true, 'batchAppend'],
    [false, 'append'],
  ] as const)('with BatchAppend advertised: %s, it uses %s', async (batchAppend, used) => {
    const server = new EsdbTestServer({ batchAppend });
    await server.start();
    const store = new EsdbEventStore(server.connectionString);
    try {
      await store.appendToStream('loan-x', [{ id: '1c9e1b2a-3d4f-4a5b-9c8d-7e6f5a4b3c2d', type: 'LoanApplied', data: {}, metadata: {} }], {
        expectedRevision: 'no_stream',
      });
      expect(server.calls[used]).toBe(1);
      expect(server.calls[used === 'append' ? 'batchAppend' : 'append']).toBe(0);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe('EventStoreDB past its deadline', () => {
  it('refuses an append the server could not handle before its deadline, writes nothing, and takes the retry once', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const impatient = new EsdbEventStore(server.connectionString, { deadlineMs: 100 });
    const event = { id: '6a0f3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b', type: 'Disbursed', data: { amount: 5_000_000 }, metadata: {} };
    try {
      server.appendDelayMs = 300;
      await expect(impatient.appendToStream('loan-slow', [event], { expectedRevision: 'no_stream' })).rejects.toThrow();
      expect(await impatient.readStream('loan-slow')).toEqual([]);
      server.appendDelayMs = 0;
      const retry = await impatient.appendToStream('loan-slow', [event], { expectedRevision: 'no_stream' });
      expect(retry.nextExpectedRevision).toBe(0n);
      await impatient.appendToStream('loan-slow', [event], { expectedRevision: 'no_stream' });
      expect((await impatient.readStream('loan-slow')).map((e) => e.id)).toEqual([event.id]);
    } finally {
      await impatient.close();
      await server.stop();
    }
  });
});

describe('EventStoreDB that cannot take a call now (no leader, a restart)', () => {
  const event = { id: 'c3d5e7f9-2b4c-4d6e-8f0a-1b2c3d4e5f6a', type: 'Happened', data: {}, metadata: {} };

  it('retries reads and appends until the server takes them, and records the append once', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const store = new EsdbEventStore(server.connectionString);
    try {
      server.unavailable = true;
      setTimeout(() => (server.unavailable = false), 150);
      const appended = await store.appendToStream('thing-2', [event], { expectedRevision: 'no_stream' });
      expect(appended.nextExpectedRevision).toBe(0n);
      server.unavailable = true;
      setTimeout(() => (server.unavailable = false), 150);
      expect((await store.readStream('thing-2')).map((e) => e.id)).toEqual([event.id]);
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it.each([true, false])(
    'retries an append whose reply was lost once written, and it is recorded once (BatchAppend: %s)',
    async (batchAppend) => {
      const server = new EsdbTestServer({ batchAppend });
      await server.start();
      const store = new EsdbEventStore(server.connectionString);
      try {
        server.lostReplies = 1;
        const appended = await store.appendToStream('thing-4', [event], { expectedRevision: 'no_stream' });
        expect(appended.nextExpectedRevision).toBe(0n);
        expect(server.lostReplies).toBe(0);
        expect((await store.readStream('thing-4')).map((e) => e.id)).toEqual([event.id]);
      } finally {
        await store.close();
        await server.stop();
      }
    },
  );

  it('gives up after its attempts, saying the store cannot take the call now', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const store = new EsdbEventStore(server.connectionString, { attempts: 2 });
    try {
      server.unavailable = true;
      await expect(store.appendToStream('thing-3', [event], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.readAll({ maxCount: 1 })).rejects.toThrow(/Reading \$all: the event store cannot take it now/);
      server.unavailable = false;
      expect(await store.readStream('thing-3')).toEqual([]);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe('a subscription whose consumer is slower than the server', () => {
  it('holds a bounded number of messages, and says it has caught up only after every event before', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const store = new EsdbEventStore(server.connectionString);
    try {
      const total = 6_000;
      for (let batch = 0; batch < total / 500; batch++) {
        const events = Array.from({ length: 500 }, (_, i) => ({
          id: randomUUID(),
          type: 'Happened',
          data: { n: batch * 500 + i },
          metadata: {},
        }));
        await store.appendToStream(`many-${batch}`, events, { expectedRevision: 'no_stream' });
      }
      const subscription = store.subscribeToAll();
      const seen: number[] = [];
      let caughtUpAfter = -1;
      for await (const m of subscription) {
        if (m.kind === 'event') seen.push((m.event.data as { n: number }).n);
        if (m.kind === 'caughtUp') {
          caughtUpAfter = seen.length;
          break;
        }
        if (seen.length % 200 === 0) await new Promise((r) => setTimeout(r, 2)); // a consumer with work to do
      }
      expect(caughtUpAfter).toBe(total);
      expect(seen).toEqual(Array.from({ length: total }, (_, n) => n));
      expect((subscription as unknown as { mostWaiting: number }).mostWaiting).toBeLessThanOrEqual(HIGH_WATER + 10);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe('a subscription left by a loop that throws', () => {
  it('is cancelled on the server, not only in the adapter', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const store = new EsdbEventStore(server.connectionString);
    try {
      const event = { id: 'b2f4c6d8-1a3b-4c5d-8e9f-0a1b2c3d4e5f', type: 'Happened', data: {}, metadata: {} };
      await store.appendToStream('thing-1', [event], { expectedRevision: 'no_stream' });
      const consume = async () => {
        for await (const m of store.subscribeToAll()) if (m.kind === 'event') throw new Error('a projection failed');
      };
      await expect(consume()).rejects.toThrow('a projection failed');
      await waitUntil('the server has no subscription left', () => server.liveSubscriptions === 0, 5_000);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

if (process.env.EVENTSTORE_CONNECTION_STRING) {
  describeEventStoreBehaviour('EventStoreDB (a real server)', async () => new EsdbEventStore(process.env.EVENTSTORE_CONNECTION_STRING!));
}
