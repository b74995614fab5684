import { BusinessDate } from '@app/domain';
import { EventStore, RecordedEvent } from '@app/event-store';
import { Follower } from './follower';

/** Before every date: a loan to look at on the next run, whatever its date. */
const NEXT_RUN = '0000-00-00';

/**
 * Loans, each with the first day-end that needs to look at it, indexed by that date so that a run finds its
 * loans without going through all of them. A loan with no date waits for something to happen to it.
 */
class CheckDates {
  private readonly dateOf = new Map<string, string | undefined>();
  private readonly byDate = new Map<string, Set<string>>();

  has = (loanId: string) => this.dateOf.has(loanId);
  all = () => [...this.dateOf.keys()];

  set(loanId: string, date: string | undefined) {
    this.delete(loanId);
    this.dateOf.set(loanId, date);
    if (date !== undefined) this.byDate.set(date, (this.byDate.get(date) ?? new Set()).add(loanId));
  }

  delete(loanId: string) {
    const date = this.dateOf.get(loanId);
    this.dateOf.delete(loanId);
    if (date === undefined) return;
    const loans = this.byDate.get(date)!;
    loans.delete(loanId);
    if (!loans.size) this.byDate.delete(date);
  }

  dueBy(date: string): string[] {
    const due: string[] = [];
    for (const [d, loans] of this.byDate) if (d <= date) due.push(...loans);
    return due;
  }
}

/**
 * The disbursed loans still running, and the loans waiting for a decision or a disbursement, kept in memory
 * by following the loans' streams, so the day-end run knows which loans to look at. Each has the first date
 * a run needs to look at it: the next run after it is disbursed or enters a step, then, after each run that
 * looked at it, the day after its next due date (a running loan) or its step's deadline (a waiting one). Nothing
 * else recorded on a loan can make something fall due or a deadline pass sooner. It only selects candidates:
 * each decision still reads the loan's own stream.
 */
export class OpenLoans extends Follower {
  private readonly open = new CheckDates();
  /** Applied for or guaranteed, not yet disbursed or rejected: their steps have deadlines. */
  private readonly waiting = new CheckDates();
  private latestRun = '';
  /** Loans a run has taken and not yet given a next date; a new step recorded on one meanwhile keeps it due. */
  private readonly checking = new Set<string>();

  constructor(store: EventStore, backOffMs?: (attempt: number) => number) {
    super(store, ['loan-'], backOffMs);
  }

  /** The open loans once the subscription has caught up. */
  async list(): Promise<string[]> {
    await this.caughtUp();
    return this.open.all();
  }

  /**
   * The loans a day-end run for `businessDate` must look at, once caught up. Runs go forward in time; a run
   * for a date before one already run (a past day run again) looks at every loan.
   */
  async dueOn(businessDate: BusinessDate): Promise<{ running: string[]; waiting: string[] }> {
    await this.caughtUp();
    const again = businessDate < this.latestRun;
    if (!again) this.latestRun = businessDate;
    const due = again
      ? { running: this.open.all(), waiting: this.waiting.all() }
      : { running: this.open.dueBy(businessDate), waiting: this.waiting.dueBy(businessDate) };
    for (const loanId of [...due.running, ...due.waiting]) this.checking.add(loanId);
    return due;
  }

  isWaiting = (loanId: string) => this.waiting.has(loanId);

  /** After a run looked at a running loan: the next date to look (none: only when it changes). */
  runningNext(loanId: string, date: BusinessDate | undefined) {
    if (this.checking.delete(loanId) && this.open.has(loanId)) this.open.set(loanId, date);
  }

  /** After a run looked at a waiting loan: the next date to look (none: only when something is recorded on it). */
  waitingNext(loanId: string, date: BusinessDate | undefined) {
    if (this.checking.delete(loanId) && this.waiting.has(loanId)) this.waiting.set(loanId, date);
  }

  /** Events this process recorded, seen before the subscription delivers them (for a sole writer). */
  observe(events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'data'>>): void {
    for (const e of events) this.see(e);
  }

  /** A list that follows nothing: for the sole writer of a store that starts empty, told through `observe`. */
  static forSoleWriter(store: EventStore): OpenLoans {
    const loans = new OpenLoans(store);
    loans.assumeCaughtUp();
    return loans;
  }

  protected see(e: Pick<RecordedEvent, 'type' | 'data'>): void {
    const loanId = (e.data as { loanId: string }).loanId;
    switch (e.type) {
      case 'LoanApplied':
      case 'GuaranteeIssued': // the next step, with its own deadline
        this.checking.delete(loanId);
        return this.waiting.set(loanId, NEXT_RUN);
      case 'LoanApplicationRejected':
        return this.waiting.delete(loanId);
      case 'Disbursed':
        this.waiting.delete(loanId);
        return this.open.set(loanId, NEXT_RUN);
      case 'LoanSettled':
      case 'CompensationPaid':
        return this.open.delete(loanId);
    }
  }
}
