import { EventStore, Position, Subscription } from '@app/event-store';

/**
 * The disbursed loans still running, and the loans waiting for a decision or a disbursement, kept in memory
 * by following $all, so the day-end run knows which loans to look at. It only selects candidates: each
 * decision still reads the loan's own stream.
 *
 * A subscription that drops (a server restart, a leader change, a network fault) is resumed with back-off
 * from the last event it delivered, never from a checkpoint the server sent (a server can send one ahead of
 * an event it has not delivered yet); until it has caught up again, `list` waits, so the day-end run never
 * works from a set that misses loans disbursed while it was away.
 */
export class OpenLoans {
  private readonly open = new Set<string>();
  /** Applied for or guaranteed, not yet disbursed or rejected: their steps have deadlines. */
  private readonly waiting = new Set<string>();
  private subscription?: Subscription;
  private position?: Position;
  private stopped = false;
  private following?: Promise<void>;
  private live!: Promise<void>;
  private markLive?: () => void;
  /** Why the subscription last dropped, while it is being resumed. */
  problem?: string;

  constructor(
    private readonly store: EventStore,
    private readonly backOffMs = (attempt: number) => Math.min(5_000, 50 * 2 ** Math.min(attempt, 7)),
  ) {
    this.behind();
  }

  /** Resolves once every event recorded so far has been seen. */
  start(): Promise<void> {
    this.stopped = false;
    this.following = this.follow();
    return this.live;
  }

  /** The open loans once the subscription has caught up. */
  async list(): Promise<string[]> {
    await this.live;
    return [...this.open];
  }

  /** The loans waiting for the centre's decision or the bank's disbursement, once caught up. */
  async awaiting(): Promise<string[]> {
    await this.live;
    return [...this.waiting];
  }

  async stop() {
    this.stopped = true;
    await this.subscription?.unsubscribe();
    await this.following;
  }

  private async follow(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        this.subscription = this.store.subscribeToAll({
          fromPosition: this.position ?? 'start',
          filter: { streamNamePrefixes: ['loan-'] },
        });
        for await (const m of this.subscription) {
          if (m.kind === 'caughtUp') {
            attempt = 0;
            this.problem = undefined;
            this.markLive?.();
            this.markLive = undefined;
          }
          if (m.kind !== 'event') continue;
          const loanId = (m.event.data as { loanId: string }).loanId;
          if (m.event.type === 'LoanApplied') this.waiting.add(loanId);
          if (m.event.type === 'Disbursed' || m.event.type === 'LoanApplicationRejected') this.waiting.delete(loanId);
          if (m.event.type === 'Disbursed') this.open.add(loanId);
          if (m.event.type === 'LoanSettled' || m.event.type === 'CompensationPaid') this.open.delete(loanId);
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

  /** From now until the next catch-up, `list` waits (on the same promise, however many drops meanwhile). */
  private behind() {
    if (this.markLive) return;
    this.live = new Promise((resolve) => (this.markLive = resolve));
  }
}
