import { DecisionContext, Decider, DomainEvent } from '@app/domain';
import { idReused } from './command-errors';
import { AppendResult, EventStore, NewEvent, RecordedEvent, StreamWrite } from '../store.port';
import { commandFingerprint } from './derived-id';
import type { CommandEnvelope, Handled, Loaded } from './command-handler';
import { noteCommands } from './commands-seen';
import { eventMetadata, toNewEvents } from './metadata';

type Folder<E extends DomainEvent, S> = Pick<Decider<never, E, S>, 'initialState' | 'evolve'>;

/** What a command decided on one stream inside a transaction. */
export interface Decided<E> {
  /** This command id was recorded on the stream before: nothing was decided. */
  seen: boolean;
  events: E[];
  /** The ids the events will be recorded with (follow-ups derive their command ids from them). */
  ids: string[];
}

/** What the transaction needs of its command handler. */
export interface TransactionHost {
  readonly store: EventStore;
  context(businessDate: CommandEnvelope['businessDate']): DecisionContext;
  lock(streamName: string): Promise<() => void>;
  tryLock(streamName: string): (() => void) | undefined;
  cached(streamName: string): Loaded<unknown> | undefined;
  catchUp<E extends DomainEvent, S>(streamName: string, decider: Folder<E, S>): Promise<Loaded<S>>;
  preload<E extends DomainEvent, S>(streamNames: string[], decider: Folder<E, S>): Promise<void>;
  remember(streamName: string, loaded: Loaded<unknown>): void;
  forget(streamName: string): void;
}

interface Entry {
  loaded: Loaded<unknown>;
  state: unknown;
  events: NewEvent[];
}

/**
 * The transaction needs a stream that it may not wait for (see `StreamTransaction`) and that is busy: it
 * starts again, taking every stream it needs in order before it decides.
 */
export class LockOrderRestart extends Error {
  constructor(readonly streams: string[]) {
    super('a stream needed out of order was busy');
  }
}

/**
 * Commands on several streams decided together and recorded in one commit. A stream is locked when the
 * transaction first touches it and stays locked until the commit; its state is the cached one when the
 * transaction may use the cache. Writes are recorded in the order their streams first decided events.
 *
 * No two transactions wait for each other: a transaction waits for a stream only when the stream comes
 * after every stream it holds in descending order of names (loan- before fund- before borrower-, the
 * order a cross-stream command needs them); one it needs out of that order it takes only if free, and
 * otherwise starts again with all of them taken in order (`LockOrderRestart`).
 */
export class StreamTransaction {
  private readonly entries = new Map<string, Entry>();
  private readonly order: string[] = [];
  /** Streams whose cached state a fold may have changed. */
  private readonly folded = new Set<string>();
  private readonly releases: Array<() => void> = [];
  private readonly locked = new Set<string>();
  /** The last stream taken in order: only streams after it may be waited for. */
  private lowest?: string;
  /** Whether any state came from the cache, so a refusal may be a stale cache's. */
  usedCache = false;

  constructor(
    private readonly host: TransactionHost,
    private readonly mayUseCache: boolean,
  ) {}

  /**
   * The stream's state as this transaction sees it (what it has decided so far included). A stream the
   * caller expects to be new (a loan being applied for) is not read when it is not cached: it is taken
   * as empty, and the append's expectation that it does not exist catches one that does.
   */
  async load<E extends DomainEvent, S>(
    streamName: string,
    decider: Folder<E, S>,
    options: { probablyNew?: boolean } = {},
  ): Promise<Loaded<S>> {
    const entry = await this.touch(streamName, decider, options.probablyNew);
    return { ...entry.loaded, state: entry.state as S };
  }

  async decide<C, E extends DomainEvent, S>(
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
    env: CommandEnvelope,
  ): Promise<Decided<E>> {
    const entry = await this.touch(streamName, decider);
    const state = entry.state as S;
    const print = commandFingerprint(command);
    const seen = entry.loaded.commands.get(env.commandId);
    if (seen !== undefined && seen.fingerprint !== print) throw idReused();
    if (seen !== undefined) return { seen: true, events: [], ids: [] };
    const ctx = this.host.context(env.businessDate);
    const events = decider.decide(command, state, ctx);
    if (events.length === 0) return { seen: false, events, ids: [] };
    const toAppend = toNewEvents(events, streamName, env, eventMetadata(env, print, ctx.policy.version));
    // Nothing that cannot be folded is recorded; the fold may change the cached state in place, which
    // is why a transaction that does not commit forgets every stream it decided on.
    this.folded.add(streamName);
    entry.state = events.reduce((s, e) => decider.evolve(s, e), state);
    if (!entry.events.length) this.order.push(streamName);
    entry.events.push(...toAppend);
    return { seen: false, events, ids: toAppend.map((e) => e.id) };
  }

  /** Records every stream's decided events at once, with the exact revisions they were decided on. */
  async commit(): Promise<Map<string, Handled<unknown>>> {
    const writes: StreamWrite[] = this.order.map((streamName) => {
      const { loaded, events } = this.entries.get(streamName)!;
      return { streamName, events, expectedRevision: loaded.revision ?? 'no_stream' };
    });
    const results: AppendResult[] = writes.length ? await this.host.store.appendToStreams!(writes) : [];
    const handled = new Map<string, Handled<unknown>>();
    for (const [streamName, entry] of this.entries) {
      const i = this.order.indexOf(streamName);
      if (i < 0) {
        handled.set(streamName, { ...entry.loaded, appended: [], duplicate: false });
        continue;
      }
      const result = results[i];
      const appended: RecordedEvent[] = result.recorded ?? (await this.recordedOf(writes[i], result));
      noteCommands(entry.loaded.commands, appended);
      const after: Loaded<unknown> = { state: entry.state, revision: result.nextExpectedRevision, commands: entry.loaded.commands };
      this.host.remember(streamName, after);
      // A replay means a twin of this command (in another process) recorded the same events first.
      handled.set(streamName, { ...after, appended, duplicate: result.replayed === true, position: result.position });
    }
    return handled;
  }

  /** Whether the transaction decided anything to record. */
  get empty(): boolean {
    return this.order.length === 0;
  }

  /** After a failure: the streams folded may hold uncommitted state in the cache. */
  forgetFolded(): void {
    for (const streamName of this.folded) this.host.forget(streamName);
  }

  release(): void {
    for (const release of this.releases.splice(0)) release();
    this.locked.clear();
    this.lowest = undefined;
  }

  /**
   * Takes streams in lock order, before anything is decided: those a restarted transaction needs, or a
   * batch's; given their decider, reads those not cached at once.
   */
  async lockAll<E extends DomainEvent, S>(streamNames: Iterable<string>, decider?: Folder<E, S>): Promise<void> {
    const names = [...new Set(streamNames)].sort().reverse();
    for (const name of names) await this.lock(name);
    if (decider && this.mayUseCache) await this.host.preload(names, decider);
  }

  private async lock(streamName: string): Promise<void> {
    if (this.locked.has(streamName)) return;
    const inOrder = this.lowest === undefined || streamName < this.lowest;
    const release = inOrder ? await this.host.lock(streamName) : this.host.tryLock(streamName);
    if (!release) throw new LockOrderRestart([...this.locked, streamName]);
    this.releases.push(release);
    this.locked.add(streamName);
    if (inOrder) this.lowest = streamName;
  }

  private async touch<E extends DomainEvent, S>(streamName: string, decider: Folder<E, S>, probablyNew = false): Promise<Entry> {
    let entry = this.entries.get(streamName);
    if (entry) return entry;
    await this.lock(streamName);
    let cached = this.mayUseCache ? this.host.cached(streamName) : undefined;
    // Taken as new without a read: trusted no more than a cached state, so a refusal is checked with a read.
    if (!cached && this.mayUseCache && probablyNew) cached = { state: decider.initialState(), revision: undefined, commands: new Map() };
    if (cached) this.usedCache = true;
    const loaded = cached ?? (await this.host.catchUp(streamName, decider));
    entry = { loaded, state: loaded.state, events: [] };
    this.entries.set(streamName, entry);
    return entry;
  }

  private recordedOf(write: StreamWrite, result: AppendResult): Promise<RecordedEvent[]> {
    const first = result.nextExpectedRevision - BigInt(write.events.length) + 1n;
    return this.host.store.readStream(write.streamName, { fromRevision: first, maxCount: write.events.length });
  }
}
