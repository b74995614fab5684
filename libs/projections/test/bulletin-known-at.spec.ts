import { JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { SMALL, simulate } from '@app/simulation';
import {
  MemoryTx,
  ProjectedEvent,
  ReadStore,
  buildBulletin,
  bulletin,
  bulletinFactsFrom,
  bulletinFactsKnownAt,
  bulletinProjection,
  toProjected,
} from '../src';
import { READ_STORES, builtReadStore } from './read-stores';

/**
 * "As known at" from stored state — the rows as they stood at the end of an epoch and a fold of at most one
 * epoch — must give exactly what a fold of every event recorded by that instant gives: at the first event,
 * at the last, on an epoch's first event and anywhere between, for months before, within and after the
 * history. Small epochs (97 events) put many of them in a simulated programme.
 */
const reference = new ReferenceData(JIANGXI_REFERENCE);

let store: SqliteEventStore;
let events: ProjectedEvent[];
beforeAll(async () => {
  store = new SqliteEventStore({ path: ':memory:' });
  await simulate(new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference })), SMALL, 5);
  events = (await store.readAll()).map(toProjected);
}, 120_000);
afterAll(() => store.close());

describe.each(READ_STORES)('the bulletin as known at a time, stored on %s', (_name, openReadStore) => {
  let readStore: ReadStore;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ readStore, remove } = await builtReadStore(openReadStore, store, [bulletinProjection(97)], { batchSize: 61, rebuildFlush: 500 }));
  }, 120_000);
  afterAll(() => remove());

  it('equals a fold of every event recorded by then, at many instants and for many months', async () => {
    const ofBulletin = events.filter((e) => bulletin.eventTypes.includes(e.type));
    const months = [...new Set(events.map((e) => e.businessDate.slice(0, 7)))].sort();
    const picks = [0, 1, 96, 97, 98, 194, 500, ofBulletin.length - 1];
    for (let i = 0; i < 12; i++) picks.push(Math.floor(((i + 0.5) / 12) * ofBulletin.length));
    const instants = [new Date(0), ...picks.sort((a, b) => a - b).map((i) => ofBulletin[i].recordedAt), new Date(Date.now() + 60_000)];
    const asked = [months[0], months[Math.floor(months.length / 3)], months.at(-1)!, '2099-12'];
    // The expected rows: one fold in memory, taken further at each instant (the log's order is the order of recording).
    const folded = new MemoryTx(bulletin);
    let applied = 0;
    let compared = 0;
    for (const [n, knownAt] of instants.entries()) {
      for (; applied < ofBulletin.length && ofBulletin[applied].recordedAt <= knownAt; applied++)
        bulletin.apply(ofBulletin[applied], folded);
      // Each instant asks a different month as well as the fixed ones, so that every month is asked once.
      for (const month of [...asked, months[n % months.length]]) {
        const expected = buildBulletin(bulletinFactsFrom(folded, month), reference, month);
        const stored = buildBulletin(await bulletinFactsKnownAt(store, readStore, month, knownAt), reference, month);
        expect({ knownAt, month, rows: stored }).toEqual({ knownAt, month, rows: expected });
        compared++;
      }
    }
    expect(compared).toBe(instants.length * (asked.length + 1));
  }, 120_000);
});
