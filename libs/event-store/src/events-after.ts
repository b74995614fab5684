import { EventStore, Position, RecordedEvent, SubscriptionFilter, comparePositions } from './store.port';

/**
 * The events after `from` (exclusive: a consumer gives the last position it has) in global order, a page at a
 * time, up to the end of the log as it is when each page is read: constant memory at any length of history.
 */
export async function* eventsAfter(
  store: EventStore,
  from: Position | 'start',
  filter?: SubscriptionFilter,
  pageSize = 1_000,
): AsyncGenerator<RecordedEvent[]> {
  for (let position = from; ;) {
    const after = position;
    // The store reads from a position inclusively: one more, less the event at the position itself.
    const read = await store.readAll({ fromPosition: after, maxCount: pageSize + 1, filter });
    const page = (after === 'start' ? read : read.filter((e) => comparePositions(e.position, after) > 0)).slice(0, pageSize);
    if (page.length) yield page;
    if (page.length < pageSize) return;
    position = page[page.length - 1].position;
  }
}
