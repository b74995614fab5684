import { EventStore } from '@app/event-store';
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

/** Every event that passes the as-of filter, in the store's order. */
export async function eventsAsOf(store: EventStore, asOf: AsOf): Promise<ProjectedEvent[]> {
  const out: ProjectedEvent[] = [];
  let from: Parameters<EventStore['readAll']>[0] = { maxCount: PAGE };
  for (;;) {
    const page = await store.readAll(from);
    const fresh = from.fromPosition !== undefined ? page.slice(1) : page; // reads include their start
    for (const e of fresh) {
      const p = toProjected(e);
      if (asOf.businessDate && p.businessDate > asOf.businessDate) continue;
      if (asOf.knownAt && p.recordedAt > asOf.knownAt) continue;
      out.push(p);
    }
    if (page.length < PAGE) return out;
    from = { fromPosition: page[page.length - 1].position, maxCount: PAGE };
  }
}

/** A projection's rows as of a point in the two clocks, by the same code that keeps the live tables. */
export async function projectAsOf(store: EventStore, projection: Projection, asOf: AsOf): Promise<MemoryTx> {
  return MemoryTx.fold(projection, await eventsAsOf(store, asOf));
}
