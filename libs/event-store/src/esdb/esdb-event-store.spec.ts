import { describeEventStoreBehaviour } from '../testing/event-store.behaviour';
import { NewEvent, StoreAccessDeniedError, StoreUnavailableError, StreamDeletedError } from '../store.port';
import { randomUUID } from 'node:crypto';
import { EsdbEventStore, HIGH_WATER } from './esdb-event-store';
import { EsdbTestServer, EsdbTestServerOptions } from './testing/test-server';
import { TestCertificates, makeTestCertificates } from './testing/certificates';
import { waitUntil } from '../../../../test/support/wait';
import { newSigningKey } from '../audit/digest';
import { sealMonth } from '../audit/seal';
import { verifyHistory } from '../audit/verify-history';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';

const servers = new Map<EsdbEventStore, EsdbTestServer>();

/** A server with the options given and a store connected to it, both closed after `use`, whatever it does. */
async function withServer(options: EsdbTestServerOptions, use: (server: EsdbTestServer, store: EsdbEventStore) => Promise<void>) {
  const server = new EsdbTestServer(options);
  await server.start();
  const store = new EsdbEventStore(server.connectionString);
  try {
    await use(server, store);
  } finally {
    await store.close();
    await server.stop();
  }
}

const happened = (n = 0): NewEvent => ({ id: randomUUID(), type: 'Happened', data: { n }, metadata: {} });

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

describe('a stream deleted for good (tombstoned)', () => {
  it.each([true, false])('is refused as deleted, not read as missing, and not written to (BatchAppend: %s)', async (batchAppend) => {
    await withServer({ batchAppend }, async (server, store) => {
      await store.appendToStream('loan-gone', [happened()], { expectedRevision: 'no_stream' });
      server.log.tombstone('loan-gone');
      const read = await store.readStream('loan-gone').catch((e) => e);
      expect(read).toBeInstanceOf(StreamDeletedError);
      expect(read).toMatchObject({ streamName: 'loan-gone', message: expect.stringMatching(/deleted from the event store for good/) });
      const appended = await store.appendToStream('loan-gone', [happened(1)], { expectedRevision: 0n }).catch((e) => e);
      expect(appended).toBeInstanceOf(StreamDeletedError);
      expect(appended.streamName).toBe('loan-gone');
      // Nothing else is touched: other streams read and take appends as before.
      await store.appendToStream('loan-kept', [happened()], { expectedRevision: 'no_stream' });
      expect(await store.readStream('loan-kept')).toHaveLength(1);
    });
  });
});

describe('a node that is not the leader', () => {
  it.each([true, false])(
    'is asked again until the leader takes the call; an append so retried is recorded once (BatchAppend: %s)',
    async (batchAppend) => {
      await withServer({ batchAppend }, async (server, store) => {
        const event = happened();
        server.notLeader = 2;
        const appended = await store.appendToStream('thing-5', [event], { expectedRevision: 'no_stream' });
        expect([appended.nextExpectedRevision, server.notLeader]).toEqual([0n, 0]);
        server.notLeader = 2;
        expect((await store.readStream('thing-5')).map((e) => e.id)).toEqual([event.id]);
        expect(server.notLeader).toBe(0);
        expect(server.log.stream('thing-5')?.map((e) => e.id)).toEqual([event.id]);
      });
    },
  );

  it('sends the client to the leader it names, where the append is recorded', async () => {
    const leader = new EsdbTestServer();
    await leader.start();
    try {
      await withServer({}, async (follower, store) => {
        follower.notLeader = Number.MAX_SAFE_INTEGER;
        follower.leader = { host: '127.0.0.1', port: leader.port };
        const event = happened();
        await store.appendToStream('thing-6', [event], { expectedRevision: 'no_stream' });
        expect(leader.log.stream('thing-6')?.map((e) => e.id)).toEqual([event.id]);
        expect(follower.log.stream('thing-6')).toBeUndefined();
        expect((await store.readStream('thing-6')).map((e) => e.id)).toEqual([event.id]);
      });
    } finally {
      await leader.stop();
    }
  });

  it('gives up after its attempts, saying the store cannot take the call now, and writes nothing', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const store = new EsdbEventStore(server.connectionString, { attempts: 2 });
    try {
      server.notLeader = Number.MAX_SAFE_INTEGER;
      await expect(store.appendToStream('thing-7', [happened()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.readStream('thing-7')).rejects.toThrow(/Reading thing-7: the event store cannot take it now/);
      expect(server.log.stream('thing-7')).toBeUndefined();
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe('a catch-up subscription over a long history, read slowly', () => {
  it('holds little on the server and in the adapter, and delivers every event once, in order', async () => {
    await withServer({ systemEvents: false }, async (server, store) => {
      const total = 30_000;
      // Written straight into the server's log: this is a test of reading, and appending them all through gRPC takes seconds.
      for (let batch = 0; batch < total / 1_000; batch++) {
        const events = Array.from({ length: 1_000 }, (_, i) => {
          const data = Buffer.from(JSON.stringify({ n: batch * 1_000 + i }));
          return { id: randomUUID(), type: 'Happened', contentType: 'application/json', data, metadata: Buffer.from('{}') };
        });
        server.log.append(`long-${batch}`, events, { kind: 'no_stream' });
      }
      const subscription = store.subscribeToAll();
      const seen: number[] = [];
      for await (const m of subscription) {
        if (m.kind === 'caughtUp') break;
        if (m.kind === 'event') seen.push((m.event.data as { n: number }).n);
        // A consumer with work to do: it stops now and then, while the server could send thousands of events.
        if (seen.length === 1_000 || seen.length === 15_000) await new Promise((r) => setTimeout(r, 300));
      }
      expect(seen).toEqual(Array.from({ length: total }, (_, n) => n));
      const { mostWaiting } = subscription as unknown as { mostWaiting: number };
      expect(mostWaiting).toBeGreaterThan(HIGH_WATER / 2); // the consumer was the slower: the bounds below were tried
      expect(mostWaiting).toBeLessThanOrEqual(HIGH_WATER + 10);
      // gRPC's buffer for one call is 16 messages: the server waits for it to drain rather than queue the history.
      expect(server.mostQueued).toBeLessThanOrEqual(20);
    });
  });
});

describe('EventStoreDB on a secured cluster (TLS, users, the ACL of $all)', () => {
  let certificates: TestCertificates;
  let server: EsdbTestServer;
  const users = {
    admin: { password: 'changeit', groups: ['$admins'] },
    // The projector's user: no admin, granted reading $all by its ACL. The password needs escaping in a connection string.
    projector: { password: 'p@ss:w/rd%', groups: ['loan-readers'] },
    clerk: { password: 'clerk-secret' },
  };
  beforeAll(async () => {
    certificates = makeTestCertificates();
    server = new EsdbTestServer({ tls: certificates, users, allReaders: ['loan-readers'] });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    certificates.remove();
  });
  const as = (name: keyof typeof users | undefined, password = name && users[name].password, attempts?: number) =>
    new EsdbEventStore(server.secureConnectionString(certificates.caFile, name && { name, password: password! }), { attempts });
  const using = async (store: EsdbEventStore, use: (store: EsdbEventStore) => Promise<void>) => {
    try {
      await use(store);
    } finally {
      await store.close();
    }
  };

  it('refuses a wrong password at once, in words, for appends, reads and subscriptions', async () => {
    await using(as('projector', 'wrong'), async (store) => {
      const refused = /the event store refused the user name and password of its connection string/;
      await expect(store.appendToStream('thing-8', [happened()], { expectedRevision: 'no_stream' })).rejects.toThrow(refused);
      await expect(store.readStream('thing-8')).rejects.toBeInstanceOf(StoreAccessDeniedError);
      await expect(store.readAll({ maxCount: 1 })).rejects.toThrow(refused);
      await expect(store.subscribeToAll()[Symbol.asyncIterator]().next()).rejects.toThrow(refused);
    });
  });

  it('lets every user read and write streams, but only $admins and those the ACL names read $all', async () => {
    await using(as('clerk'), async (clerk) => {
      await clerk.appendToStream('thing-9', [happened()], { expectedRevision: 'no_stream' });
      expect(await clerk.readStream('thing-9')).toHaveLength(1);
      const noRight = /Reading \$all: the event store's user \(in its connection string\) has no right to do this/;
      await expect(clerk.readAll({ maxCount: 1 })).rejects.toThrow(noRight);
      await expect(clerk.subscribeToAll()[Symbol.asyncIterator]().next()).rejects.toThrow(StoreAccessDeniedError);
    });
    for (const name of ['admin', 'projector'] as const)
      await using(as(name), async (store) => {
        expect((await store.readAll()).map((e) => e.streamName)).toContain('thing-9');
        const subscribed: string[] = [];
        for await (const m of store.subscribeToAll()) {
          if (m.kind === 'caughtUp') break;
          if (m.kind === 'event') subscribed.push(m.event.streamName);
        }
        expect(subscribed).toContain('thing-9');
      });
  });

  it('refuses a client that names no user, as a cluster without anonymous access does', async () => {
    await using(as(undefined), async (anonymous) => {
      await expect(anonymous.readStream('thing-9')).rejects.toThrow(/has no right to do this/);
      await expect(anonymous.appendToStream('thing-10', [happened()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        StoreAccessDeniedError,
      );
    });
  });

  it('fails at once, naming the certificate, when tlsCAFile is not the authority that signed the server', async () => {
    const store = new EsdbEventStore(server.secureConnectionString(certificates.otherCaFile, { name: 'admin', password: 'changeit' }));
    await using(store, async () => {
      const started = Date.now();
      await expect(store.readStream('thing-9')).rejects.toThrow(/certificate is not one its connection string trusts .*tlsCAFile/);
      expect(Date.now() - started).toBeLessThan(500); // not retried as though the cluster were busy
    });
  });
});

/** The behaviour suite over TLS, as the projector's user: not an admin, granted reading $all by the ACL. */
let secured: TestCertificates | undefined;
afterAll(() => secured?.remove());
describeEventStoreBehaviour(
  'EventStoreDB over TLS, as a user the ACL of $all lets read it (in-process test server)',
  async () => {
    secured ??= makeTestCertificates();
    const server = new EsdbTestServer({ tls: secured, users: { projector: { password: 'projector-secret' } }, allReaders: ['projector'] });
    await server.start();
    const store = new EsdbEventStore(server.secureConnectionString(secured.caFile, { name: 'projector', password: 'projector-secret' }));
    servers.set(store, server);
    return store;
  },
  async (store) => {
    await store.close();
    await servers.get(store as EsdbEventStore)?.stop();
  },
);

if (process.env.EVENTSTORE_CONNECTION_STRING) {
  describeEventStoreBehaviour('EventStoreDB (a real server)', async () => new EsdbEventStore(process.env.EVENTSTORE_CONNECTION_STRING!));
}

describe('the audit on EventStoreDB', () => {
  it('chains, seals and verifies as on SQLite: the same hashes for the same events, and a digest that holds', async () => {
    const { key } = newSigningKey();
    const events = (stream: string) =>
      Array.from({ length: 3 }, (_, i) => ({
        id: `6f1c3d52-8a7e-4f7b-9a55-2b1c0e7d9f1${i}`,
        type: 'Happened',
        data: { n: i, stream },
        metadata: { by: 'test' },
      }));
    const sqlite = new SqliteEventStore({ path: ':memory:' });
    await withServer({}, async (_server, esdb) => {
      for (const store of [sqlite, esdb]) {
        await store.appendToStream('loan-A', events('A').slice(0, 2), { expectedRevision: 'no_stream' });
        await store.appendToStream('loan-A', events('A').slice(2), { expectedRevision: 1n });
      }
      const [fromSqlite, fromEsdb] = [await sqlite.readStream('loan-A'), await esdb.readStream('loan-A')];
      expect(fromEsdb.map((e) => e.hash)).toEqual(fromSqlite.map((e) => e.hash));
      expect(fromEsdb[0].metadata).toEqual({ by: 'test' });
      const { digest } = await sealMonth(esdb, key, '2011-06');
      expect(digest.treeSize).toBe(3);
      const report = await verifyHistory(esdb, { publicKey: key.publicKey });
      expect(report).toMatchObject({ events: 4, problems: [], digests: [{ month: '2011-06', holds: true }] });
    });
    await sqlite.close();
  });
});
