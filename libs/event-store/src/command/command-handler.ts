import { Actor, BusinessDate, DecisionContext, Decider, DomainError, DomainEvent, Policy, ReferenceData, policyInForce } from '@app/domain';
import { AppendTooLargeError, EventStore, Position, RecordedEvent, WrongExpectedVersionError } from '../store.port';
import { commandFingerprint } from './derived-id';
import { CommandSeen, noteCommands } from './commands-seen';

export type { CommandSeen } from './commands-seen';
import { idReused, outOfRange, tooLarge } from './command-errors';
import { eventMetadata, toNewEvents } from './metadata';
import { KeyedMutex } from './keyed-mutex';
import { LockOrderRestart, StreamTransaction, TransactionHost } from './stream-transaction';

export interface CommandEnvelope {
  commandId: string;
  actor: Actor;
  businessDate: BusinessDate;
  correlationId?: string;
  causationId?: string;
  /** Extra metadata, e.g. how to finish a two-step write. */
  extra?: Record<string, unknown>;
}

/** Recorded on every event: who, when in business terms, under which policy, and why. */
export interface EventMetadata {
  commandId: string;
  commandFingerprint: string;
  actor: Actor;
  businessDate: BusinessDate;
  policyVersion: string;
  correlationId: string;
  causationId: string;
  /** The version of the event's data schema (absent on events recorded before versions existed: version 1). */
  schemaVersion: number;
  [extra: string]: unknown;
}

export interface Loaded<S> {
  state: S;
  revision?: bigint;
  /** The commands the stream records, by id. */
  commands: Map<string, CommandSeen>;
}

export interface Handled<S> extends Loaded<S> {
  appended: RecordedEvent[];
  duplicate: boolean;
  position?: Position;
}

type Folder<E extends DomainEvent, S> = Pick<Decider<never, E, S>, 'initialState' | 'evolve'>;

export interface Rules {
  policies: readonly Policy[];
  reference: ReferenceData;
}

/**
 * fold → decide → append with the exact revision folded. Streams are cached by revision. A command
 * decides on the cached state without reading: the append's expected revision catches a stream that
 * another process moved on, and only then is the stream caught up by reading forwards and the command
 * retried (a bounded number of times). Commands on one stream run one at a time in this process.
 */
export class CommandHandler {
  private readonly cache = new Map<string, Loaded<unknown>>();
  private readonly mutex = new KeyedMutex();

  constructor(
    readonly store: EventStore,
    readonly rules: Rules,
    private readonly options = { maxAttempts: 12, cacheSize: 20_000 },
  ) {}

  context(businessDate: BusinessDate): DecisionContext {
    return { businessDate, policy: policyInForce(this.rules.policies, businessDate), reference: this.rules.reference };
  }

  /** The stream's current state, read up to its head (for queries). */
  load<E extends DomainEvent, S>(streamName: string, decider: Folder<E, S>): Promise<Loaded<S>> {
    return this.mutex.run(streamName, () => this.catchUp(streamName, decider));
  }

  /**
   * The state as this process last knew it, reading only a stream it has not seen: for deciding what to
   * ask next, where a stale answer is caught by the append that follows.
   */
  peek<E extends DomainEvent, S>(streamName: string, decider: Folder<E, S>): Promise<Loaded<S>> {
    const cached = this.cache.get(streamName) as Loaded<S> | undefined;
    return cached ? Promise.resolve(cached) : this.load(streamName, decider);
  }

  handle<C, E extends DomainEvent, S>(
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
    envelope: CommandEnvelope,
  ): Promise<Handled<S>> {
    return this.mutex.run(streamName, () => this.attempt(streamName, decider, command, envelope, 1));
  }

  private async attempt<C, E extends DomainEvent, S>(
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
    env: CommandEnvelope,
    attempt: number,
  ): Promise<Handled<S>> {
    const cached = attempt === 1 ? (this.cache.get(streamName) as Loaded<S> | undefined) : undefined;
    const loaded = cached ?? (await this.catchUp(streamName, decider));
    const print = commandFingerprint(command);
    const seen = loaded.commands.get(env.commandId);
    if (seen !== undefined) {
      if (seen.fingerprint !== print) throw idReused();
      return { ...loaded, appended: await this.eventsOfCommand(streamName, env.commandId, seen), duplicate: true };
    }
    const ctx = this.context(env.businessDate);
    let events: E[];
    try {
      events = decider.decide(command, loaded.state, ctx);
    } catch (error) {
      // A refusal is never appended, so no revision check would catch a stale cache: check with a read.
      if (cached && error instanceof DomainError) return this.attempt(streamName, decider, command, env, attempt + 1);
      if (error instanceof RangeError) throw outOfRange(error);
      throw error;
    }
    if (events.length === 0) {
      if (cached) return this.attempt(streamName, decider, command, env, attempt + 1);
      return { ...loaded, appended: [], duplicate: false };
    }

    const toAppend = toNewEvents(events, streamName, env, eventMetadata(env, print, ctx.policy.version));
    // Nothing that cannot be folded is ever appended: a stream that cannot be folded can never be read again.
    // The fold may update the cached state in place, so from here a failure drops the stream from the cache.
    let folded: S;
    try {
      folded = events.reduce((state, e) => decider.evolve(state, e), loaded.state);
    } catch (error) {
      this.cache.delete(streamName);
      throw error instanceof RangeError ? outOfRange(error) : error;
    }
    try {
      const result = await this.store.appendToStream(streamName, toAppend, { expectedRevision: loaded.revision ?? 'no_stream' });
      // The expected revision was exact, so what sits right after it is this command's events.
      const recorded =
        result.recorded ??
        (await this.store.readStream(streamName, { fromRevision: (loaded.revision ?? -1n) + 1n, maxCount: events.length }));
      const after: Loaded<S> = { state: folded, revision: result.nextExpectedRevision, commands: loaded.commands };
      noteCommands(after.commands, recorded);
      this.remember(streamName, after);
      // A replay means an earlier attempt of this same command (or a twin in another process) recorded them.
      return { ...after, appended: recorded, duplicate: result.replayed === true, position: result.position };
    } catch (error) {
      this.cache.delete(streamName);
      if (error instanceof AppendTooLargeError) throw tooLarge(error);
      if (!(error instanceof WrongExpectedVersionError) || attempt >= this.options.maxAttempts) {
        if (error instanceof WrongExpectedVersionError)
          throw new DomainError('COMMAND.TOO_MUCH_CONTENTION', 'Too many changes to this record at once; please try again.', 'conflict');
        throw error;
      }
      await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
      return this.attempt(streamName, decider, command, env, attempt + 1);
    }
  }

  /**
   * Decides commands on several streams (through the transaction `plan` is given) and records them in one
   * commit, on a store with multi-stream transactions. Streams stay locked from the plan's first touch to
   * the commit (see `StreamTransaction` for why two plans never wait for each other). A refusal decided on
   * cached state, a plan that decided nothing on it, or a stream another process moved on, runs the plan
   * again on fresh reads, as `handle` does; `useCache: false` reads fresh from the start.
   */
  async transact<T>(
    plan: (tx: StreamTransaction) => Promise<T>,
    options: { useCache?: boolean } = {},
  ): Promise<{ value: T; handled: Map<string, Handled<unknown>> }> {
    let prelock: string[] = [];
    for (let attempt = 1; ; attempt++) {
      const tx = new StreamTransaction(this.host, attempt === 1 && options.useCache !== false);
      try {
        await tx.lockAll(prelock);
        const value = await plan(tx);
        if (tx.empty && tx.usedCache) continue;
        return { value, handled: await tx.commit() };
      } catch (error) {
        tx.forgetFolded();
        if (error instanceof LockOrderRestart) {
          prelock = [...new Set([...prelock, ...error.streams])];
          attempt--;
          continue;
        }
        if (error instanceof DomainError && tx.usedCache) continue;
        if (error instanceof RangeError) throw outOfRange(error);
        if (error instanceof AppendTooLargeError) throw tooLarge(error);
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (attempt >= this.options.maxAttempts)
          throw new DomainError('COMMAND.TOO_MUCH_CONTENTION', 'Too many changes to this record at once; please try again.', 'conflict');
        await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
      } finally {
        tx.release();
      }
    }
  }

  private get host(): TransactionHost {
    return (this.transactionHost ??= {
      store: this.store,
      context: (businessDate) => this.context(businessDate),
      lock: (streamName) => this.mutex.acquire(streamName),
      tryLock: (streamName) => this.mutex.tryAcquire(streamName),
      cached: (streamName) => this.cache.get(streamName),
      catchUp: (streamName, decider) => this.catchUp(streamName, decider),
      preload: (streamNames, decider) => this.preload(streamNames, decider),
      remember: (streamName, loaded) => this.remember(streamName, loaded),
      forget: (streamName) => this.cache.delete(streamName),
    });
  }
  private transactionHost?: TransactionHost;

  /** Brings the cached state up to the stream's head. */
  private async catchUp<E extends DomainEvent, S>(streamName: string, decider: Folder<E, S>): Promise<Loaded<S>> {
    const cached = this.cache.get(streamName) as Loaded<S> | undefined;
    const loaded: Loaded<S> = cached ?? { state: decider.initialState(), revision: undefined, commands: new Map() };
    const from = loaded.revision === undefined ? 'start' : loaded.revision + 1n;
    return this.foldIn(streamName, loaded, await this.store.readStream(streamName, { fromRevision: from }), decider);
  }

  /** Reads the streams this process has not cached in one read, where the store can (a batch's loans). */
  private async preload<E extends DomainEvent, S>(streamNames: string[], decider: Folder<E, S>): Promise<void> {
    const missing = streamNames.filter((name) => !this.cache.has(name));
    if (missing.length === 0 || !this.store.readStreams) return;
    for (const [name, events] of await this.store.readStreams(missing))
      this.foldIn(name, { state: decider.initialState(), revision: undefined, commands: new Map() }, events, decider);
  }

  /** Folds a stream's events read after `loaded` into it, and caches the result. */
  private foldIn<E extends DomainEvent, S>(streamName: string, loaded: Loaded<S>, events: RecordedEvent[], decider: Folder<E, S>) {
    if (events.length) {
      let state = loaded.state;
      for (const e of events) state = decider.evolve(state, { type: e.type, data: e.data } as E);
      noteCommands(loaded.commands, events);
      loaded = { state, revision: events[events.length - 1].revision, commands: loaded.commands };
    }
    this.remember(streamName, loaded);
    return loaded;
  }

  /** A command's events, read where it recorded them (a fund's stream holds hundreds of thousands). */
  private async eventsOfCommand(streamName: string, commandId: string, seen: CommandSeen): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(streamName, { fromRevision: seen.from, maxCount: Number(seen.to - seen.from) + 1 });
    return events.filter((e) => (e.metadata as Partial<EventMetadata>).commandId === commandId);
  }

  private remember(streamName: string, loaded: Loaded<unknown>) {
    this.cache.delete(streamName);
    this.cache.set(streamName, loaded);
    if (this.cache.size > this.options.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}
