import { ProgrammeEvent, fundDecider, loanDecider } from '@app/domain';

/** An event as the store records it. */
export interface Recorded {
  streamName: string;
  type: string;
  data: unknown;
}

/** Rule 5 of the programme: guarantees outstanding at most 5 × the fund's balance (the number, not the policy's). */
const LEVERAGE = 5;

interface FundBook {
  contributions: number;
  recoveries: number;
  compensation: number;
  reversals: number;
  /** Guarantees outstanding as the fund's own events say. */
  exposure: number;
}
interface LoanBook {
  borrowerId: string;
  fundId?: string;
  /** The amount guaranteed while the guarantee stands (issued, not yet rejected, settled or compensated). */
  guarantee: number;
  /** Open for the borrower: applied, and not rejected, settled, fully recovered or written off. */
  open: boolean;
  disbursed: number;
  principalRepaid: number;
  compensation: number;
  recovered: number;
}

/** What the histories reached, over all runs: events by type, and funds left above the cap by compensation. */
export const observed = { types: new Map<string, number>(), overCapAfterCompensation: 0 };

class Broken extends Error {}
const fail = (rule: string, message: string): never => {
  throw new Broken(`Invariant ${rule} broken: ${message}`);
};

/**
 * The programme's invariants, computed from the recorded events alone, independently of the deciders:
 * (a) a fund's guarantees outstanding never exceed 5 × its balance when a guarantee is added;
 * (b) a person has at most one open loan at any time, and none after a write-off;
 * (c) money is conserved: a fund's balance is its contributions + recoveries − compensation + reversals,
 *     the loans' compensation and recoveries are what the funds were charged and credited, and a loan's
 *     outstanding principal is what was paid out less the principal repaid, never negative.
 * `see` checks each event as it is recorded (what holds at every instant); `settle` checks, once an
 * action has finished its two-step writes, that the loan, fund and borrower streams agree and that the
 * deciders' folds give the same figures.
 */
export class Invariants {
  private readonly funds = new Map<string, FundBook>();
  private readonly loans = new Map<string, LoanBook>();
  /** Open loans per person as the borrower streams say. */
  private readonly borrowerOpen = new Map<string, Set<string>>();
  private readonly defaulted = new Set<string>();
  private readonly streams = new Map<string, ProgrammeEvent[]>();

  see(recorded: Recorded): void {
    const e = { type: recorded.type, data: recorded.data } as ProgrammeEvent;
    const stream = this.streams.get(recorded.streamName) ?? [];
    this.streams.set(recorded.streamName, stream);
    stream.push(e);
    observed.types.set(e.type, (observed.types.get(e.type) ?? 0) + 1);
    switch (e.type) {
      case 'GuaranteeFundContributed':
        this.fund(e.data.fundId).contributions += e.data.amount;
        return;
      case 'FundExposureReserved': {
        const f = this.fund(e.data.fundId);
        f.exposure += e.data.amount;
        if (f.exposure > LEVERAGE * balance(f))
          fail('(a) leverage', `fund ${e.data.fundId} reserved ${e.data.amount} for ${e.data.loanId}: ${f.exposure} > 5 × ${balance(f)}`);
        return;
      }
      case 'FundExposureReleased':
        this.fund(e.data.fundId).exposure -= e.data.amount;
        return;
      case 'FundCompensationCharged': {
        const f = this.fund(e.data.fundId);
        f.compensation += e.data.amount;
        f.exposure -= e.data.exposureReleased;
        if (balance(f) < 0) fail('(c) money', `fund ${e.data.fundId} paid ${e.data.amount} for ${e.data.loanId} and holds ${balance(f)}`);
        // Paying the bank may leave the fund behind more than 5 × what it still holds: counted, not a failure.
        if (f.exposure > LEVERAGE * balance(f)) observed.overCapAfterCompensation++;
        return;
      }
      case 'FundCompensationReversed': {
        const f = this.fund(e.data.fundId);
        f.reversals += e.data.amount;
        f.exposure += e.data.exposureRestored;
        return;
      }
      case 'FundRecoveryCredited':
        this.fund(e.data.fundId).recoveries += e.data.amount;
        return;
      case 'BorrowerLoanOpened': {
        const open = this.borrowerOpen.get(e.data.borrowerId) ?? new Set();
        this.borrowerOpen.set(e.data.borrowerId, open.add(e.data.loanId));
        if (open.size > 1) fail('(b) one open loan', `borrower stream of ${e.data.borrowerId} has open loans ${[...open]}`);
        return;
      }
      case 'BorrowerLoanClosed':
        this.borrowerOpen.get(e.data.borrowerId)?.delete(e.data.loanId);
        return;
      case 'LoanApplied': {
        const { loanId, borrowerId } = e.data;
        if (this.defaulted.has(borrowerId)) fail('(b) one open loan', `${borrowerId} defaulted, and ${loanId} was applied for`);
        this.loans.set(loanId, { borrowerId, guarantee: 0, open: true, disbursed: 0, principalRepaid: 0, compensation: 0, recovered: 0 });
        const open = this.openLoansOf(borrowerId);
        if (open.length > 1) fail('(b) one open loan', `${borrowerId} has open loans ${open}`);
        return;
      }
      case 'GuaranteeIssued': {
        const loan = this.loan(e.data.loanId);
        loan.fundId = e.data.fundId;
        loan.guarantee = e.data.guaranteedAmount;
        const outstanding = this.guaranteesOutstanding(e.data.fundId);
        const f = this.fund(e.data.fundId);
        if (outstanding > LEVERAGE * balance(f))
          fail('(a) leverage', `${e.data.loanId} guaranteed: fund ${e.data.fundId} stands behind ${outstanding} > 5 × ${balance(f)}`);
        return;
      }
      case 'LoanApplicationRejected':
      case 'LoanSettled':
        Object.assign(this.loan(e.data.loanId), { guarantee: 0, open: false });
        if (e.type === 'LoanSettled' && this.outstanding(e.data.loanId) !== 0)
          fail('(c) money', `${e.data.loanId} settled with ${this.outstanding(e.data.loanId)} principal outstanding`);
        return;
      case 'Disbursed':
        this.loan(e.data.loanId).disbursed = e.data.amount;
        return;
      case 'Repaid': {
        const loan = this.loan(e.data.loanId);
        loan.principalRepaid += e.data.principal;
        const outstanding = this.outstanding(e.data.loanId);
        if (e.data.principal < 0 || outstanding < 0 || outstanding !== e.data.outstandingPrincipal)
          fail(
            '(c) money',
            `${e.data.loanId}: ${loan.disbursed} paid out − ${loan.principalRepaid} repaid ≠ ${e.data.outstandingPrincipal} outstanding`,
          );
        return;
      }
      case 'CompensationPaid':
        Object.assign(this.loan(e.data.loanId), { guarantee: 0, compensation: e.data.amount });
        return;
      case 'RecoveryCollected': {
        const loan = this.loan(e.data.loanId);
        loan.recovered += e.data.amount;
        if (loan.recovered > loan.compensation || e.data.remainingClaim !== loan.compensation - loan.recovered)
          fail('(c) money', `${e.data.loanId} recovered ${loan.recovered} of ${loan.compensation}, claim left ${e.data.remainingClaim}`);
        if (e.data.remainingClaim === 0) loan.open = false;
        return;
      }
      case 'LoanWrittenOff':
        this.loan(e.data.loanId).open = false;
        this.defaulted.add(e.data.borrowerId);
        return;
      case 'SecondSupportGranted':
      case 'Overdue':
      case 'LoanExtended':
      case 'InterestSubsidyClaimed':
      case 'InterestSubsidyPaid':
      case 'AnnualTargetSet':
        return;
    }
  }

  settle(): void {
    for (const [fundId, f] of this.funds) {
      const state = this.fold(`fund-${fundId}`, fundDecider);
      if (state.balance !== balance(f) || state.exposure !== f.exposure)
        fail(
          '(c) money',
          `fund ${fundId}: the fold says ${state.balance} held, ${state.exposure} guaranteed; the events ${balance(f)}, ${f.exposure}`,
        );
      const outstanding = this.guaranteesOutstanding(fundId);
      if (outstanding !== f.exposure)
        fail('(a) leverage', `fund ${fundId} reserves ${f.exposure}; its loans' guarantees standing: ${outstanding}`);
      const ofFund = [...this.loans.values()].filter((l) => l.fundId === fundId);
      const compensation = ofFund.reduce((s, l) => s + l.compensation, 0);
      const recovered = ofFund.reduce((s, l) => s + l.recovered, 0);
      if (compensation !== f.compensation - f.reversals || recovered !== f.recoveries)
        fail(
          '(c) money',
          `fund ${fundId} charged ${f.compensation - f.reversals}, credited ${f.recoveries}; its loans ${compensation}, ${recovered}`,
        );
    }
    for (const [loanId, l] of this.loans) {
      const account = this.fold(`loan-${loanId}`, loanDecider).account;
      if (account && account.outstanding !== this.outstanding(loanId))
        fail('(c) money', `${loanId}: the fold says ${account.outstanding} outstanding, the events ${this.outstanding(loanId)}`);
      const open = this.openLoansOf(l.borrowerId).sort();
      const onBorrowerStream = [...(this.borrowerOpen.get(l.borrowerId) ?? [])].sort();
      if (open.join() !== onBorrowerStream.join())
        fail('(b) one open loan', `${l.borrowerId}: loans open ${open}, the borrower stream says ${onBorrowerStream}`);
    }
  }

  private fold<S>(streamName: string, decider: { initialState: () => S; evolve: (s: S, e: never) => S }): S {
    return (this.streams.get(streamName) ?? []).reduce((s, e) => decider.evolve(s, e as never), decider.initialState());
  }
  private fund(fundId: string): FundBook {
    const f = this.funds.get(fundId) ?? { contributions: 0, recoveries: 0, compensation: 0, reversals: 0, exposure: 0 };
    this.funds.set(fundId, f);
    return f;
  }
  private loan(loanId: string): LoanBook {
    return this.loans.get(loanId) ?? fail('(record)', `event for ${loanId}, which was never applied for`);
  }
  private outstanding(loanId: string): number {
    const l = this.loan(loanId);
    return l.disbursed - l.principalRepaid;
  }
  private guaranteesOutstanding(fundId: string): number {
    return [...this.loans.values()].filter((l) => l.fundId === fundId).reduce((s, l) => s + l.guarantee, 0);
  }
  private openLoansOf(borrowerId: string): string[] {
    return [...this.loans].filter(([, l]) => l.borrowerId === borrowerId && l.open).map(([id]) => id);
  }
}

const balance = (f: FundBook) => f.contributions + f.recoveries - f.compensation + f.reversals;
