import { BusinessDate, DomainError, Fen, LoanCommand, LoanEvent, LoanState, fen, loanDecider, policyInForce } from '@app/domain';
import { RISK_CLEARED, applicationOf, disbursementOf, firstLoanOf, guaranteeOf } from './commands';
import { BeyondTheEnd, LoanWorld, live } from './life';
import { PlannedLoan, Rules } from './plan';

/** Where a planned loan's life leads, as far as the figures of a plan need it. */
export interface LoanFacts {
  refused?: string;
  guaranteed: boolean;
  disbursedOn?: string;
  maturity?: string;
  /** When the fund's exposure for the loan ends: settled, compensated, or rejected. */
  releasedOn?: string;
  compensations: Array<{ on: string; amount: number }>;
  recoveries: Array<{ on: string; amount: number }>;
  /** Up to the calibration date: principal repaid and central subsidy due, as the bulletin counts them. */
  principalBy: number;
  centralBy: number;
}

/**
 * Runs a planned loan's life through the loan's decider alone: no store, no other streams. A plan's
 * loans do not depend on one another, so this is what the full simulation will record for the loan, but
 * for what the day-end run adds (overdue marks, late steps, flags met later), none of which moves a figure
 * the plan is calibrated on.
 */
export async function dryRun(loan: PlannedLoan, rules: Rules, feeRateBp: number, end: string, asOf: string): Promise<LoanFacts> {
  const facts: LoanFacts = { guaranteed: false, compensations: [], recoveries: [], principalBy: 0, centralBy: 0 };
  let state = loanDecider.initialState();
  const run = async (command: LoanCommand, on: string): Promise<LoanState | undefined> => {
    const ctx = { businessDate: on as BusinessDate, policy: policyInForce(rules.policies, on as BusinessDate), reference: rules.reference };
    try {
      const events = loanDecider.decide(command, state, ctx);
      for (const e of events) note(facts, e, on, asOf);
      state = events.reduce(loanDecider.evolve, state);
      return state;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      facts.refused = error.code;
      return undefined;
    }
  };
  const world: LoanWorld = {
    until: async (date) => {
      if (date > end) throw new BeyondTheEnd();
    },
    state: async () => state,
    apply: (l, on) =>
      run({ type: 'ApplyForLoan', data: applicationOf(l), previousLoan: l.previousLoanId ? firstLoanOf(l) : undefined }, on),
    grantSecondSupport: (l, on) =>
      run({ type: 'GrantSecondSupport', data: { jobsCreated: l.secondSupportJobs! }, previousLoan: firstLoanOf(l) }, on),
    reviewRisk: (_, on) => run({ type: 'ReviewRisk', data: RISK_CLEARED }, on),
    guarantee: (l, on) => run({ type: 'IssueGuarantee', data: guaranteeOf(l, feeRateBp) }, on),
    disburse: (l, on) => run({ type: 'DisburseLoan', data: disbursementOf(l, policyInForce(rules.policies, on as BusinessDate), on) }, on),
    repay: (_, principal, interest, on) => run({ type: 'RecordRepayment', data: { principal, interest, borrowerFees: fen(0) } }, on),
    compensate: (_, on) => run({ type: 'PayCompensation' }, on),
    recover: (_, amount: Fen, on) => run({ type: 'CollectRecovery', data: { amount, source: 'counter_guarantor' } }, on),
    writeOff: (l, on) => run({ type: 'WriteOffLoan', data: { approvalRef: `WO-${l.id}` } }, on),
  };
  try {
    await live(loan, world);
  } catch (error) {
    if (!(error instanceof BeyondTheEnd)) throw error;
  }
  return facts;
}

function note(facts: LoanFacts, e: LoanEvent, on: string, asOf: string) {
  switch (e.type) {
    case 'GuaranteeIssued':
      facts.guaranteed = true;
      return;
    case 'Disbursed':
      facts.disbursedOn = on;
      facts.maturity = e.data.maturityDate;
      return;
    case 'Repaid':
      if (on <= asOf) {
        facts.principalBy += e.data.principal;
        facts.centralBy += e.data.subsidyCentral;
      }
      return;
    case 'LoanSettled':
    case 'LoanApplicationRejected':
      facts.releasedOn = on;
      return;
    case 'CompensationPaid':
      facts.releasedOn = on;
      facts.compensations.push({ on, amount: e.data.amount });
      return;
    case 'RecoveryCollected':
      facts.recoveries.push({ on, amount: e.data.amount });
      return;
    default:
  }
}
