import { BusinessDate, LoanCommand, PreviousLoanFacts, Policy, addDays, benchmarkRate, bp, daysBetween, fen } from '@app/domain';
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
  ...(loan.guarantorId ? { guarantorId: loan.guarantorId } : {}),
});

/**
 * Who guarantees each third-party-guaranteed loan: mostly someone of their own, and one loan in forty (by its id,
 * so that the plan's random draws are untouched) the guarantor of the centre's previous such loan, as a public
 * employee who guarantees two neighbours would. Risk control flags those whose first loan is still open.
 */
export function assignGuarantors(loans: PlannedLoan[]): void {
  const last = new Map<string, string>();
  for (const loan of loans) {
    if (loan.counterGuarantee.mode !== 'third_party_guarantor') continue;
    const previous = last.get(loan.centre);
    loan.guarantorId = previous && hashOf(loan.id) % 40 === 0 ? previous : `G-${loan.id}`;
    last.set(loan.centre, loan.guarantorId);
  }
}

/**
 * Some steps take longer than the policy allows, as they did: by the loan's id (the draws untouched), the
 * centre decides one application in eighty after 23 to 32 days instead of 20, and the bank pays out one
 * guarantee in fifty after 22 to 36 days instead of 21. Not on a loan that second support follows, whose
 * dates the second loan's were drawn from, nor on second support itself.
 */
export function delaySomeSteps(loans: PlannedLoan[]): void {
  for (const loan of loans) {
    if (loan.hasSecondSupport || loan.previousLoanId) continue;
    const h = hashOf(`${loan.id}:steps`);
    if (h % 80 === 1) {
      const bankDays = daysBetween(loan.guaranteeOn as BusinessDate, loan.disburseOn as BusinessDate);
      loan.guaranteeOn = addDays(loan.applyOn as BusinessDate, 23 + (h % 10));
      loan.disburseOn = addDays(loan.guaranteeOn as BusinessDate, bankDays);
    }
    if (h % 50 === 7) loan.disburseOn = addDays(loan.guaranteeOn as BusinessDate, 22 + (h % 15));
  }
}

const hashOf = (text: string) => {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
};

/** The officer's review of a simulated flag: the guarantor's first loan is known to be in good standing. */
export const RISK_CLEARED: CommandData<'ReviewRisk'> = { decision: 'cleared', note: '担保人前笔担保贷款正常还款，同意继续担保' };

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
