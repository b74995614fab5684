import { EventStore, Subscription } from '@app/event-store';

/**
 * The disbursed loans still running, kept in memory by following $all, so the day-end run knows which
 * loans to look at. It only selects candidates: each decision still reads the loan's own stream.
 */
export class OpenLoans {
  private readonly open = new Set<string>();
  private subscription?: Subscription;
  private caughtUp!: Promise<void>;

  constructor(private readonly store: EventStore) {}

  start(): Promise<void> {
    this.subscription = this.store.subscribeToAll({ filter: { streamNamePrefixes: ['loan-'] } });
    const sub = this.subscription;
    this.caughtUp = new Promise((resolve, reject) => {
      void (async () => {
        for await (const m of sub) {
          if (m.kind === 'caughtUp') resolve();
          if (m.kind !== 'event') continue;
          const loanId = (m.event.data as { loanId: string }).loanId;
          if (m.event.type === 'Disbursed') this.open.add(loanId);
          if (m.event.type === 'LoanSettled' || m.event.type === 'CompensationPaid') this.open.delete(loanId);
        }
      })().catch(reject);
    });
    return this.caughtUp;
  }

  /** The open loans once every event recorded so far has been seen. */
  async list(): Promise<string[]> {
    await this.caughtUp;
    return [...this.open];
  }

  async stop() {
    await this.subscription?.unsubscribe();
  }
}
