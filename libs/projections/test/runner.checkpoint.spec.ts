import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, SYSTEM_ACTOR, yuan } from '@app/domain';
import { SqliteEventStore, positionToString } from '@app/event-store';
import { Programme } from '@app/programme';
import {
  FUNDS,
  FUND_MOVEMENTS,
  Projection,
  ProjectionRunner,
  ReadStore,
  SqliteReadStore,
  businessLedger,
  fundLedger,
  toProjected,
} from '../src';
import { smallProgramme } from './history';
import { foldedRows, storedRows } from './rows';

/**
 * Where a projection has got to is committed with its rows: a runner started again goes on from there,
 * neither folding an event twice nor missing one, and says how far behind it is.
 */
describe('the projection runner, stopped and started again', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readStore: ReadStore;
  let programme: Programme;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-checkpoint-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
    readStore = new SqliteReadStore(join(dir, 'read.db'));
    programme = await smallProgramme(store);
  });
  afterEach(async () => {
    await readStore.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const folded = async (p: Projection = fundLedger) => (await store.readAll()).filter((e) => p.eventTypes.includes(e.type));
  const lastPosition = async () => positionToString((await folded()).at(-1)!.position);
  const contribute = (reference: string) =>
    programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(1_000), reference },
      { commandId: reference, actor: SYSTEM_ACTOR, businessDate: '2011-12-31' as BusinessDate },
    );
  const rowsMatchTheEvents = async () => {
    const events = (await store.readAll()).map(toProjected);
    for (const table of [FUNDS, FUND_MOVEMENTS])
      expect(await storedRows(readStore, fundLedger, table)).toEqual(await foldedRows(fundLedger, events, table));
  };

  it('commits how far it got with its rows: the last event it read', async () => {
    const runner = new ProjectionRunner(store, readStore, [fundLedger], { batchSize: 4 });
    await runner.start();
    await runner.stop();
    const processed = (await folded()).length;
    expect(await readStore.generations(fundLedger.name)).toEqual([
      expect.objectContaining({
        generation: 1,
        version: fundLedger.version,
        status: 'active',
        checkpoint: await lastPosition(),
        processed,
      }),
    ]);
    expect(runner.status()).toEqual([
      { name: fundLedger.name, version: fundLedger.version, state: 'stopped', generation: 1, position: await lastPosition(), processed },
    ]);
  });

  it('goes on from its checkpoint: what was recorded meanwhile is folded once, and nothing before it again', async () => {
    const first = new ProjectionRunner(store, readStore, [fundLedger], { batchSize: 4 });
    await first.start();
    await first.stop();
    await contribute('late-1');
    await contribute('late-2');
    const second = new ProjectionRunner(store, readStore, [fundLedger], { batchSize: 4 });
    await second.start();
    await second.stop();
    expect(second.status()[0]).toMatchObject({ generation: 1, processed: (await folded()).length, position: await lastPosition() });
    await rowsMatchTheEvents();
  });

  it('says how far behind it is, in events recorded after its position and as progress', async () => {
    const runner = new ProjectionRunner(store, readStore, [fundLedger]);
    const all = (await folded()).length;
    expect(await runner.statusWithLag()).toEqual([expect.objectContaining({ state: 'stopped', position: null, lag: all, progress: 0 })]);
    await runner.start();
    await runner.stop();
    expect(await runner.statusWithLag()).toEqual([expect.objectContaining({ lag: 0, progress: 100 })]);
    await contribute('late-1');
    await contribute('late-2');
    const processed = (await folded()).length - 2;
    const [behind] = await runner.statusWithLag();
    expect([behind.lag, behind.progress]).toEqual([2, Math.floor((processed * 1000) / (processed + 2)) / 10]);
    // Further behind than it counts: the lag stops at the cap, and no progress is claimed.
    expect(await runner.statusWithLag(1)).toEqual([expect.objectContaining({ lag: 1, progress: null })]);
    expect(await runner.statusWithLag(2)).toEqual([expect.objectContaining({ lag: 2, progress: null })]);
    expect(await runner.statusWithLag(3)).toEqual([expect.objectContaining({ lag: 2, progress: behind.progress })]);
  });

  it('counts each projection from its own position, when one is far behind another', async () => {
    // One projection fails on its first event and stays at the start; the fund ledger goes on to the head.
    const broken: Projection = {
      ...businessLedger,
      name: 'broken',
      apply: () => {
        throw new Error('broken');
      },
    };
    const runner = new ProjectionRunner(store, readStore, [broken, fundLedger]);
    await runner.start().catch(() => undefined);
    await runner.stop();
    await contribute('late-1');
    const all = (await folded(broken)).length;
    const lags = async (cap?: number) => (await runner.statusWithLag(cap)).map((s) => [s.name, s.lag]);
    expect(await lags()).toEqual([
      ['broken', all],
      ['fund-ledger', 1],
    ]);
    expect(await lags(3)).toEqual([
      ['broken', 3],
      ['fund-ledger', 1],
    ]);
  });

  it('claims no progress through a store with nothing in it', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'loans-empty-'));
    const empty = new SqliteEventStore({ path: join(emptyDir, 'events.db') });
    expect(await new ProjectionRunner(empty, readStore, [fundLedger]).statusWithLag()).toEqual([
      expect.objectContaining({ lag: 0, progress: null }),
    ]);
    await empty.close();
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('says whether it is building new tables or catching up on its live ones', async () => {
    const seen: string[] = [];
    let runner: ProjectionRunner;
    const watched: Projection = {
      ...fundLedger,
      apply: (e, tx) => {
        seen.push(runner.status()[0].state);
        return fundLedger.apply(e, tx);
      },
    };
    runner = new ProjectionRunner(store, readStore, [watched]);
    await runner.start();
    await runner.stop();
    await contribute('late-1');
    runner = new ProjectionRunner(store, readStore, [watched]);
    await runner.start();
    expect(runner.status()[0].state).toBe('live');
    await runner.stop();
    expect([...new Set(seen)]).toEqual(['rebuilding', 'catching_up']);
  });

  it('refuses to rebuild a projection it does not run', async () => {
    const runner = new ProjectionRunner(store, readStore, [fundLedger]);
    await expect(runner.rebuild('no-such-ledger')).rejects.toThrow();
    expect(await readStore.generations(fundLedger.name)).toEqual([]);
    await runner.rebuild();
    expect((await readStore.generations(fundLedger.name)).map((g) => g.status)).toEqual(['active']);
    await runner.stop();
    await rowsMatchTheEvents();
  });
});
