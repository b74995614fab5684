import { EventStore, RecordedEvent } from '@app/event-store';
import { Follower } from './follower';

/**
 * The disbursed loans still running, and the loans waiting for a decision or a disbursement, kept in memory
 * by following the loans' streams, so the day-end run knows which loans to look at. It only selects
 * candidates: each decision still reads the loan's own stream.
 */
export class OpenLoans extends Follower {
  private readonly open = new Set<string>();
  /** Applied for or guaranteed, not yet disbursed or rejected: their steps have deadlines. */
  private readonly waiting = new Set<string>();

  constructor(store: EventStore, backOffMs?: (attempt: number) => number) {
    super(store, ['loan-'], backOffMs);
  }

  /** The open loans once the subscription has caught up. */
  async list(): Promise<string[]> {
    await this.caughtUp();
    return [...this.open];
  }

  /** The loans waiting for the centre's decision or the bank's disbursement, once caught up. */
  async awaiting(): Promise<string[]> {
    await this.caughtUp();
    return [...this.waiting];
  }

  protected see(e: RecordedEvent): void {
    const loanId = (e.data as { loanId: string }).loanId;
    if (e.type === 'LoanApplied') this.waiting.add(loanId);
    if (e.type === 'Disbursed' || e.type === 'LoanApplicationRejected') this.waiting.delete(loanId);
    if (e.type === 'Disbursed') this.open.add(loanId);
    if (e.type === 'LoanSettled' || e.type === 'CompensationPaid') this.open.delete(loanId);
  }
}
