import { BusinessDate, LoanCommand, PreviousLoanFacts, Policy, benchmarkRate, bp, fen } from '@app/domain';
import { PlannedLoan } from './plan';

type CommandData<T extends LoanCommand['type']> = Extract<LoanCommand, { type: T }> extends { data: infer D } ? D : never;

/** The commands' data for a planned loan, the same whichever world runs them. */
export const applicationOf = (loan: PlannedLoan): CommandData<'ApplyForLoan'> => ({
  loanId: loan.id,
  borrowerId: loan.person,
  maskedIdNumber: `${loan.county}********${loan.person.slice(-4).padStart(4, '0')}`,
  categories: loan.categories,
  kind: loan.kind,
  project: { name: `${loan.industry}-${loan.person}`, industry: loan.industry },
  microProfit: loan.microProfit,
  amount: fen(loan.amount),
  termMonths: loan.termMonths,
  countyCode: loan.county,
  centreId: loan.centre,
  branchId: loan.branch,
  counterGuarantee: loan.counterGuarantee,
  personsSupported: loan.persons,
  jobsPlanned: loan.jobs,
  previousLoanId: loan.previousLoanId,
});

export const guaranteeOf = (loan: PlannedLoan, feeRateBp: number): CommandData<'IssueGuarantee'> => ({
  guaranteedAmount: fen(loan.amount),
  feeRate: bp(feeRateBp),
  feePaidBy: 'finance',
});

export const disbursementOf = (loan: PlannedLoan, policy: Policy, on: string): CommandData<'DisburseLoan'> => ({
  amount: fen(loan.amount),
  contractRate: bp(benchmarkRate(policy, on as BusinessDate, loan.termMonths) + loan.markupBp),
  repaymentMethod: loan.method,
  bankContractNo: `${loan.branch}-${loan.id}`,
  borrowerFees: fen(0),
});

/** What the programme would read from the first loan: planned on time, so settled and never overdue. */
export const firstLoanOf = (loan: PlannedLoan): PreviousLoanFacts => ({
  loanId: loan.previousLoanId!,
  exists: true,
  borrowerId: loan.person,
  status: 'settled',
  everOverdue: false,
  projectName: `${loan.industry}-${loan.person}`,
});
