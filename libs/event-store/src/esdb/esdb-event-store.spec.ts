import { describeEventStoreBehaviour } from '../testing/event-store.behaviour';
import { EsdbEventStore } from './esdb-event-store';
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
