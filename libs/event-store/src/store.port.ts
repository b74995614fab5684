/**
 * The event store port, with EventStoreDB's semantics so that every adapter behaves alike:
 * streams of events with revisions from 0, a global order ($all) with opaque positions, optimistic
 * concurrency on append, idempotent re-append of the same event ids, and catch-up subscriptions.
 */

/** A place in the global order. Opaque: compare with `comparePositions`, store with `positionToString`. */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface NewEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

export interface RecordedEvent<D = unknown, M = unknown> {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  data: D;
  metadata: M;
  position: Position;
  /** When the store recorded it (the second clock, beside the business date in the metadata). */
  created: Date;
  /** Its link in its stream's hash chain (`eventHash`), as the store holds it. */
  hash?: string;
  /** The data and metadata as recorded, where upcasting changed them: what the hash was taken over. */
  asRecorded?: { data: unknown; metadata: unknown };
}

/** An event's place in the global order, its id and its chain hash: what a Merkle tree over the history needs. */
export interface ChainLink {
  position: Position;
  id: string;
  hash: string | null;
}

export interface AppendResult {
  nextExpectedRevision: bigint;
  position: Position;
  /** The events as recorded, when the store knows them without a read (the embedded store does). */
  recorded?: RecordedEvent[];
  /** The same events were already recorded at this place (by this request earlier, or a twin): nothing was written. */
  replayed?: boolean;
}

/** One stream's part of a write to several streams at once. */
export interface StreamWrite {
  streamName: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
}

export interface StoreHealth {
  writable: boolean;
  /** What stops writes, in the store's words. */
  problem?: string;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  fromRevision?: bigint | 'start' | 'end';
  maxCount?: number;
}
export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  fromPosition?: Position | 'start' | 'end';
  /** The most events returned (that the filter lets through). */
  maxCount?: number;
  /** Only events of these streams or types, as in subscriptions; the store skips the rest before decoding them. */
  filter?: SubscriptionFilter;
}

export interface SubscriptionFilter {
  streamNamePrefixes?: string[];
  eventTypePrefixes?: string[];
}
export interface SubscribeToAllOptions {
  /** Exclusive: the subscription delivers events after this position. */
  fromPosition?: Position | 'start' | 'end';
  filter?: SubscriptionFilter;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'caughtUp' }
  /** Progress through events the filter skipped, so a checkpoint can move on. */
  | { kind: 'checkpoint'; position: Position };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  unsubscribe(): Promise<void>;
}

export interface EventStore {
  appendToStream(streamName: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: every write is recorded, in the order given, or none
   * is (the first refusal is thrown). Only stores with multi-stream transactions have it; EventStoreDB has not.
   */
  appendToStreams?(writes: StreamWrite[]): Promise<AppendResult[]>;
  /** The position of the last event recorded, where the store knows it without reading an event. */
  headPosition?(): Position;
  /** Events of a stream, oldest first unless backwards; an empty list for a stream that does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Several streams' events from their start in one read, where the store can (the embedded store); a stream that does not exist has none. */
  readStreams?(streamNames: string[]): Promise<Map<string, RecordedEvent[]>>;
  /**
   * The chain hashes of up to `maxCount` events after a position (exclusive; from the first event when null),
   * in global order, where the store can read them without decoding the events (the embedded store can).
   */
  readHashes?(after: Position | null, maxCount: number): Promise<ChainLink[]>;
  /** Events in global order; `fromPosition` is inclusive, as in EventStoreDB. System events are never returned. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  /** Whether appends can be committed now, where the store can tell without appending an event. */
  health?(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Append to ${streamName} expected revision ${String(expected)} but the stream is at ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** The most one append may carry (its events' data and metadata as JSON): EventStoreDB's default limit. */
export const MAX_APPEND_BYTES = 1_048_576;

/** An append larger than the store takes in one write: nothing of it was written. */
export class AppendTooLargeError extends Error {
  constructor(
    readonly streamName: string,
    readonly limit: number,
  ) {
    super(`An append to ${streamName} is larger than the ${limit} bytes the store takes in one write`);
    this.name = 'AppendTooLargeError';
  }
}

/**
 * The store could not take the call now (no leader reachable, a leader change, a deadline), even after
 * retrying: the caller may try again later. An append that failed so may or may not have been written.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** The stream was deleted for good on the server (a tombstone): it can be neither read nor written again. */
export class StreamDeletedError extends Error {
  constructor(readonly streamName: string) {
    super(
      `The record ${streamName} was deleted from the event store for good: it can no longer be read, and nothing more can be recorded on it`,
    );
    this.name = 'StreamDeletedError';
  }
}

/**
 * The system cannot use the store as it is configured: the store refused the user name and password it
 * connects with, or that user lacks a right the call needs, or the store's certificate is not one the system
 * trusts. A fault of configuration, not of the moment: trying again does not help. Nothing was written.
 */
export class StoreAccessDeniedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreAccessDeniedError';
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;
}

export const positionToString = (p: Position): string => `${p.commit}/${p.prepare}`;
export function positionFromString(s: string): Position {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new RangeError(`not a store position: ${s}`);
  return { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
}

export function matchesFilter(e: { streamName: string; type: string }, f?: SubscriptionFilter): boolean {
  if (!f) return true;
  if (f.streamNamePrefixes && !f.streamNamePrefixes.some((p) => e.streamName.startsWith(p))) return false;
  if (f.eventTypePrefixes && !f.eventTypePrefixes.some((p) => e.type.startsWith(p))) return false;
  return true;
}
