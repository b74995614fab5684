import { EventMetadata, EventStore, RecordedEvent, Subscription, positionFromString, positionToString } from '@app/event-store';
import { BatchTx, RowCache } from './batch';
import { Projection, ProjectedEvent } from './projection';
import { Generation, ReadStore } from './read-store';

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

/** A projection threw on an event: a bug to fix, not a fault to retry. */
export class ProjectionFailed extends Error {
  constructor(projection: string, eventId: string, cause: Error) {
    super(`${projection} failed on event ${eventId}: ${cause.message}`);
  }
}

export const toProjected = (e: RecordedEvent): ProjectedEvent => {
  const m = e.metadata as Partial<EventMetadata> & { recordedAt?: string };
  // A history copied from another store keeps its original recorded time in the metadata.
  const recordedAt = m.recordedAt ? new Date(m.recordedAt) : e.created;
  return {
    id: e.id,
    type: e.type,
    streamName: e.streamName,
    data: e.data as Record<string, unknown>,
    businessDate: m.businessDate ?? '',
    recordedAt,
    actor: m.actor,
    policyVersion: m.policyVersion,
  };
};

/**
 * Runs each projection from its own checkpoint: catches up in batches (rows and checkpoint committed
 * together), then follows live events. A projection whose version changed, or that has no tables yet,
 * is rebuilt into a new generation that replaces the old one once it has caught up.
 */
export class ProjectionRunner {
  private readonly statuses = new Map<string, ProjectionStatus>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly caughtUp = new Map<string, () => void>();
  private readonly stopping = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: Projection[],
    private readonly options: { batchSize: number; cacheRows?: number } = { batchSize: 10_000 },
  ) {
    for (const p of projections)
      this.statuses.set(p.name, { name: p.name, version: p.version, state: 'stopped', position: null, processed: 0 });
  }

  /** Starts every projection; resolves once each has caught up with the events recorded so far. */
  async start(): Promise<void> {
    await Promise.all(this.projections.map((p) => this.startOne(p, false)));
  }

  /** Rebuilds one projection, or all, from the first event; queries keep reading the old tables meanwhile. */
  async rebuild(name?: string): Promise<void> {
    const chosen = this.projections.filter((p) => !name || p.name === name);
    if (name && chosen.length === 0) throw new Error(`There is no projection called ${name}.`);
    await Promise.all(
      chosen.map(async (p) => {
        await this.stopOne(p.name);
        await this.startOne(p, true);
      }),
    );
  }

  status(): ProjectionStatus[] {
    return [...this.statuses.values()].map((s) => ({ ...s }));
  }

  /**
   * The status with each projection's lag: events recorded after its position, counted up to `cap` (a
   * projection further behind shows `cap`), and its progress through what is recorded now.
   */
  async statusWithLag(cap = 10_000): Promise<Array<ProjectionStatus & { lag: number; progress: number | null }>> {
    return Promise.all(
      this.status().map(async (s) => {
        const from = s.position ? positionFromString(s.position) : 'start';
        const ahead = await this.store.readAll({ fromPosition: from, maxCount: cap + 1 });
        const lag = Math.min(cap, s.position ? Math.max(0, ahead.length - 1) : ahead.length);
        const progress = lag < cap && s.processed + lag > 0 ? Math.floor((s.processed * 1000) / (s.processed + lag)) / 10 : null;
        return { ...s, lag, progress };
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.projections.map((p) => this.stopOne(p.name)));
  }

  private async stopOne(name: string) {
    this.stopping.add(name);
    await this.subscriptions.get(name)?.unsubscribe();
    await this.running.get(name);
    this.subscriptions.delete(name);
    this.running.delete(name);
  }

  /**
   * Follows until stopped. A dropped subscription or an unreachable store is retried with back-off from
   * the last committed checkpoint; a projection that throws is a bug, and stops that projection.
   */
  private startOne(p: Projection, forceRebuild: boolean): Promise<void> {
    this.stopping.delete(p.name);
    return new Promise((resolve, reject) => {
      this.caughtUp.set(p.name, resolve);
      const run = (async () => {
        for (let attempt = 0, rebuild = forceRebuild; ; attempt++, rebuild = false) {
          try {
            return await this.follow(p, rebuild);
          } catch (error) {
            if (error instanceof ProjectionFailed || this.stopping.has(p.name)) throw error;
            const retries = (this.statuses.get(p.name)!.retries ?? 0) + 1;
            this.update(p.name, { state: 'reconnecting', error: (error as Error).message, retries });
            await new Promise((r) => setTimeout(r, Math.min(5_000, 50 * 2 ** Math.min(attempt, 7))));
            if (this.stopping.has(p.name)) return;
          }
        }
      })().catch((error: Error) => {
        this.update(p.name, { state: 'failed', error: error.message });
        reject(error);
      });
      this.running.set(p.name, run);
    });
  }

  private async follow(p: Projection, forceRebuild: boolean): Promise<void> {
    const generations = await this.readStore.generations(p.name);
    // Resume the live generation, or a build of this version that was interrupted; otherwise start a new one.
    const current = (status: Generation['status']) => generations.find((g) => g.status === status && g.version === p.version);
    let gen = forceRebuild ? undefined : (current('active') ?? current('building'));
    if (!gen) {
      const next = Math.max(0, ...generations.map((g) => g.generation)) + 1;
      await this.readStore.begin(p, next);
      gen = { projection: p.name, generation: next, version: p.version, status: 'building', checkpoint: null, processed: 0 };
    }
    let { checkpoint, processed } = gen;
    const generation = gen.generation;
    let building = gen.status === 'building';
    // A failure stays in the status while it is retried, until a batch commits.
    this.update(p.name, { state: building ? 'rebuilding' : 'catching_up', generation, position: checkpoint, processed });

    const subscription = this.store.subscribeToAll({
      fromPosition: checkpoint ? positionFromString(checkpoint) : 'start',
      filter: { eventTypePrefixes: [...p.eventTypes] },
    });
    this.subscriptions.set(p.name, subscription);
    const cache = new RowCache(checkpoint === null && processed === 0, this.options.cacheRows);
    let batch = new BatchTx(this.readStore, p, generation, cache);
    let inBatch = 0;
    let live = false;
    const commit = async () => {
      await this.readStore.commit(p, generation, batch.changes, checkpoint, processed).catch((error: Error) => {
        throw new Error(`${p.name} could not write a batch to the read store: ${error.message}`);
      });
      batch = new BatchTx(this.readStore, p, generation, cache);
      inBatch = 0;
      this.update(p.name, { position: checkpoint, processed, error: undefined, retries: undefined });
    };

    for await (const message of subscription) {
      if (message.kind === 'event') {
        if (p.eventTypes.includes(message.event.type)) {
          await p.apply(toProjected(message.event), batch).catch((error: Error) => {
            throw new ProjectionFailed(p.name, message.event.id, error);
          });
        }
        checkpoint = positionToString(message.event.position);
        processed++;
        inBatch++;
      } else if (message.kind === 'checkpoint') {
        checkpoint = positionToString(message.position);
      }
      if (message.kind === 'caughtUp' || live || inBatch >= this.options.batchSize) await commit();
      if (message.kind === 'caughtUp') {
        if (building) {
          await this.readStore.activate(p, generation);
          building = false;
        }
        live = true;
        this.update(p.name, { state: 'live' });
        this.caughtUp.get(p.name)?.();
      }
    }
    if (inBatch) await commit();
    this.update(p.name, { state: 'stopped' });
    this.caughtUp.get(p.name)?.(); // stopped before catching up: nobody waits for ever
  }

  private update(name: string, change: Partial<ProjectionStatus>) {
    Object.assign(this.statuses.get(name)!, change);
  }
}
