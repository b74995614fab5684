import { EventStore, Position, RecordedEvent, Subscription } from '@app/event-store';

/**
 * What the write side keeps in memory by following $all (the day-end's open loans, risk control's register).
 *
 * A subscription that drops (a server restart, a leader change, a network fault) is resumed with back-off
 * from the last event it delivered, never from a checkpoint the server sent (a server can send one ahead of
 * an event it has not delivered yet); until it has caught up again, `caughtUp` waits, so a reader never
 * works from a set that misses what was recorded while it was away.
 */
export abstract class Follower {
  private subscription?: Subscription;
  private position?: Position;
  private stopped = false;
  private following?: Promise<void>;
  private live!: Promise<void>;
  private markLive?: () => void;
  /** Why the subscription last dropped, while it is being resumed. */
  problem?: string;

  constructor(
    protected readonly store: EventStore,
    private readonly streamNamePrefixes: string[],
    private readonly backOffMs = (attempt: number) => Math.min(5_000, 50 * 2 ** Math.min(attempt, 7)),
  ) {
    this.behind();
  }

  /** What an event changes in what is kept. */
  protected abstract see(event: RecordedEvent): void;

  /** Resolves once every event recorded so far has been seen. */
  start(): Promise<void> {
    this.stopped = false;
    this.following = this.follow();
    return this.live;
  }

  async stop() {
    this.stopped = true;
    await this.subscription?.unsubscribe();
    await this.following;
  }

  /** For a sole writer that starts from an empty store and tells what it records: nothing to follow. */
  protected assumeCaughtUp(): void {
    this.markLive?.();
    this.markLive = undefined;
  }

  /** Resolves once the subscription has caught up (at once while it is live). */
  protected caughtUp(): Promise<void> {
    return this.live;
  }

  private async follow(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        this.subscription = this.store.subscribeToAll({
          fromPosition: this.position ?? 'start',
          filter: { streamNamePrefixes: this.streamNamePrefixes },
        });
        for await (const m of this.subscription) {
          if (m.kind === 'caughtUp') {
            attempt = 0;
            this.problem = undefined;
            this.markLive?.();
            this.markLive = undefined;
          }
          if (m.kind !== 'event') continue;
          this.see(m.event);
          this.position = m.event.position;
        }
        if (this.stopped) return;
        this.problem = 'the subscription ended';
      } catch (error) {
        if (this.stopped) return;
        this.problem = (error as Error).message;
      }
      this.behind();
      await new Promise((r) => setTimeout(r, this.backOffMs(attempt)));
    }
  }

  /** From now until the next catch-up, `caughtUp` waits (on the same promise, however many drops meanwhile). */
  private behind() {
    if (this.markLive) return;
    this.live = new Promise((resolve) => (this.markLive = resolve));
  }
}
