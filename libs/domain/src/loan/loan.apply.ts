import { formatYuan } from '../shared/money';
import { DecisionContext } from '../shared/decider';
import { broken, ensure, invalid } from '../shared/errors';
import { LoanApplication, LoanApplied, SecondSupportGranted } from './loan.events';
import { LoanCommand, PreviousLoanFacts } from './loan.commands';
import type { RiskFlagged } from './loan.risk';
import { NO_RISK_FACTS, decideRisk } from './loan.risk';
import { evolveLoan, initialLoanState } from './loan.state';

type Apply = Extract<LoanCommand, { type: 'ApplyForLoan' }>;

/** An application is checked against the reference data and the policy in force on the day it is taken. */
export function decideApplication(c: Apply, ctx: DecisionContext): Array<LoanApplied | SecondSupportGranted | RiskFlagged> {
  const a = c.data;
  const { policy, reference } = ctx;
  const county = reference.county(a.countyCode);
  const centre = reference.requireCentre(a.centreId);
  ensure(reference.centreServes(centre, county.code), () =>
    invalid('LOAN.CENTRE_NOT_RESPONSIBLE', `${centre.name} does not serve ${county.name} (${county.code}).`),
  );
  const branch = reference.requireBranch(a.branchId);
  const city = reference.cityOf(county.code)!;
  ensure(branch.regionCode === county.code || branch.regionCode === city.code, () =>
    invalid('LOAN.BRANCH_OUTSIDE_AREA', `Bank branch ${branch.name} does not lend in ${county.name}.`),
  );

  ensure(a.categories.length > 0, () => invalid('LOAN.NO_CATEGORY', 'Choose at least one borrower category.'));
  ensure(Number.isInteger(a.termMonths) && a.termMonths >= 1 && a.termMonths <= policy.maxTermMonths, () =>
    broken('LOAN.TERM_TOO_LONG', `The loan term must be between 1 and ${policy.maxTermMonths} months.`),
  );
  ensure(a.amount > 0, () => invalid('LOAN.AMOUNT_NOT_POSITIVE', 'The amount applied for must be more than zero.'));
  const cap = policy.caps[a.kind];
  ensure(a.amount <= cap, () =>
    broken(
      'LOAN.CAP_EXCEEDED',
      `A ${a.kind.replace('_', ' ')} loan can be at most ${formatYuan(cap)} under policy ${policy.version}; ${formatYuan(a.amount)} was asked for.`,
      { capFen: cap, amountFen: a.amount },
    ),
  );
  ensure(a.kind !== 'partnership' || a.personsSupported >= 2, () =>
    invalid('LOAN.PARTNERSHIP_NEEDS_PARTNERS', 'A partnership loan supports at least two partners.'),
  );
  ensure(a.personsSupported >= 1 && a.jobsPlanned >= 1, () =>
    invalid('LOAN.NO_PERSONS', 'Give the number of people the loan supports and the jobs it plans to create.'),
  );

  const cg = a.counterGuarantee;
  ensure(cg.mode !== 'joint_households' || (cg.households ?? 0) >= policy.jointGuaranteeMinHouseholds, () =>
    broken('LOAN.JOINT_GUARANTEE_TOO_FEW', `A joint guarantee needs at least ${policy.jointGuaranteeMinHouseholds} households.`),
  );
  ensure(cg.mode !== 'credit_community' || !!cg.creditCommunityId, () =>
    invalid('LOAN.CREDIT_COMMUNITY_MISSING', 'Name the credit community that recommends the borrower.'),
  );

  if (a.kind === 'second_support') checkFirstLoan(a.borrowerId, a.previousLoanId, c.previousLoan);
  else
    ensure(!a.previousLoanId, () => invalid('LOAN.PREVIOUS_LOAN_NOT_EXPECTED', 'Only a second-support application names a previous loan.'));

  ensure(c.jobsCreated === undefined || a.kind === 'second_support', () =>
    invalid('LOAN.JOBS_CREATED_NOT_EXPECTED', 'People employed are reported for a second-support application only.'),
  );

  const bank = reference.bank(branch.bankCode)!;
  const applied: LoanApplied = {
    type: 'LoanApplied',
    data: { ...a, cityCode: city.code, bankCode: bank.code, appliedOn: ctx.businessDate },
  };
  // Second support in one request: every condition checked at once, and the grant recorded with the application.
  const granted = c.jobsCreated === undefined ? [] : [decideSecondSupport(a, c.previousLoan, c.jobsCreated, ctx)];
  const state = evolveLoan(initialLoanState(), applied);
  return [applied, ...granted, ...decideRisk(state, c.riskFacts ?? NO_RISK_FACTS, 'application', ctx)];
}

/**
 * Second support granted: the first loan repaid in full and on time by the same borrower, the same project,
 * and enough people employed. Decided on its own, or with the application when the jobs are given with it.
 */
export function decideSecondSupport(
  a: Pick<LoanApplication, 'loanId' | 'borrowerId' | 'previousLoanId' | 'project'>,
  first: PreviousLoanFacts | undefined,
  jobsCreated: number,
  ctx: DecisionContext,
): SecondSupportGranted {
  checkFirstLoan(a.borrowerId, a.previousLoanId, first);
  ensure(first!.projectName?.trim() === a.project.name.trim(), () =>
    broken('LOAN.SECOND_SUPPORT_OTHER_PROJECT', 'Second support is for the same project as the first loan.'),
  );
  ensure(jobsCreated >= ctx.policy.secondSupportMinJobs, () =>
    broken(
      'LOAN.SECOND_SUPPORT_TOO_FEW_JOBS',
      `Second support needs at least ${ctx.policy.secondSupportMinJobs} people employed; ${jobsCreated} were reported.`,
    ),
  );
  return {
    type: 'SecondSupportGranted',
    data: {
      loanId: a.loanId,
      previousLoanId: a.previousLoanId!,
      jobsCreated,
      cap: ctx.policy.caps.second_support,
      grantedOn: ctx.businessDate,
    },
  };
}

/** Second support is for a borrower whose first loan was repaid in full and on time. */
export function checkFirstLoan(borrowerId: string, previousLoanId: string | undefined, first: PreviousLoanFacts | undefined): void {
  ensure(!!previousLoanId && !!first?.exists, () =>
    broken('LOAN.SECOND_SUPPORT_NEEDS_FIRST_LOAN', "A second-support loan must name the borrower's first loan, and that loan must exist."),
  );
  ensure(first!.borrowerId === borrowerId, () =>
    broken('LOAN.SECOND_SUPPORT_OTHER_BORROWER', 'The first loan named belongs to a different borrower.'),
  );
  ensure(!first!.everOverdue, () =>
    broken('LOAN.SECOND_SUPPORT_FIRST_LOAN_OVERDUE', 'The first loan was overdue: second support needs it repaid on time.'),
  );
  ensure(first!.status === 'settled', () =>
    broken('LOAN.SECOND_SUPPORT_FIRST_LOAN_OPEN', 'The first loan has not been repaid in full yet.'),
  );
}
