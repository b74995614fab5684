import { EventStore, Position } from '@app/event-store';
import { MemoryTx } from './memory-tx';
import { Projection, ProjectedEvent } from './projection';
import { toProjected } from './runner';

/** A point in the two clocks: what had happened by a business date, as the system knew it at a recorded time. */
export interface AsOf {
  /** Only events whose business date is on or before this day. */
  businessDate?: string;
  /** Only events recorded at or before this instant. */
  knownAt?: Date;
}

const PAGE = 5000;

/**
 * A `knownAt` is a moment, with its time and zone. A date alone (2011-06-30) would be read as midnight UTC of
 * that day in the recording clock, which is rarely what is meant (a business date is `asOf`), so it is refused.
 */
export const KNOWN_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const KNOWN_AT_MESSAGE =
  'knownAt is a moment with its time zone, such as 2011-07-01T08:00:00+08:00 (as the system knew it then); ' +
  'for the state at the end of a business date, use asOf=YYYY-MM-DD';
export const isKnownAt = (text: string) => KNOWN_AT.test(text) && !Number.isNaN(Date.parse(text));

/** Whether an event is dated on or before the business date and recorded by the instant. */
export const happenedBy = (e: ProjectedEvent, asOf: AsOf): boolean =>
  !(asOf.businessDate && e.businessDate > asOf.businessDate) && !(asOf.knownAt && e.recordedAt > asOf.knownAt);

/** Every event of these types that passes the as-of filter, in the store's order, a page at a time. */
export async function* eventsAsOf(store: EventStore, asOf: AsOf, types?: ReadonlySet<string>): AsyncGenerator<ProjectedEvent[]> {
  let from: Position | undefined;
  const filter = types && { eventTypePrefixes: [...types] }; // the store skips the others before decoding them
  for (;;) {
    const page = await store.readAll({ fromPosition: from ?? 'start', maxCount: PAGE, filter });
    const out: ProjectedEvent[] = [];
    for (let i = from ? 1 : 0; i < page.length; i++) {
      // reads include their start
      if (types && !types.has(page[i].type)) continue;
      const p = toProjected(page[i]);
      if (happenedBy(p, asOf)) out.push(p);
    }
    yield out;
    if (page.length < PAGE) return;
    from = page[page.length - 1].position;
  }
}

/** Time travel that folds many events runs one at a time in a process: each holds its rows in memory while it runs. */
let running: Promise<unknown> = Promise.resolve();
export function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const done = running.then(work);
  running = done.catch(() => undefined);
  return done;
}

/**
 * A projection's rows as of a point in the two clocks, by the same code that keeps the live tables: a fold
 * of the history, page by page, giving way to other work between pages. The business ledger, the fund
 * movements and the journal answer from stored state instead (`ledgers-as-of.ts`), as does the bulletin
 * "as known at" (`bulletinFactsKnownAt`); this is what they are checked against.
 */
export function projectAsOf(store: EventStore, projection: Projection, asOf: AsOf): Promise<MemoryTx> {
  return oneAtATime(async () => {
    const tx = new MemoryTx(projection);
    for await (const page of eventsAsOf(store, asOf, new Set(projection.eventTypes))) {
      for (const e of page) projection.apply(e, tx);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return tx;
  });
}
