import { Decider } from '../shared/decider';
import { LoanCommand } from './loan.commands';
import { decideLoan } from './loan.decide';
import { LoanEvent } from './loan.events';
import { LoanState, evolveLoan, initialLoanState } from './loan.state';

export * from './loan.events';
export * from './loan.commands';
export * from './loan.state';
export { nextFallingDue, overdueOn, payoffOn, unpaid, type LoanAccount } from './loan.account';
export { repaymentPlan } from './loan.plan';
export { deadlineCheckOn, stepLimits, waitingStep } from './loan.time-limits';
export * from './loan.risk';
export { payoffQuote, repaymentSchedule, type PayoffQuote, type ScheduleLine } from './loan.quote';

export const loanStream = (loanId: string) => `loan-${loanId}`;
export const loanDecider: Decider<LoanCommand, LoanEvent, LoanState> = {
  initialState: initialLoanState,
  decide: decideLoan,
  evolve: evolveLoan,
};
