import { Fen, ZERO, add, fen, max, sub } from '../shared/money';
import { BusinessDate, Quarter, quarterOf } from '../shared/dates';
import { unreachable } from '../shared/errors';
import { LoanAccount, applyRepayment, extendTo, openAccount, settleAccrualOn } from './loan.account';
import { LoanApplication, LoanEvent, SubsidyTerms, TimeLimitedStep } from './loan.events';
import { evolveRisk } from './loan.risk';

export type LoanStatus =
  'none' | 'applied' | 'rejected' | 'guaranteed' | 'disbursed' | 'settled' | 'compensated' | 'recovered' | 'written_off';

export interface LoanState {
  status: LoanStatus;
  application?: LoanApplication;
  secondSupportGranted: boolean;
  guarantee?: { fundId: string; amount: Fen; issuedOn: BusinessDate };
  disbursement?: { amount: Fen; disbursedOn: BusinessDate; originalMaturity: BusinessDate; subsidy: SubsidyTerms };
  account?: LoanAccount;
  extended: boolean;
  /** The overdue amounts last marked by the day-end run, less what has been paid since. */
  marked: { principal: Fen; interest: Fen };
  everOverdue: boolean;
  /** What the fund paid in compensation and may recover from the borrower. */
  claim: Fen;
  recovered: Fen;
  /** The claim written off, if it was: it stays on file, and later recoveries still reduce what is owed. */
  writtenOff: Fen;
  /** The steps found past their deadline (限时办结). */
  pastDeadline: TimeLimitedStep[];
  /** Risk control: the findings recorded (as marks), and whether an officer must decide before the guarantee. */
  risk: { pending: boolean; seen: string[] };
  /** Interest subsidy due by the quarter the interest was paid in. */
  subsidyDue: Record<Quarter, { central: Fen; local: Fen }>;
}

export const initialLoanState = (): LoanState => ({
  status: 'none',
  secondSupportGranted: false,
  extended: false,
  marked: { principal: ZERO, interest: ZERO },
  everOverdue: false,
  claim: ZERO,
  recovered: ZERO,
  writtenOff: ZERO,
  pastDeadline: [],
  risk: { pending: false, seen: [] },
  subsidyDue: {},
});

export function evolveLoan(s: LoanState, e: LoanEvent): LoanState {
  switch (e.type) {
    case 'LoanApplied':
      return { ...s, status: 'applied', application: e.data };
    case 'LoanApplicationRejected':
      return { ...s, status: 'rejected' };
    case 'SecondSupportGranted':
      return { ...s, secondSupportGranted: true };
    case 'GuaranteeIssued':
      return {
        ...s,
        status: 'guaranteed',
        guarantee: { fundId: e.data.fundId, amount: e.data.guaranteedAmount, issuedOn: e.data.issuedOn },
      };
    case 'Disbursed': {
      const d = e.data;
      return {
        ...s,
        status: 'disbursed',
        disbursement: { amount: d.amount, disbursedOn: d.disbursedOn, originalMaturity: d.maturityDate, subsidy: d.subsidy },
        account: openAccount(d.amount, d.contractRate, d.disbursedOn, d.maturityDate, d.plan),
      };
    }
    case 'Repaid': {
      const { principal, interest, paidOn, subsidyCentral, subsidyLocal } = e.data;
      const q = quarterOf(paidOn);
      const due = s.subsidyDue[q] ?? { central: ZERO, local: ZERO };
      return {
        ...s,
        subsidyDue: { ...s.subsidyDue, [q]: { central: add(due.central, subsidyCentral), local: add(due.local, subsidyLocal) } },
        account: applyRepayment(settleAccrualOn(s.account!, paidOn), principal, interest, paidOn),
        marked: { principal: max(ZERO, sub(s.marked.principal, principal)), interest: max(ZERO, sub(s.marked.interest, interest)) },
      };
    }
    case 'RiskFlagged':
    case 'RiskReviewed':
      return { ...s, risk: evolveRisk(s.risk, e) };
    case 'StepPastDeadline':
      return { ...s, pastDeadline: [...s.pastDeadline, e.data.step] };
    case 'Overdue':
      return { ...s, everOverdue: true, marked: { principal: e.data.overduePrincipal, interest: e.data.overdueInterest } };
    case 'LoanExtended':
      return { ...s, extended: true, account: extendTo(s.account!, e.data.newMaturity) };
    case 'LoanSettled':
      return { ...s, status: 'settled' };
    case 'CompensationPaid':
      return { ...s, status: 'compensated', claim: e.data.amount };
    case 'RecoveryCollected': {
      const recovered = add(s.recovered, e.data.amount);
      return { ...s, recovered, status: recovered >= s.claim && s.status === 'compensated' ? 'recovered' : s.status };
    }
    case 'LoanWrittenOff':
      return { ...s, status: 'written_off', writtenOff: e.data.amount };
    default:
      return unreachable(e);
  }
}

export const remainingClaim = (s: LoanState): Fen => fen(Math.max(0, s.claim - s.recovered));
export const isOverdueMarked = (s: LoanState): boolean => s.marked.principal > 0 || s.marked.interest > 0;
