import { BusinessDate, addDays } from '../shared/dates';
import { DecisionContext } from '../shared/decider';
import { Policy } from '../policy/policy';
import { StepPastDeadline, TimeLimitedStep } from './loan.events';
import { LoanState } from './loan.state';

/**
 * The step a loan waits in, and its deadline under the policy. The centre's review, investigation and
 * guarantee are not recorded one by one, so its deadline is their days added up; the bank answers within
 * its days of the guarantee. Calendar days, as the policy counts them.
 */
export function waitingStep(
  s: LoanState,
  policy: Policy,
): { step: TimeLimitedStep; startedOn: BusinessDate; dueBy: BusinessDate; unitId: string } | undefined {
  const limits = stepLimits(policy);
  if (s.status === 'applied') {
    const startedOn = s.application!.appliedOn;
    return { step: 'decision', startedOn, dueBy: addDays(startedOn, limits.decisionDays), unitId: s.application!.centreId };
  }
  if (s.status === 'guaranteed') {
    const startedOn = s.guarantee!.issuedOn;
    return { step: 'disbursement', startedOn, dueBy: addDays(startedOn, limits.disbursementDays), unitId: s.application!.branchId };
  }
  return undefined;
}

/** The days each recorded step may take under a policy. */
export function stepLimits(policy: Policy): { decisionDays: number; disbursementDays: number } {
  const days = policy.stepDeadlineDays;
  return { decisionDays: days.review + days.investigation + days.guarantee, disbursementDays: days.bankAnswer };
}

/** A step still not done the day after its deadline is recorded once, by the day-end run that finds it. */
export function decideTimeLimits(s: LoanState, ctx: DecisionContext): StepPastDeadline[] {
  const waiting = waitingStep(s, ctx.policy);
  if (!waiting || ctx.businessDate <= waiting.dueBy || s.pastDeadline.includes(waiting.step)) return [];
  return [{ type: 'StepPastDeadline', data: { loanId: s.application!.loanId, ...waiting, foundOn: ctx.businessDate } }];
}

/**
 * The first day-end that could find the loan's current step past its deadline (none once it has been found
 * late, or when nothing waits): until then the time-limits check need not look at it.
 */
export function deadlineCheckOn(s: LoanState, policy: Policy): BusinessDate | undefined {
  const waiting = waitingStep(s, policy);
  return waiting && !s.pastDeadline.includes(waiting.step) ? addDays(waiting.dueBy, 1) : undefined;
}
