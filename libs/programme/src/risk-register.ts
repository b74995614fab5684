import { LoanApplication, RISK_KEY_KINDS, RiskFacts } from '@app/domain';
import { EventStore, RecordedEvent } from '@app/event-store';
import { Follower } from './follower';

/** At most this many other loans are named for one shared detail: a market hall's address can be on hundreds. */
export const MATCHES_PER_DETAIL = 20;

interface Registered {
  applied: boolean;
  open: boolean;
  borrowerId?: string;
  centreId?: string;
  guarantorId?: string;
  keys: string[];
}

type Applicant = Pick<LoanApplication, 'loanId' | 'borrowerId' | 'riskKeys' | 'guarantorId'>;

/**
 * Risk control's register of applications: every loan's keyed hashes of its details, its guarantor, whether it
 * is open, and each borrower's refusals, kept in memory by following the loans' streams (and the erasures,
 * after which a person's details are matched no more). The programme also tells it at once what it records
 * itself, so a second application in the same second meets the first. Every change is the same however often
 * and in whatever order it is seen: a loan once closed stays closed.
 */
export class RiskRegister extends Follower {
  private readonly loans = new Map<string, Registered>();
  private readonly byKey = new Map<string, Set<string>>();
  /** Each guarantor's open loans. */
  private readonly byGuarantor = new Map<string, Set<string>>();
  private readonly refused = new Map<string, Set<string>>();
  private readonly ofBorrower = new Map<string, Set<string>>();
  /** Loans whose facts may have grown since they were last checked (see `takeRechecks`). */
  private readonly rechecks = new Set<string>();

  constructor(store: EventStore, backOffMs?: (attempt: number) => number) {
    super(store, ['loan-', 'erasure-'], backOffMs);
  }

  /**
   * A register that follows nothing: for the sole writer of a store that starts empty (the simulation), where
   * what the programme records is the whole history and reaches the register through `observe`.
   */
  static forSoleWriter(store: EventStore): RiskRegister {
    const register = new RiskRegister(store);
    register.assumeCaughtUp();
    return register;
  }

  /** What the register knows that bears on an application, once it has caught up with the history. */
  async factsFor(a: Applicant): Promise<RiskFacts> {
    await this.caughtUp();
    const sharing: RiskFacts['sharing'] = [];
    for (const key of RISK_KEY_KINDS) {
      const hash = a.riskKeys?.[key];
      if (!hash) continue;
      let named = 0;
      for (const loanId of this.byKey.get(`${key}:${hash}`) ?? []) {
        const other = this.loans.get(loanId)!;
        if (loanId === a.loanId || other.borrowerId === a.borrowerId || named++ >= MATCHES_PER_DETAIL) continue;
        sharing.push({ key, loanId, open: other.open });
      }
    }
    const guarantorLoans = [...((a.guarantorId && this.byGuarantor.get(a.guarantorId)) || [])].filter((id) => id !== a.loanId);
    const refusals = [...(this.refused.get(a.borrowerId) ?? [])]
      .filter((id) => id !== a.loanId)
      .map((loanId) => ({ loanId, centreId: this.loans.get(loanId)?.centreId ?? '' }));
    return { sharing, guarantorLoans, refusals };
  }

  /**
   * The loans that what was registered since the last call may bear on, for the day-end's re-check: each new
   * application (it meets what was registered after its own check, a concurrent twin's included), and the
   * loans sharing one of its details or its guarantor, or of a borrower just refused. Facts only ever grow by
   * these, so an application not named here has nothing new to flag.
   */
  async takeRechecks(): Promise<string[]> {
    await this.caughtUp();
    const loans = [...this.rechecks];
    this.rechecks.clear();
    return loans;
  }

  /** A re-check that could not be done (a past day run again): kept for the next run. */
  recheckLater(loanId: string): void {
    this.rechecks.add(loanId);
  }

  /** Events this process recorded, seen before the subscription delivers them. */
  observe(events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'data'>>): void {
    for (const e of events) this.see(e);
  }

  protected see(e: Pick<RecordedEvent, 'type' | 'data'>): void {
    switch (e.type) {
      case 'LoanApplied':
        return this.applied(e.data as LoanApplication);
      case 'LoanApplicationRejected': {
        const { loanId, borrowerId } = e.data as { loanId: string; borrowerId: string };
        this.close(loanId);
        const refused = this.refused.get(borrowerId) ?? new Set();
        this.refused.set(borrowerId, refused.add(loanId));
        for (const other of this.ofBorrower.get(borrowerId) ?? []) if (other !== loanId) this.rechecks.add(other);
        return;
      }
      case 'LoanSettled':
      case 'CompensationPaid':
        return this.close((e.data as { loanId: string }).loanId);
      case 'BorrowerDataErased':
        return this.erase((e.data as { borrowerId: string }).borrowerId);
    }
  }

  private entry(loanId: string): Registered {
    let r = this.loans.get(loanId);
    if (!r) this.loans.set(loanId, (r = { applied: false, open: true, keys: [] }));
    return r;
  }

  private applied(a: LoanApplication) {
    const r = this.entry(a.loanId);
    if (r.applied) return;
    Object.assign(r, { applied: true, borrowerId: a.borrowerId, centreId: a.centreId, guarantorId: a.guarantorId });
    r.keys = Object.entries(a.riskKeys ?? {}).map(([kind, hash]) => `${kind}:${hash}`);
    this.ofBorrower.set(a.borrowerId, (this.ofBorrower.get(a.borrowerId) ?? new Set()).add(a.loanId));
    for (const k of r.keys) this.byKey.set(k, (this.byKey.get(k) ?? new Set()).add(a.loanId));
    if (r.open && a.guarantorId) this.byGuarantor.set(a.guarantorId, (this.byGuarantor.get(a.guarantorId) ?? new Set()).add(a.loanId));
    for (const k of r.keys) for (const other of this.byKey.get(k)!) this.rechecks.add(other);
    for (const other of (a.guarantorId && this.byGuarantor.get(a.guarantorId)) || []) this.rechecks.add(other);
    this.rechecks.add(a.loanId);
  }

  private close(loanId: string) {
    const r = this.entry(loanId);
    if (!r.open) return;
    r.open = false;
    if (r.guarantorId) this.byGuarantor.get(r.guarantorId)?.delete(loanId);
  }

  /**
   * The details of an erased person's loans so far are matched no more (an application after the erasure is the
   * person's anew); the rules on their hash (refusals) stay, as the borrower stream's do.
   */
  private erase(borrowerId: string) {
    for (const loanId of this.ofBorrower.get(borrowerId) ?? []) {
      const r = this.loans.get(loanId)!;
      for (const k of r.keys) this.byKey.get(k)?.delete(loanId);
      r.keys = [];
    }
  }
}
