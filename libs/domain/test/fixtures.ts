import {
  BusinessDate,
  DecisionContext,
  DomainError,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  LoanApplication,
  LoanCommand,
  LoanEvent,
  ReferenceData,
  bp,
  loanDecider,
  policyInForce,
  yuan,
} from '../src';

export const reference = new ReferenceData(JIANGXI_REFERENCE);
export const ctx = (on: string): DecisionContext => ({
  businessDate: on as BusinessDate,
  policy: policyInForce(JIANGXI_POLICIES, on as BusinessDate),
  reference,
});

export const application = (over: Partial<LoanApplication> = {}): Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'] => ({
  loanId: 'L1',
  borrowerId: 'B1',
  maskedIdNumber: '360721********123X',
  categories: ['returning_migrant_worker'],
  kind: 'individual',
  project: { name: '脐橙种植', industry: 'agriculture' },
  microProfit: true,
  amount: yuan(50_000),
  termMonths: 12,
  countyCode: '360721',
  centreId: 'GC-360721',
  branchId: 'ABC-360721',
  counterGuarantee: { mode: 'third_party_guarantor' },
  personsSupported: 1,
  jobsPlanned: 3,
  ...over,
});

/** given(events).when(command, on) → the events decided, or the refusal's code. */
export function given(...history: LoanEvent[]) {
  const state = history.reduce(loanDecider.evolve, loanDecider.initialState());
  return {
    state,
    when: (command: LoanCommand, on: string) => loanDecider.decide(command, state, ctx(on)),
    refuses: (command: LoanCommand, on: string): string => {
      try {
        loanDecider.decide(command, state, ctx(on));
      } catch (e) {
        if (e instanceof DomainError) return e.code;
        throw e;
      }
      throw new Error('expected the command to be refused');
    },
  };
}

/** A loan's history up to a point, each step decided by the decider itself. */
export function history(steps: Array<[LoanCommand, string]>): LoanEvent[] {
  const events: LoanEvent[] = [];
  for (const [command, on] of steps) events.push(...given(...events).when(command, on));
  return events;
}

export const apply = (over: Partial<LoanApplication> = {}): LoanCommand => ({ type: 'ApplyForLoan', data: application(over) });
export const guarantee = (amount = yuan(50_000)): LoanCommand => ({
  type: 'IssueGuarantee',
  data: { guaranteedAmount: amount, feeRate: bp(100), feePaidBy: 'finance' },
});
export const disburse = (amount = yuan(50_000), rate = 600): LoanCommand => ({
  type: 'DisburseLoan',
  data: {
    amount,
    contractRate: bp(rate),
    repaymentMethod: 'interest_quarterly_principal_at_maturity',
    bankContractNo: 'ABC-2011-001',
    borrowerFees: 0 as never,
  },
});
export const repay = (principal: number, interest: number): LoanCommand => ({
  type: 'RecordRepayment',
  data: { principal: principal as never, interest: interest as never, borrowerFees: 0 as never },
});

/** Applied 2011-01-05, guaranteed 01-08, disbursed 01-10: 50,000 yuan at 6 % for 12 months. */
export const runningLoan = () =>
  history([
    [apply(), '2011-01-05'],
    [guarantee(), '2011-01-08'],
    [disburse(), '2011-01-10'],
  ]);
