import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import {
  BUSINESS_LEDGER,
  FUNDS,
  FUND_MOVEMENTS,
  MemoryTx,
  PROJECTIONS,
  Projection,
  ProjectionRunner,
  ReadStore,
  buildBulletin,
  bulletin,
  bulletinFactsFrom,
  businessLedger,
  fundLedger,
  loadBulletinFacts,
  queryLedger,
  toProjected,
} from '../src';
import { READ_STORES } from './read-stores';
import { foldedRows, storedRows } from './rows';
import { smallProgramme } from './history';

describe.each(READ_STORES)('the projection runner on %s', (_, openReadStore) => {
  let dir: string;
  let store: SqliteEventStore;
  let readStore: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-projections-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
    readStore = await openReadStore(dir);
    await smallProgramme(store);
  });
  afterEach(async () => {
    await readStore.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A contribution to 赣县's fund recorded now, shaped like the first one. */
  const contributeLate = async (id: string, amount: number, reference: string) => {
    const [fund] = await store.readStream('fund-GC-360721');
    await store.appendToStream(
      'fund-GC-360721',
      [{ id, type: 'GuaranteeFundContributed', data: { ...(fund.data as object), amount, reference }, metadata: fund.metadata }],
      { expectedRevision: 'any' },
    );
  };
  const expected = async (p: Projection, table: string) => foldedRows(p, (await store.readAll()).map(toProjected), table);
  const actual = (p: Projection, table: string) => storedRows(readStore, p, table);

  it('catches up to exactly the rows of a fold over the same events, then follows live events', async () => {
    const runner = new ProjectionRunner(store, readStore, [businessLedger, fundLedger], { batchSize: 3 });
    await runner.start();
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(await expected(businessLedger, BUSINESS_LEDGER));
    expect(await actual(fundLedger, FUND_MOVEMENTS)).toEqual(await expected(fundLedger, FUND_MOVEMENTS));
    expect(runner.status().map((s) => s.state)).toEqual(['live', 'live']);

    await contributeLate('5f2b2a43-0f53-4c8a-9d3e-1b1c1d1e1f10', 500, 'late');
    await waitFor(async () => (await readStore.query(`SELECT balance FROM ${FUNDS} WHERE fund_id = 'GC-360721'`))[0].balance === 6_953_834);
    expect(await actual(fundLedger, FUNDS)).toEqual(await expected(fundLedger, FUNDS));
    await runner.stop();
  });

  it('feeds projections at different checkpoints from one read: each resumes where it was, with its rows loaded back', async () => {
    // The business ledger stops part-way (it throws at its 12th event, after two batches of 5); the others have not begun.
    let seen = 0;
    const stopping: Projection = {
      ...businessLedger,
      apply: (e, tx) => {
        if (++seen === 12) throw new Error('stopped here');
        businessLedger.apply(e, tx);
      },
    };
    await expect(new ProjectionRunner(store, readStore, [stopping], { batchSize: 5, rebuildFlush: 5 }).start()).rejects.toThrow(
      'stopped here',
    );
    expect((await readStore.generations(businessLedger.name))[0]).toMatchObject({ processed: 10 });

    const runner = new ProjectionRunner(store, readStore, PROJECTIONS, { batchSize: 4 });
    await runner.start();
    const events = (await store.readAll()).map(toProjected);
    for (const p of PROJECTIONS) {
      for (const t of p.tables)
        expect({ table: t.name, rows: await actual(p, t.name) }).toEqual({ table: t.name, rows: await expected(p, t.name) });
      // Every event of its types counted once: none lost, none applied twice.
      const [gen] = await readStore.generations(p.name);
      expect({ name: p.name, processed: gen.processed }).toEqual({
        name: p.name,
        processed: events.filter((e) => p.eventTypes.includes(e.type)).length,
      });
    }
    expect((await readStore.generations(businessLedger.name))[0].generation).toBe(1); // resumed, not rebuilt
    await runner.stop();
  });

  it('rebuilds from the first event into new tables with exactly the same rows', async () => {
    const runner = new ProjectionRunner(store, readStore, [businessLedger]);
    await runner.start();
    const before = await actual(businessLedger, BUSINESS_LEDGER);
    const [g1] = await readStore.generations(businessLedger.name);
    await runner.rebuild('business-ledger');
    const [g2] = await readStore.generations(businessLedger.name);
    expect(g2.generation).toBe(g1.generation + 1);
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(before);
    await runner.stop();
  });

  /** The store, with reads from the first event held at a gate once it is closed: a rebuild then waits there. */
  const gatedStore = () => {
    let gating = false;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated = new Proxy(store, {
      get(target, prop) {
        if (prop !== 'subscribeToAll') {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (options: Parameters<SqliteEventStore['subscribeToAll']>[0]) => {
          const inner = target.subscribeToAll(options);
          if (!gating || options?.fromPosition !== 'start') return inner;
          let stop!: () => void;
          const stopped = new Promise<'stopped'>((resolve) => (stop = () => resolve('stopped')));
          return {
            // Ends the iteration at the gate too, as a real subscription's would end.
            unsubscribe: async () => {
              stop();
              await inner.unsubscribe();
            },
            async *[Symbol.asyncIterator]() {
              if ((await Promise.race([gate, stopped])) === 'stopped') return;
              yield* inner;
            },
          };
        };
      },
    });
    return { gated, open, closeGate: () => (gating = true) };
  };

  it('keeps the other projections live while one is rebuilt on a read of its own, then has it join the shared read', async () => {
    const { gated, open, closeGate } = gatedStore();
    const runner = new ProjectionRunner(gated, readStore, [businessLedger, fundLedger]);
    await runner.start();
    closeGate();
    const rebuilt = runner.rebuild('business-ledger');
    await waitFor(async () => runner.status()[0].state === 'rebuilding');

    await contributeLate('6f2b2a43-0f53-4c8a-9d3e-1b1c1d1e1f11', 700, 'during');
    // The fund ledger takes it in while the business ledger has not read a single event.
    await waitFor(async () => (await readStore.query(`SELECT balance FROM ${FUNDS} WHERE fund_id = 'GC-360721'`))[0].balance === 6_954_034);
    expect(runner.status().map((s) => [s.name, s.state, s.processed])).toEqual([
      ['business-ledger', 'rebuilding', 0],
      ['fund-ledger', 'live', expect.any(Number)],
    ]);

    open();
    await rebuilt;
    expect(runner.status().map((s) => s.state)).toEqual(['live', 'live']);
    expect((await readStore.generations(businessLedger.name)).map((g) => [g.generation, g.status])).toEqual([[2, 'active']]);
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(await expected(businessLedger, BUSINESS_LEDGER));
    expect(await actual(fundLedger, FUNDS)).toEqual(await expected(fundLedger, FUNDS));
    await runner.stop();
  });

  it('a second rebuild while the first is still on its own read carries both through to new tables', async () => {
    const { gated, open, closeGate } = gatedStore();
    const runner = new ProjectionRunner(gated, readStore, [businessLedger, fundLedger, bulletin]);
    await runner.start();
    closeGate();
    const first = runner.rebuild('business-ledger');
    await waitFor(async () => runner.status()[0].state === 'rebuilding');
    const second = runner.rebuild('fund-ledger');
    await waitFor(async () => runner.status()[1].state === 'rebuilding');
    open();
    await Promise.all([first, second]);
    await waitFor(async () => runner.status().every((s) => s.state === 'live'));
    for (const p of [businessLedger, fundLedger])
      expect((await readStore.generations(p.name)).map((g) => [g.generation, g.status])).toEqual([[2, 'active']]);
    expect((await readStore.generations(bulletin.name)).map((g) => g.generation)).toEqual([1]);
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(await expected(businessLedger, BUSINESS_LEDGER));
    expect(await actual(fundLedger, FUNDS)).toEqual(await expected(fundLedger, FUNDS));
    await runner.stop();
  });

  it('builds a projection new to a running system apart from those already built, and starts them all', async () => {
    const first = new ProjectionRunner(store, readStore, [fundLedger]);
    await first.start();
    await first.stop();
    const runner = new ProjectionRunner(store, readStore, [businessLedger, fundLedger]);
    await runner.start();
    expect(runner.status().map((s) => s.state)).toEqual(['live', 'live']);
    expect((await readStore.generations(fundLedger.name)).map((g) => g.generation)).toEqual([1]); // resumed, not rebuilt
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(await expected(businessLedger, BUSINESS_LEDGER));
    expect(await actual(fundLedger, FUNDS)).toEqual(await expected(fundLedger, FUNDS));
    await runner.stop();
  });

  it('a projector that dies mid-batch and restarts ends with the rows of one that never stopped', async () => {
    let seen = 0;
    const dying: Projection = {
      ...businessLedger,
      apply: (e, tx) => {
        if (++seen === 12) throw new Error('killed');
        businessLedger.apply(e, tx);
      },
    };
    await expect(new ProjectionRunner(store, readStore, [dying], { batchSize: 5, rebuildFlush: 5 }).start()).rejects.toThrow('killed');
    const [partial] = await readStore.generations(businessLedger.name);
    expect(partial).toMatchObject({ status: 'building', processed: 10, generation: 1 });
    const restarted = new ProjectionRunner(store, readStore, [businessLedger], { batchSize: 5 });
    await restarted.start();
    expect(await readStore.generations(businessLedger.name)).toEqual([expect.objectContaining({ generation: 1, status: 'active' })]);
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(await expected(businessLedger, BUSINESS_LEDGER));
    await restarted.stop();
  });

  it('answers ledger queries with filters, a tag, a date range, sorting and paging', async () => {
    const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
    await runner.start();
    await runner.stop();
    const page = await queryLedger(readStore, businessLedger, BUSINESS_LEDGER, {
      filters: { county_code: '360721' },
      sort: 'loan_id',
      order: 'desc',
    });
    expect(page.rows.map((r) => r.loan_id)).toEqual(['B', 'A']);
    expect(page.rows[0]).toMatchObject({ ever_overdue: true, categories: ['woman'] });
    expect(
      (
        await queryLedger(readStore, businessLedger, BUSINESS_LEDGER, {
          tag: ['categories', 'woman'],
          range: ['disbursed_on', '2011-01-10', '2011-01-10'],
        })
      ).total,
    ).toBe(3);
    expect(
      (await queryLedger(readStore, businessLedger, BUSINESS_LEDGER, { pageSize: 3, page: 2, sort: 'loan_id' })).rows.map((r) => r.loan_id),
    ).toEqual(['D']);
    const reference = new ReferenceData(JIANGXI_REFERENCE);
    const fromSql = buildBulletin(await loadBulletinFacts(readStore, '2011-12'), reference, '2011-12');
    const fromFold = buildBulletin(
      bulletinFactsFrom(await MemoryTx.fold(bulletin, (await store.readAll()).map(toProjected)), '2011-12'),
      reference,
      '2011-12',
    );
    expect(fromSql).toEqual(fromFold);
  });

  it('says in its status why it cannot write, while it retries, and clears that once a batch commits', async () => {
    let failing = true;
    const refusing: ReadStore = {
      generations: (name) => readStore.generations(name),
      begin: (p, g) => readStore.begin(p, g),
      get: (p, g, table, key) => readStore.get(p, g, table, key),
      load: (p, g, table) => readStore.load(p, g, table),
      commit: async (...args) => {
        if (failing) throw new Error('disk full');
        return readStore.commit(...args);
      },
      activate: (p, g, w) => readStore.activate(p, g, w),
      query: (sql, params) => readStore.query(sql, params),
      close: async () => undefined,
    };
    const runner = new ProjectionRunner(store, refusing, [businessLedger]);
    const started = runner.start();
    await waitFor(async () => (runner.status()[0].retries ?? 0) >= 2);
    const [failed] = runner.status();
    expect(failed.error).toBe('business-ledger could not write a batch to the read store: disk full');
    expect(failed.state).not.toBe('live');
    failing = false;
    await started;
    expect(runner.status()[0]).toMatchObject({ state: 'live', error: undefined, retries: undefined });
    expect(await actual(businessLedger, BUSINESS_LEDGER)).toEqual(await expected(businessLedger, BUSINESS_LEDGER));
    await runner.stop();
  });

  it('a projection whose version changed rebuilds itself', async () => {
    const first = new ProjectionRunner(store, readStore, [businessLedger]);
    await first.start();
    await first.stop();
    const second = new ProjectionRunner(store, readStore, [{ ...businessLedger, version: businessLedger.version + 1 }]);
    await second.start();
    const gens = await readStore.generations(businessLedger.name);
    expect(gens).toEqual([expect.objectContaining({ generation: 2, version: businessLedger.version + 1, status: 'active' })]);
    await second.stop();
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 5000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
