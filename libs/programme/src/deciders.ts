import { borrowerDecider, fundDecider, loanDecider, subsidyDecider, targetDecider } from '@app/domain';

/** The decider for each stream category (`loan-…`, `fund-…`): how any stream is folded. */
export const DECIDERS = {
  loan: loanDecider,
  fund: fundDecider,
  borrower: borrowerDecider,
  subsidy: subsidyDecider,
  target: targetDecider,
} as const;
