import {
  AccessDeniedError,
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NotLeaderError,
  START,
  StreamDeletedError as EsdbStreamDeleted,
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
  StoreAccessDeniedError,
  StoreUnavailableError,
  StreamDeletedError,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionMessage,
  WrongExpectedVersionError,
  comparePositions,
  matchesFilter,
} from '../store.port';
import { inCurrentShape } from '../upcast';
import { chainEvents } from '../audit/chain';

/**
 * The store port on EventStoreDB, through the official client (the only file that imports it, pinned to
 * an exact version). System events (`$`-prefixed types or streams) never reach the rest of the system.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly heads = new ChainHeads();

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

  /**
   * Each event's chain hash needs the hash of the event before it, so an append names the exact revision it
   * follows: an exact expectation as given, and 'any' or 'stream_exists' as the stream's head read just
   * before (tried again if another writer got there first).
   */
  private async append(streamName: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const loose = options.expectedRevision === 'any' || options.expectedRevision === 'stream_exists';
    for (let attempt = 1; ; attempt++) {
      const head = await this.chainHead(streamName, options.expectedRevision, events);
      if ('nextExpectedRevision' in head) return head;
      try {
        return await this.appendAfter(streamName, events, head.revision, head.hash);
      } catch (error) {
        if (!(error instanceof EsdbWrongExpectedVersion)) {
          if (error instanceof MaxAppendSizeExceededError) throw new AppendTooLargeError(streamName, error.maxAppendSize);
          throw error;
        }
        if (!loose || attempt >= LOOSE_ATTEMPTS)
          throw new WrongExpectedVersionError(streamName, options.expectedRevision, error.actualVersion as bigint | 'no_stream');
      }
    }
  }

  private async appendAfter(streamName: string, events: NewEvent[], after: bigint | 'no_stream', prev: string | null) {
    const first = after === 'no_stream' ? 0n : after + 1n;
    const hashes = chainEvents(prev, streamName, first, events);
    const result = await this.client.appendToStream(
      streamName,
      events.map((e, i) =>
        jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: { ...(e.metadata ?? {}), [HASH_KEY]: hashes[i] } as never }),
      ),
      { expectedRevision: after, deadline: this.options.deadlineMs },
    );
    this.heads.remember(streamName, result.nextExpectedRevision, hashes[hashes.length - 1]);
    return { nextExpectedRevision: result.nextExpectedRevision, position: result.position! };
  }

  /**
   * The revision an append follows and that event's hash. Under a loose expectation, events already at the
   * head with the same ids are this append made before (a retry): it is answered as done, as EventStoreDB would.
   */
  private async chainHead(
    streamName: string,
    expected: ExpectedRevision,
    events: NewEvent[],
  ): Promise<{ revision: bigint | 'no_stream'; hash: string | null } | AppendResult> {
    if (expected === 'no_stream') return { revision: 'no_stream', hash: null };
    if (typeof expected === 'bigint') {
      const known = this.heads.hashAt(streamName, expected);
      if (known) return { revision: expected, hash: known };
      const [at] = await this.readOneStream(streamName, { fromRevision: expected, maxCount: 1 });
      // A stream not at that revision refuses the append anyway; its hash does not matter.
      return { revision: expected, hash: at?.revision === expected ? (at.hash ?? null) : null };
    }
    const last = await this.readOneStream(streamName, { direction: 'backwards', maxCount: Math.max(events.length, 1) });
    if (!last.length) {
      if (expected === 'stream_exists') throw new WrongExpectedVersionError(streamName, expected, 'no_stream');
      return { revision: 'no_stream', hash: null };
    }
    const ids = last.map((e) => e.id).reverse();
    if (events.length && ids.length === events.length && ids.every((id, i) => id === events[i].id))
      return { nextExpectedRevision: last[0].revision, position: last[0].position, replayed: true };
    return { revision: last[0].revision, hash: last[0].hash ?? null };
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
      for (const e of fresh)
        if (!isSystem(e) && matchesFilter({ streamName: e.event!.streamId, type: e.event!.type }, options.filter)) out.push(toRecorded(e));
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
    // eslint-disable-next-line prefer-const -- assigned once below; the queue's callback needs the name first
    let sub: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
    // Back-pressure: past HIGH_WATER messages waiting, the client's stream is paused (and with it the
    // server, through gRPC's flow control); it resumes once the consumer has taken it down to LOW_WATER.
    const queue = new MessageQueue(() => {
      if (sub?.isPaused() && queue.size <= LOW_WATER) sub.resume();
    });
    // Caught-up and checkpoints are signalled as the client reads the server's message, while events it read
    // before may still wait in its buffer: each is held until those events are delivered, so that no
    // checkpoint is ever ahead of an event not yet delivered.
    let delivered = 0;
    const held: Array<{ dueAt: number; message: SubscriptionMessage }> = [];
    const release = () => {
      while (held.length && held[0].dueAt <= delivered) queue.push(held.shift()!.message);
    };
    const signal = (message: SubscriptionMessage) => {
      const dueAt = delivered + (sub?.readableLength ?? 0);
      const last = held[held.length - 1];
      // A checkpoint says all the earlier ones: the server sends one for each event it filters out.
      if (message.kind === 'checkpoint' && last?.message.kind === 'checkpoint' && last.dueAt === dueAt) last.message = message;
      else held.push({ dueAt, message });
      release();
    };
    sub = this.client.subscribeToAll({
      fromPosition: toFrom(options.fromPosition ?? 'start'),
      filter: {
        ...filter,
        checkpointReached: (_s: unknown, position: EsdbPosition) => signal({ kind: 'checkpoint', position }),
      } as Filter,
    });
    sub.on('data', (e: AllStreamResolvedEvent) => {
      delivered++;
      if (!isSystem(e)) {
        const event = toRecorded(e);
        // The server filters on one of stream or type; a filter on both is finished here.
        queue.push(matchesFilter(event, f) ? { kind: 'event', event } : { kind: 'checkpoint', position: event.position });
      }
      release();
      if (queue.size >= HIGH_WATER) sub!.pause();
    });
    sub.on('caughtUp', () => signal({ kind: 'caughtUp' }));
    sub.on('error', (error: Error) => queue.fail(toPortError(error, 'Subscribing to $all') as Error));
    sub.on('end', () => queue.end());
    const client = sub;
    const unsubscribe = async () => {
      queue.end();
      await client.unsubscribe();
    };
    // A loop that breaks or throws out of its `for await` ends the gRPC call too, not only the local queue.
    return {
      [Symbol.asyncIterator]: () => queue.iterator(unsubscribe),
      unsubscribe,
      /** The most messages that waited for the consumer at once (for tests of the back-pressure). */
      get mostWaiting() {
        return queue.mostWaiting;
      },
    } as Subscription;
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
        const refused = toPortError(error, what);
        if (refused !== error || !isTransient(error)) throw refused;
        if (attempt >= attempts)
          throw new StoreUnavailableError(`${what}: the event store cannot take it now (${(error as Error).message})`);
        await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
      }
    }
  }
}

const TRANSIENT = [UnavailableError, NotLeaderError, DeadlineExceededError, TimeoutError];
/** gRPC's UNAVAILABLE, which the client passes on unconverted when its channel closes before a call starts (after a reconnect). */
const GRPC_UNAVAILABLE = 14;
const isTransient = (error: unknown) =>
  TRANSIENT.some((kind) => error instanceof kind) || (error as { code?: unknown } | null)?.code === GRPC_UNAVAILABLE;

/** Faults that no retry mends (a deleted stream, credentials, rights, trust), in the port's words; any other error as it came. */
function toPortError(error: unknown, what: string): unknown {
  if (error instanceof EsdbStreamDeleted) return new StreamDeletedError(error.streamName);
  // The client cannot connect when it does not trust the server's certificate, and says so only in the message.
  if (error instanceof UnavailableError && /certificate|altnames/i.test(error.message))
    return new StoreAccessDeniedError(
      `${what}: the event store's certificate is not one its connection string trusts (${error.message}); ` +
        'tlsCAFile must name the certificate authority of the cluster',
    );
  if (!(error instanceof AccessDeniedError)) return error;
  // gRPC's UNAUTHENTICATED (16): the server did not know the user name or password; otherwise it knew them.
  return new StoreAccessDeniedError(
    error.code === 16
      ? `${what}: the event store refused the user name and password of its connection string`
      : `${what}: the event store's user (in its connection string) has no right to do this; docs/eventstoredb.md lists the rights it needs`,
  );
}

/** How many messages may wait for a subscription's consumer before the stream is paused, and until when. */
export const HIGH_WATER = 1_000;
const LOW_WATER = 250;

const isSystem = (e: ResolvedEvent) => !e.event || e.event.type.startsWith('$') || e.event.streamId.startsWith('$');
const toFrom = (p: Position | 'start' | 'end') => (p === 'start' ? START : p === 'end' ? END : p);

/** Where an event's chain hash travels in EventStoreDB: a key of its metadata, taken out as it is read. */
const HASH_KEY = '$hash';
/** How many times an append under a loose expectation is made when other writers keep moving the head. */
const LOOSE_ATTEMPTS = 5;

function toRecorded(resolved: ResolvedEvent): RecordedEvent {
  const e = resolved.event!;
  const { [HASH_KEY]: hash, ...metadata } = (e.metadata ?? {}) as Record<string, unknown>;
  return inCurrentShape({
    streamName: e.streamId,
    revision: e.revision,
    id: e.id,
    type: e.type,
    data: e.data,
    metadata,
    position: e.position!,
    created: e.created,
    hash: typeof hash === 'string' ? hash : undefined,
  });
}

/** The last hash this process appended to each of the most recently written streams, so an append after its own needs no read. */
class ChainHeads {
  private readonly byStream = new Map<string, { revision: bigint; hash: string }>();

  hashAt(stream: string, revision: bigint): string | undefined {
    const head = this.byStream.get(stream);
    return head?.revision === revision ? head.hash : undefined;
  }

  remember(stream: string, revision: bigint, hash: string) {
    this.byStream.delete(stream);
    this.byStream.set(stream, { revision, hash });
    if (this.byStream.size > CHAIN_HEADS_KEPT) this.byStream.delete(this.byStream.keys().next().value!);
  }
}
const CHAIN_HEADS_KEPT = 10_000;

/** Push-to-pull: the client's subscription emits; the port's subscription is iterated one message at a time. */
class MessageQueue {
  private readonly items: SubscriptionMessage[] = [];
  mostWaiting = 0;

  constructor(private readonly taken: () => void) {}

  get size(): number {
    return this.items.length;
  }

  private waiting?: (r: IteratorResult<SubscriptionMessage>) => void;
  private failing?: (e: Error) => void;
  private ended = false;
  private error?: Error;

  push(m: SubscriptionMessage) {
    if (this.ended) return;
    const last = this.items[this.items.length - 1];
    if (this.waiting) this.settle({ value: m, done: false });
    // A later checkpoint says all that an earlier one waiting beside it said.
    else if (m.kind === 'checkpoint' && last?.kind === 'checkpoint') this.items[this.items.length - 1] = m;
    else this.mostWaiting = Math.max(this.mostWaiting, this.items.push(m));
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
        if (this.items.length) {
          const value = this.items.shift()!;
          this.taken();
          return Promise.resolve({ value, done: false });
        }
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
