import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  StreamWrite,
  SubscribeToAllOptions,
  Subscription,
  WrongExpectedVersionError,
} from '@app/event-store';

export interface Append {
  streamName: string;
  types: string[];
  expectedRevision: ExpectedRevision;
  outcome?: 'appended' | 'wrong_expected_version' | 'failed';
}

export interface Hold {
  /** Resolves once an append to the stream has been asked for (the command has decided) and is being held. */
  readonly reached: Promise<Append>;
  /** Lets the held append go on to the store. */
  release(): void;
}

/**
 * A store that can hold an append at a chosen point, for interleaving two command handlers on one store
 * deterministically, and that keeps a log of the appends asked of it and how each ended. It writes to
 * several streams at once only when told to (`transactions`) and the store it wraps can.
 */
export class GatedStore implements EventStore {
  readonly appends: Append[] = [];
  readonly appendToStreams?: (writes: StreamWrite[]) => Promise<AppendResult[]>;
  private readonly holds: Array<{ streamName: string; reach: (a: Append) => void; released: Promise<void> }> = [];

  constructor(
    readonly inner: EventStore,
    options: { transactions?: boolean } = {},
  ) {
    if (options.transactions && inner.appendToStreams) this.appendToStreams = (writes) => this.appendTogether(writes);
  }

  /** Holds the next append to `streamName` until released. */
  hold(streamName: string): Hold {
    let reach!: (a: Append) => void;
    let open!: () => void;
    const reached = new Promise<Append>((r) => (reach = r));
    const entry = { streamName, reach, released: new Promise<void>((r) => (open = r)) };
    this.holds.push(entry);
    const release = () => {
      // A hold never reached is dropped, so it cannot catch a later append.
      if (this.holds.includes(entry)) this.holds.splice(this.holds.indexOf(entry), 1);
      open();
    };
    return { reached, release };
  }

  /** The appends to a stream that the store refused because the stream had moved past the expected revision. */
  conflictsOn(streamName: string): Append[] {
    return this.appends.filter((a) => a.streamName === streamName && a.outcome === 'wrong_expected_version');
  }

  async appendToStream(streamName: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    const append: Append = { streamName, types: events.map((e) => e.type), expectedRevision: options.expectedRevision };
    this.appends.push(append);
    const at = this.holds.findIndex((h) => h.streamName === streamName);
    if (at >= 0) {
      const [hold] = this.holds.splice(at, 1);
      hold.reach(append);
      await hold.released;
    }
    try {
      const result = await this.inner.appendToStream(streamName, events, options);
      append.outcome = 'appended';
      return result;
    } catch (error) {
      append.outcome = error instanceof WrongExpectedVersionError ? 'wrong_expected_version' : 'failed';
      throw error;
    }
  }

  /** A write to several streams, held if any of them is; each stream's part is logged with the outcome of the whole. */
  private async appendTogether(writes: StreamWrite[]): Promise<AppendResult[]> {
    const parts: Append[] = writes.map((w) => ({
      streamName: w.streamName,
      types: w.events.map((e) => e.type),
      expectedRevision: w.expectedRevision,
    }));
    this.appends.push(...parts);
    const at = this.holds.findIndex((h) => parts.some((p) => p.streamName === h.streamName));
    if (at >= 0) {
      const [hold] = this.holds.splice(at, 1);
      hold.reach(parts.find((p) => p.streamName === hold.streamName)!);
      await hold.released;
    }
    try {
      const results = await this.inner.appendToStreams!(writes);
      for (const p of parts) p.outcome = 'appended';
      return results;
    } catch (error) {
      for (const p of parts) p.outcome = error instanceof WrongExpectedVersionError ? 'wrong_expected_version' : 'failed';
      throw error;
    }
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options?: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  async health(): Promise<StoreHealth> {
    return this.inner.health ? this.inner.health() : { writable: true };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

const settle = <T>(work: Promise<T>): Promise<Outcome<T>> =>
  work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * Runs `first` until its append to `streamName` (on `gated`) is held — it has decided — then runs
 * `second` to the end, then lets the first append go on. Both decide on the same state of the stream;
 * only the store's expected-revision check can stop the first from being recorded as well.
 */
export async function interleave<A, B>(
  gated: GatedStore,
  streamName: string,
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<{ first: Outcome<A>; second: Outcome<B>; held: Append }> {
  const hold = gated.hold(streamName);
  const firstDone = settle(first());
  const held = await Promise.race([hold.reached, firstDone.then(() => undefined)]);
  if (!held) {
    hold.release();
    const ended = await firstDone;
    throw new Error(`The first command ended without appending to ${streamName}: ${ended.ok ? 'it succeeded' : String(ended.error)}`);
  }
  const secondDone = await settle(second());
  hold.release();
  return { first: await firstDone, second: secondDone, held };
}
