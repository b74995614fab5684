import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, SqliteEventStore, Subscription, SubscriptionMessage } from '@app/event-store';
import { FUNDS, FUND_MOVEMENTS, PostgresReadStore, ProjectionRunner, ReadStore, SqliteReadStore, fundLedger, toProjected } from '../src';
import { smallProgramme } from './history';
import { freshSchema } from './read-stores';
import { foldedRows, storedRows } from './rows';

/** Two handles on one read store, as two processes (the API's runner and a projector, or two replicas) have. */
const SHARED_READ_STORES: Array<[string, (dir: string) => Promise<[ReadStore, ReadStore]>]> = [
  ['SQLite', async (dir) => [new SqliteReadStore(join(dir, 'read.db')), new SqliteReadStore(join(dir, 'read.db'))]],
  [
    'PostgreSQL',
    async () => {
      const schema = await freshSchema();
      return [new PostgresReadStore(process.env.PG_TEST_URL!, schema), new PostgresReadStore(process.env.PG_TEST_URL!, schema)];
    },
  ],
];

/** The same events, each handed over a few milliseconds late: a runner that always trails the other. */
function trailing(store: EventStore, ms: number): EventStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'subscribeToAll') return Reflect.get(target, name, receiver);
      return (...args: Parameters<EventStore['subscribeToAll']>): Subscription => {
        const inner = target.subscribeToAll(...args);
        return {
          unsubscribe: () => inner.unsubscribe(),
          async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
            for await (const m of inner) {
              await new Promise((r) => setTimeout(r, ms));
              yield m;
            }
          },
        };
      };
    },
  });
}

describe.each(SHARED_READ_STORES)('two runners of the same projection on one %s read store', (_, openTwice) => {
  let dir: string;
  let store: SqliteEventStore;
  let stores: [ReadStore, ReadStore];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-fence-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 5 });
    stores = await openTwice(dir);
    await smallProgramme(store);
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never corrupt it: the one that finds the other has written goes on from what it wrote', async () => {
    const ahead = new ProjectionRunner(store, stores[0], [fundLedger], { batchSize: 2 });
    // Letting go of rows after every batch, the trailing runner reads back rows the other has already moved on.
    const behind = new ProjectionRunner(trailing(store, 10), stores[1], [fundLedger], { batchSize: 2, evictEvery: 1 });
    const caughtUp = async (runner: ProjectionRunner) => (await runner.statusWithLag()).every((s) => s.state === 'live' && s.lag === 0);
    const waitFor = async (what: () => Promise<boolean>) => {
      for (let tries = 0; !(await what()); tries++) {
        if (tries > 400) throw new Error(`not caught up: ${JSON.stringify([ahead.status(), behind.status()])}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await ahead.start();
    const started = behind.start();
    const [fund] = await store.readStream('fund-GC-360721');
    for (let i = 0; i < 40; i++)
      await store.appendToStream(
        'fund-GC-360721',
        [
          {
            id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            type: 'GuaranteeFundContributed',
            data: { ...(fund.data as object), amount: 1_000 + i, reference: `late-${i}` },
            metadata: fund.metadata,
          },
        ],
        { expectedRevision: 'any' },
      );
    await waitFor(() => caughtUp(ahead));
    // The trailing runner is stopped half-way: what it commits as it stops must not undo the other's work.
    await started;
    await ahead.stop();
    await behind.stop();
    const again = new ProjectionRunner(store, stores[0], [fundLedger]);
    await again.start();
    await again.stop();
    const events = (await store.readAll()).map(toProjected);
    for (const table of [FUNDS, FUND_MOVEMENTS])
      expect(await storedRows(stores[0], fundLedger, table)).toEqual(await foldedRows(fundLedger, events, table));
  });

  it('a second build of a new generation cannot take over the tables of one begun by another', async () => {
    await stores[0].begin(fundLedger, 1);
    await expect(stores[1].begin(fundLedger, 1)).rejects.toThrow('Another runner has written fund-ledger (generation 1)');
    await stores[0].commit([{ projection: fundLedger, generation: 1, changes: new Map(), checkpoint: null, processed: 0, writes: 0 }]);
    await expect(stores[1].activate(fundLedger, 1, 0)).rejects.toThrow('Another runner has written');
    expect(await stores[1].generations(fundLedger.name)).toEqual([expect.objectContaining({ status: 'building', writes: 1 })]);
  });
});
