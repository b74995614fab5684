import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NotLeaderError,
  START,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as EsdbWrongExpectedVersion,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, Filter, Position as EsdbPosition, ResolvedEvent } from '@eventstore/db-client';
import {
  AppendResult,
  AppendTooLargeError,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreUnavailableError,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionMessage,
  WrongExpectedVersionError,
  comparePositions,
  matchesFilter,
} from '../store.port';

/**
 * The store port on EventStoreDB, through the official client (the only file that imports it, pinned to
 * an exact version). System events (`$`-prefixed types or streams) never reach the rest of the system.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;

  /**
   * `deadlineMs`: how long an append may take before the client gives up (the server may still write it);
   * `attempts`: how many times a call the cluster could not take now is made before giving up.
   */
  constructor(
    connectionString: string,
    private readonly options: { deadlineMs?: number; attempts?: number } = {},
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendToStream(streamName: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    // With a revision named, a retry of an append that did commit finds its own events and is answered as done.
    const attempts = options.expectedRevision === 'any' ? 1 : undefined;
    return this.transient(`Appending to ${streamName}`, () => this.append(streamName, events, options), attempts);
  }

  private async append(streamName: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        streamName,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata as never })),
        // The port's names are the client's: 'any', 'no_stream', 'stream_exists'.
        { expectedRevision: options.expectedRevision, deadline: this.options.deadlineMs },
      );
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position! };
    } catch (error) {
      if (error instanceof EsdbWrongExpectedVersion)
        throw new WrongExpectedVersionError(streamName, options.expectedRevision, error.actualVersion as bigint | 'no_stream');
      if (error instanceof MaxAppendSizeExceededError) throw new AppendTooLargeError(streamName, error.maxAppendSize);
      throw error;
    }
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.transient(`Reading ${streamName}`, () => this.readOneStream(streamName, options));
  }

  private async readOneStream(streamName: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const read = this.client.readStream(streamName, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: from === 'start' ? START : from === 'end' ? END : from,
      maxCount: options.maxCount,
    });
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of read) out.push(toRecorded(resolved));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  /**
   * Reads pages until it has `maxCount` events that are not the server's own. The server reads $all forwards
   * from a position including it, and backwards excluding it; the port includes it both ways.
   */
  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.transient('Reading $all', () => this.readAllPages(options));
  }

  private async readAllPages(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const want = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const backwards = options.direction === 'backwards';
    const start = options.fromPosition ?? (backwards ? 'end' : 'start');
    const out: RecordedEvent[] = [];
    if (backwards && typeof start === 'object') {
      const [at] = await this.readAllPages({ fromPosition: start, maxCount: 1 });
      if (at && comparePositions(at.position, start) === 0) out.push(at);
    }
    const size = Math.min(want + 1, 4096);
    let from: EsdbPosition | typeof START | typeof END = toFrom(start);
    for (let first = true; out.length < want; first = false) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const e of this.client.readAll({ direction: backwards ? BACKWARDS : FORWARDS, fromPosition: from, maxCount: size }))
        page.push(e);
      // Forwards, a page after the first starts with the event the last one ended on.
      const fresh = first || backwards ? page : page.slice(1);
      for (const e of fresh) if (!isSystem(e)) out.push(toRecorded(e));
      if (page.length < size) break;
      from = page[page.length - 1].event!.position!;
    }
    return out.slice(0, want);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const f = options.filter;
    const filter: Filter = f?.streamNamePrefixes
      ? streamNameFilter({ prefixes: f.streamNamePrefixes })
      : f?.eventTypePrefixes
        ? eventTypeFilter({ prefixes: f.eventTypePrefixes })
        : excludeSystemEvents();
    const queue = new MessageQueue();
    const sub = this.client.subscribeToAll({
      fromPosition: toFrom(options.fromPosition ?? 'start'),
      filter: {
        ...filter,
        checkpointReached: (_s: unknown, position: EsdbPosition) => queue.push({ kind: 'checkpoint', position }),
      } as Filter,
    });
    sub.on('data', (e: AllStreamResolvedEvent) => {
      if (isSystem(e)) return;
      const event = toRecorded(e);
      // The server filters on one of stream or type; a filter on both is finished here.
      if (matchesFilter(event, f)) queue.push({ kind: 'event', event });
      else queue.push({ kind: 'checkpoint', position: event.position });
    });
    sub.on('caughtUp', () => queue.push({ kind: 'caughtUp' }));
    sub.on('error', (error: Error) => queue.fail(error));
    sub.on('end', () => queue.end());
    const unsubscribe = async () => {
      queue.end();
      await sub.unsubscribe();
    };
    // A loop that breaks or throws out of its `for await` ends the gRPC call too, not only the local queue.
    return { [Symbol.asyncIterator]: () => queue.iterator(unsubscribe), unsubscribe };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** Makes a call again, with back-off, while the cluster cannot take it (no leader, a leader change, a deadline). */
  private async transient<T>(what: string, call: () => Promise<T>, attempts = this.options.attempts ?? 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!TRANSIENT.some((kind) => error instanceof kind)) throw error;
        if (attempt >= attempts)
          throw new StoreUnavailableError(`${what}: the event store cannot take it now (${(error as Error).message})`);
        await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
      }
    }
  }
}

const TRANSIENT = [UnavailableError, NotLeaderError, DeadlineExceededError, TimeoutError];

const isSystem = (e: ResolvedEvent) => !e.event || e.event.type.startsWith('$') || e.event.streamId.startsWith('$');
const toFrom = (p: Position | 'start' | 'end') => (p === 'start' ? START : p === 'end' ? END : p);

function toRecorded(resolved: ResolvedEvent): RecordedEvent {
  const e = resolved.event!;
  return {
    streamName: e.streamId,
    revision: e.revision,
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata ?? {},
    position: e.position!,
    created: e.created,
  };
}

/** Push-to-pull: the client's subscription emits; the port's subscription is iterated one message at a time. */
class MessageQueue {
  private readonly items: SubscriptionMessage[] = [];
  private waiting?: (r: IteratorResult<SubscriptionMessage>) => void;
  private failing?: (e: Error) => void;
  private ended = false;
  private error?: Error;

  push(m: SubscriptionMessage) {
    if (this.ended) return;
    if (this.waiting) this.settle({ value: m, done: false });
    else this.items.push(m);
  }

  end() {
    this.ended = true;
    this.settle({ value: undefined, done: true });
  }

  fail(error: Error) {
    this.error = error;
    this.ended = true;
    const reject = this.failing;
    this.waiting = this.failing = undefined;
    reject?.(error);
  }

  private settle(r: IteratorResult<SubscriptionMessage>) {
    const resolve = this.waiting;
    this.waiting = this.failing = undefined;
    resolve?.(r);
  }

  iterator(onReturn: () => Promise<void>): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => {
        if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
        if (this.error) return Promise.reject(this.error);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failing = reject;
        });
      },
      return: async () => {
        await onReturn();
        return { value: undefined, done: true };
      },
    };
  }
}
