import {
  EventMetadata,
  EventStore,
  Position,
  RecordedEvent,
  Subscription,
  comparePositions,
  positionFromString,
  positionToString,
} from '@app/event-store';
import { Projection, ProjectedEvent } from './projection';
import { BatchWrite, Changes, Generation, ReadStore } from './read-store';
import { ProjectionState } from './state';

export interface ProjectionStatus {
  name: string;
  version: number;
  state: 'starting' | 'rebuilding' | 'catching_up' | 'live' | 'reconnecting' | 'stopped' | 'failed';
  generation?: number;
  position: string | null;
  processed: number;
  /** The last failure, kept until a batch is committed again: a projection that cannot write says why. */
  error?: string;
  /** Attempts that have failed since the last committed batch (each retried with back-off). */
  retries?: number;
}

export interface RunnerOptions {
  /** Events read between commits. */
  batchSize: number;
  /**
   * Events a generation being built reads between writes of its changed rows and checkpoint: a busy row (a
   * month's snapshot, a loan repaid monthly) is written once per flush instead of once per batch, and a crash
   * costs at most this many events of rework.
   */
  rebuildFlush: number;
  /**
   * Events between evictions: where the read store can read rows back one at a time (SQLite), rows neither
   * read nor written for this many events (to twice as many) are let go, so memory holds the loans in use,
   * not the whole history.
   */
  evictEvery: number;
}
export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = { batchSize: 10_000, rebuildFlush: 25_000, evictEvery: 25_000 };

/** The options an operator sets: PROJECTION_BATCH_SIZE, PROJECTION_REBUILD_FLUSH and PROJECTION_EVICT_EVERY (events). */
export function runnerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunnerOptions {
  const positive = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`${name} must be a whole number of events, at least 1; it is ${env[name]}.`);
    return value;
  };
  return {
    batchSize: positive('PROJECTION_BATCH_SIZE', DEFAULT_RUNNER_OPTIONS.batchSize),
    rebuildFlush: positive('PROJECTION_REBUILD_FLUSH', DEFAULT_RUNNER_OPTIONS.rebuildFlush),
    evictEvery: positive('PROJECTION_EVICT_EVERY', DEFAULT_RUNNER_OPTIONS.evictEvery),
  };
}

/** A projection threw on an event: a bug to fix, not a fault to retry. */
export class ProjectionFailed extends Error {
  constructor(projection: string, eventId: string, cause: Error) {
    super(`${projection} failed on event ${eventId}: ${cause.message}`);
  }
}

/** The read store refused a batch; each projection in it says so in its status. */
class WriteFailed extends Error {}

export const toProjected = (e: RecordedEvent): ProjectedEvent => {
  const m = e.metadata as Partial<EventMetadata> & { recordedAt?: string };
  // A history copied from another store keeps its original recorded time in the metadata.
  const recordedAt = m.recordedAt ? new Date(m.recordedAt) : e.created;
  return {
    id: e.id,
    position: positionToString(e.position),
    type: e.type,
    streamName: e.streamName,
    data: e.data as Record<string, unknown>,
    businessDate: m.businessDate ?? '',
    recordedAt,
    actor: m.actor,
    policyVersion: m.policyVersion,
  };
};

/** A projection's batch, fenced by the commits it knows of. */
const batchOf = (m: Member, changes: Changes, checkpoint: string | null): BatchWrite => ({
  projection: m.p,
  generation: m.generation,
  changes,
  checkpoint,
  processed: m.processed,
  writes: m.writes,
});

/** A projection as one shared read feeds it. */
interface Member {
  p: Projection;
  types: Set<string>;
  generation: number;
  building: boolean;
  state: ProjectionState;
  /** The last event it applied or passed over, committed or not; it only moves forward. */
  checkpoint: Position | null;
  /** The checkpoint as last committed. */
  committed: string | null;
  /** The generation's commits as this runner knows them: it writes only while nobody else has. */
  writes: number;
  processed: number;
  failed: boolean;
}

/** The projections one read of the log feeds, and who waits for them to catch up. */
interface Group {
  projections: Projection[];
  /** Rebuilt into a new generation on the first attempt; a retry resumes the generation it began. */
  rebuild: Set<string>;
  chosen: Map<string, number>;
  subscription?: Subscription;
  stopping: boolean;
  done?: Promise<void>;
  caughtUp: Map<string, { resolve: () => void; reject: (error: Error) => void }>;
  /** Projections that threw: they stay at their last committed batch until started again. */
  failed: Set<string>;
}

/**
 * Runs every projection from one read of the log: the read starts at the lowest checkpoint, decodes each
 * event once, and hands it to each projection whose checkpoint is behind it and that reads its type. Each
 * projection's rows live in memory; at the end of each batch the rows it changed (and the rows it appended)
 * are written with its checkpoint, every projection's in one transaction. It then follows live events the
 * same way. A projection whose version changed, or that has no tables yet, is rebuilt into a new generation
 * that replaces the old one once it has caught up.
 *
 * A projection that must be built from the first event while others run (a rebuild, a new projection, a
 * changed version) is built on a read of its own, so the others stay live meanwhile; once it has caught
 * up, the shared read restarts with it (from the lowest checkpoint, all of them near the head).
 */
export class ProjectionRunner {
  private readonly options: RunnerOptions;
  private readonly statuses = new Map<string, ProjectionStatus>();
  /** The shared read that keeps the running projections live. */
  private group?: Group;
  /** Projections being built on a read of their own until they have caught up and join `group`. */
  private apart?: Group;
  /** Starts, rebuilds and stops one at a time. */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: Projection[],
    options: Partial<RunnerOptions> = {},
  ) {
    this.options = { ...DEFAULT_RUNNER_OPTIONS, ...options };
    for (const p of projections)
      this.statuses.set(p.name, { name: p.name, version: p.version, state: 'stopped', position: null, processed: 0 });
  }

  /**
   * Starts every projection; resolves once each has caught up with the events recorded so far. Those with
   * no finished tables of their version are built apart, so that the others go live at once.
   */
  async start(): Promise<void> {
    const unbuilt = new Set<string>();
    for (const p of this.projections)
      if (!(await this.readStore.generations(p.name)).some((g) => g.status === 'active' && g.version === p.version)) unbuilt.add(p.name);
    const built = this.projections.filter((p) => !unbuilt.has(p.name));
    if (unbuilt.size === 0 || built.length === 0) return this.run(this.projections, new Set());
    await this.run(built, new Set());
    await this.buildApart(
      this.projections.filter((p) => unbuilt.has(p.name)),
      new Set(),
    );
  }

  /** Rebuilds one projection, or all, from the first event; queries keep reading the old tables meanwhile. */
  async rebuild(name?: string): Promise<void> {
    const chosen = this.projections.filter((p) => !name || p.name === name);
    if (name && chosen.length === 0) throw new Error(`There is no projection called ${name}.`);
    const rebuild = new Set(chosen.map((p) => p.name));
    const others = (this.group?.projections ?? []).filter((p) => !rebuild.has(p.name));
    if (others.length === 0) return this.run(chosen, rebuild); // none to keep live: one read for all
    await this.buildApart(chosen, rebuild);
  }

  status(): ProjectionStatus[] {
    return [...this.statuses.values()].map((s) => ({ ...s }));
  }

  /**
   * The status with each projection's lag: events of the types it reads recorded after its position,
   * counted up to `cap` (a projection further behind shows `cap`), and its progress through what is
   * recorded now. One read of the log from the lowest position serves them all, unless one is far ahead
   * of another.
   */
  async statusWithLag(cap = 10_000): Promise<Array<ProjectionStatus & { lag: number; progress: number | null }>> {
    const read = async (from: Position | undefined, types: string[]) => {
      const events = await this.store.readAll({ fromPosition: from ?? 'start', maxCount: cap + 1, filter: { eventTypePrefixes: types } });
      // Reads include their start; a read that came back full stopped short of the head.
      return { events: from ? events.filter((e) => comparePositions(e.position, from) > 0) : events, whole: events.length <= cap };
    };
    const statuses = this.status();
    const positions = statuses.map((s) => (s.position ? positionFromString(s.position) : undefined));
    const lowest = positions.includes(undefined) ? undefined : positions.reduce((a, b) => (comparePositions(a!, b!) <= 0 ? a : b));
    const shared = await read(lowest, [...new Set(this.projections.flatMap((p) => p.eventTypes))]);
    return Promise.all(
      statuses.map(async (s, i) => {
        const from = positions[i];
        const types = new Set(this.projections[i].eventTypes);
        const count = (r: { events: RecordedEvent[] }) =>
          r.events.filter((e) => types.has(e.type) && (!from || comparePositions(e.position, from) > 0)).length;
        let lag = Math.min(cap, count(shared));
        if (lag < cap && !shared.whole) lag = Math.min(cap, count(await read(from, [...types])));
        const progress = lag < cap && s.processed + lag > 0 ? Math.floor((s.processed * 1000) / (s.processed + lag)) / 10 : null;
        return { ...s, lag, progress };
      }),
    );
  }

  async stop(): Promise<void> {
    await this.exclusive(async () => {
      await this.halt('apart');
      await this.halt('group');
    });
  }

  /** Stops the shared read (its batch committed), then starts one for these projections. */
  private async run(projections: Projection[], rebuild: Set<string>): Promise<void> {
    const { group, caughtUp } = this.prepare(projections, rebuild);
    await this.exclusive(async () => {
      await this.halt('group');
      this.launch('group', group);
    });
    for (const result of await caughtUp) if (result.status === 'rejected') throw result.reason;
  }

  /**
   * Builds these projections on a read of their own (with any still being built apart), taking them out of
   * the shared read meanwhile, then has them join it once they have caught up.
   */
  private async buildApart(projections: Projection[], rebuild: Set<string>): Promise<void> {
    const names = new Set(projections.map((p) => p.name));
    const alongside = (this.apart?.projections ?? []).filter((p) => !names.has(p.name));
    const { group, caughtUp } = this.prepare(this.ordered([...projections, ...alongside]), rebuild);
    // Those still being built go on with the generation they began.
    for (const p of alongside) {
      const generation = this.apart!.chosen.get(p.name);
      if (generation !== undefined) group.chosen.set(p.name, generation);
      else if (this.apart!.rebuild.has(p.name)) group.rebuild.add(p.name);
    }
    const apart = new Set(group.projections.map((p) => p.name));
    await this.exclusive(async () => {
      const shared = this.group;
      if (shared?.projections.some((p) => apart.has(p.name))) {
        await this.halt('group');
        this.launch(
          'group',
          this.prepare(
            shared.projections.filter((p) => !apart.has(p.name)),
            new Set(),
          ).group,
        );
      }
      await this.halt('apart');
      this.launch('apart', group);
    });
    const results = await caughtUp;
    const joined = await this.exclusive(async () => {
      if (this.apart !== group) return undefined; // a later rebuild took them over, and joins them itself
      await this.halt('apart');
      const joining = group.projections.filter((p) => !group.failed.has(p.name));
      const next = this.prepare(this.ordered([...(this.group?.projections ?? []), ...joining]), new Set());
      await this.halt('group');
      this.launch('group', next.group);
      return next.caughtUp;
    });
    for (const result of [...results, ...((await joined) ?? [])]) if (result.status === 'rejected') throw result.reason;
  }

  private prepare(projections: Projection[], rebuild: Set<string>) {
    const group: Group = { projections, rebuild, chosen: new Map(), stopping: false, caughtUp: new Map(), failed: new Set() };
    const caughtUp = Promise.allSettled(
      projections.map((p) => new Promise<void>((resolve, reject) => group.caughtUp.set(p.name, { resolve, reject }))),
    );
    return { group, caughtUp };
  }

  private launch(slot: 'group' | 'apart', group: Group) {
    this[slot] = group;
    group.done = this.follow(group);
  }

  /** In the order they were given, so that every read hands an event to them in the same order. */
  private ordered(projections: Projection[]): Projection[] {
    const names = new Set(projections.map((p) => p.name));
    return this.projections.filter((p) => names.has(p.name));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.switching.then(work);
    this.switching = next.catch(() => undefined);
    return next;
  }

  private async halt(slot: 'group' | 'apart') {
    const group = this[slot];
    if (!group) return;
    group.stopping = true;
    await group.subscription?.unsubscribe();
    await group.done;
    if (this[slot] === group) this[slot] = undefined;
  }

  /**
   * Follows until stopped. A dropped subscription or an unreachable read store is retried with back-off
   * from the last committed checkpoints, with the rows loaded again; a projection that throws is a bug,
   * and stops that projection while the others go on.
   */
  private async follow(group: Group): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.read(group);
        break;
      } catch (error) {
        if (group.stopping) break;
        const message = (error as Error).message;
        for (const p of group.projections) {
          const s = this.statuses.get(p.name)!;
          if (group.failed.has(p.name)) continue;
          const said = error instanceof WriteFailed ? `${p.name} could not write a batch to the read store: ${message}` : message;
          this.update(p.name, { state: 'reconnecting', error: said, retries: (s.retries ?? 0) + 1 });
        }
        await new Promise((r) => setTimeout(r, Math.min(5_000, 50 * 2 ** Math.min(attempt, 7))));
        if (group.stopping) break;
      }
    }
    for (const p of group.projections) if (!group.failed.has(p.name)) this.update(p.name, { state: 'stopped' });
    for (const waiter of group.caughtUp.values()) waiter.resolve(); // stopped before catching up: nobody waits for ever
  }

  /** Opens a projection's generation and loads its rows: the committed state it goes on from. */
  private async open(group: Group, p: Projection): Promise<Member> {
    const generations = await this.readStore.generations(p.name);
    const current = (status: Generation['status']) => generations.find((g) => g.status === status && g.version === p.version);
    const chosen = group.chosen.get(p.name);
    // The generation this read began, or the live one, or a build of this version that was interrupted; else a new one.
    let gen =
      chosen !== undefined
        ? generations.find((g) => g.generation === chosen)
        : group.rebuild.has(p.name)
          ? undefined
          : (current('active') ?? current('building'));
    if (!gen) {
      const next = Math.max(0, ...generations.map((g) => g.generation)) + 1;
      await this.readStore.begin(p, next);
      gen = { projection: p.name, generation: next, version: p.version, status: 'building', checkpoint: null, processed: 0, writes: 0 };
    }
    const state = new ProjectionState(p, this.readStore.storedRows?.(p, gen.generation));
    if (gen.checkpoint !== null || gen.processed > 0) {
      // Resumed: its rows are read back as they are needed, or all loaded now where they cannot be.
      if (state.lazy) state.resumeLazily();
      else
        for (const t of p.tables)
          if (!t.appendOnly) for (const row of await this.readStore.load(p, gen.generation, t.name)) state.load(t.name, row);
    }
    group.chosen.set(p.name, gen.generation);
    const building = gen.status === 'building';
    // A failure stays in the status while it is retried, until a batch commits.
    this.update(p.name, {
      state: building ? 'rebuilding' : 'catching_up',
      generation: gen.generation,
      position: gen.checkpoint,
      processed: gen.processed,
    });
    return {
      p,
      types: new Set(p.eventTypes),
      generation: gen.generation,
      building,
      state,
      checkpoint: gen.checkpoint ? positionFromString(gen.checkpoint) : null,
      committed: gen.checkpoint,
      writes: gen.writes,
      processed: gen.processed,
      failed: false,
    };
  }

  private async read(group: Group): Promise<void> {
    // Opened side by side (on PostgreSQL each in its own transactions), so that a first build starts as soon as it did.
    let members = await Promise.all(group.projections.filter((p) => !group.failed.has(p.name)).map((p) => this.open(group, p)));
    if (members.length === 0 || group.stopping) return;
    // From the lowest checkpoint; only the types some projection reads are parsed at all.
    const lowest = members.some((m) => !m.checkpoint)
      ? 'start'
      : members.map((m) => m.checkpoint!).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    const subscription = this.store.subscribeToAll({
      fromPosition: lowest,
      filter: { eventTypePrefixes: [...new Set(members.flatMap((m) => m.p.eventTypes))] },
    });
    group.subscription = subscription;
    if (group.stopping) await subscription.unsubscribe();

    let inBatch = 0;
    let sinceFlush = 0;
    let sinceEviction = 0;
    let live = false;
    const commit = async (final: boolean) => {
      sinceFlush += inBatch;
      // A generation being built writes each changed row once per flush, not once per batch; its appended rows
      // stream out at every batch (written again identically if a crash sends it back to its last flush).
      const flush = final || sinceFlush >= this.options.rebuildFlush;
      const writes: BatchWrite[] = [];
      for (const m of members) {
        if (m.building && !flush) {
          const changes = m.state.takeAppended();
          if (changes.size) writes.push(batchOf(m, changes, m.committed));
          continue;
        }
        const checkpoint = m.checkpoint && positionToString(m.checkpoint);
        if (checkpoint === m.committed && !m.state.dirty) continue;
        writes.push(batchOf(m, m.state.take(), checkpoint));
      }
      if (writes.length)
        await this.readStore.commit(writes).catch((error: Error) => {
          throw new WriteFailed(error.message);
        });
      for (const w of writes) {
        const m = members.find((m) => m.p === w.projection)!;
        m.committed = w.checkpoint;
        m.writes++;
      }
      for (const m of members)
        this.update(m.p.name, { position: m.committed, processed: m.processed, error: undefined, retries: undefined });
      sinceEviction += inBatch;
      inBatch = 0;
      if (flush) sinceFlush = 0;
      if (sinceEviction >= this.options.evictEvery) {
        for (const m of members) m.state.evictIdle();
        sinceEviction = 0;
      }
    };

    for await (const message of subscription) {
      // Only events move a checkpoint: a server has sent checkpoints ahead of events it had not sent yet
      // (saved, one would skip them after a restart) and behind events it had (saved, they would count twice).
      if (message.kind === 'event') {
        const position = message.event.position;
        let event: ProjectedEvent | undefined; // decoded once, for every projection that reads it
        for (const m of members) {
          if (m.checkpoint && comparePositions(position, m.checkpoint) <= 0) continue; // applied already
          if (m.types.has(message.event.type)) {
            event ??= toProjected(message.event);
            try {
              m.p.apply(event, m.state);
            } catch (error) {
              this.fail(group, m, new ProjectionFailed(m.p.name, message.event.id, error as Error));
              continue;
            }
            m.processed++;
          }
          m.checkpoint = position;
        }
        if (members.some((m) => m.failed)) members = members.filter((m) => !m.failed);
        inBatch++;
      }
      if (members.length === 0) return;
      if (message.kind === 'caughtUp' || live || inBatch >= this.options.batchSize) await commit(message.kind === 'caughtUp' || live);
      if (message.kind === 'caughtUp') {
        await Promise.all(
          members
            .filter((m) => m.building)
            .map(async (m) => {
              await this.readStore.activate(m.p, m.generation, m.writes);
              m.building = false;
            }),
        );
        live = true;
        for (const m of members) {
          this.update(m.p.name, { state: 'live' });
          group.caughtUp.get(m.p.name)?.resolve();
        }
      }
    }
    if (inBatch) await commit(true);
  }

  /** A projection that threw is left at its last committed batch; its rows in memory are dropped. */
  private fail(group: Group, m: Member, error: ProjectionFailed) {
    m.failed = true;
    group.failed.add(m.p.name);
    this.update(m.p.name, { state: 'failed', error: error.message });
    group.caughtUp.get(m.p.name)?.reject(error);
  }

  private update(name: string, change: Partial<ProjectionStatus>) {
    Object.assign(this.statuses.get(name)!, change);
  }
}
