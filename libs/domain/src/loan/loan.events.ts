import { BasisPoints, Fen } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { DomainEvent } from '../shared/decider';
import { LoanKind } from '../policy/policy';
import type { RiskFlagged, RiskKeys, RiskReviewed } from './loan.risk';

export const BORROWER_CATEGORIES = [
  'returning_migrant_worker',
  'college_graduate',
  'woman',
  'laid_off_unemployed',
  'disabled',
  'demobilised_soldier',
  'other',
] as const;
export type BorrowerCategory = (typeof BORROWER_CATEGORIES)[number];

export const COUNTER_GUARANTEE_MODES = ['third_party_guarantor', 'mortgage_or_pledge', 'joint_households', 'credit_community'] as const;
export type CounterGuaranteeMode = (typeof COUNTER_GUARANTEE_MODES)[number];
export interface CounterGuarantee {
  mode: CounterGuaranteeMode;
  households?: number;
  creditCommunityId?: string;
}

export const REPAYMENT_METHODS = ['interest_quarterly_principal_at_maturity', 'equal_principal_quarterly'] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

export interface Instalment {
  dueDate: BusinessDate;
  /** Principal due on that date. */
  principal: Fen;
}

/** Who pays the interest subsidy, fixed at disbursement from the loan's kind and the policy in force. */
export interface SubsidyTerms {
  /** `central_full`: central finance pays all the subsidisable interest; `enterprise_shared`: central and local finance share it. */
  scheme: 'central_full' | 'enterprise_shared' | 'none';
  /** Central finance's share of the subsidy, in basis points (10000 = all). */
  centralShare: BasisPoints;
  /** Interest is subsidised on at most this much principal (for enterprises). */
  principalCap?: Fen;
}

export interface LoanApplication {
  /** The loan's id: its record is `loan-<loanId>`. */
  loanId: string;
  /** Keyed hash of the ID number: matches a person across the province without storing the number. */
  borrowerId: string;
  /** The ID number with its middle hidden (360721********123X). */
  maskedIdNumber: string;
  /** The groups the policy supports that the borrower belongs to (returning migrant worker, graduate, woman, …). */
  categories: BorrowerCategory[];
  kind: LoanKind;
  /** The business the loan starts: its name and industry. */
  project: { name: string; industry: string };
  /** A micro-profit project (微利项目): its interest is subsidised. */
  microProfit: boolean;
  /** The amount asked for. */
  amount: Fen;
  termMonths: number;
  /** The county (GB/T 2260 code) where the borrower applied. */
  countyCode: string;
  /** The city (GB/T 2260 code) of that county. */
  cityCode: string;
  /** The guarantee centre that takes the application. */
  centreId: string;
  /** The bank branch that would lend. */
  branchId: string;
  /** The bank of that branch. */
  bankCode: string;
  /** How the borrower guarantees the centre in turn (反担保). */
  counterGuarantee: CounterGuarantee;
  /** People the loan supports: the borrower, and the partners of a partnership. */
  personsSupported: number;
  /** Jobs the project plans to create. */
  jobsPlanned: number;
  /** For second support: the borrower's first loan, repaid on time. */
  previousLoanId?: string;
  /** How to reach the borrower, sealed like the ID number. */
  contact?: { phone?: string; address?: string; bankAccount?: string };
  /** The business's licence number (统一社会信用代码, or its registration number before 2015), when it has one. */
  businessLicence?: string;
  /** The third-party guarantor, as a keyed hash of their ID number (the same hash a borrower gets). */
  guarantorId?: string;
  /** Keyed hashes of the contact details, licence and project, for risk control's matching only. */
  riskKeys?: RiskKeys;
  appliedOn: BusinessDate;
}

export type LoanApplied = DomainEvent<'LoanApplied', LoanApplication>;
export type LoanApplicationRejected = DomainEvent<
  'LoanApplicationRejected',
  {
    loanId: string;
    borrowerId: string;
    /** Why, as a code (such as FUND.LEVERAGE_EXCEEDED). */
    reasonCode: string;
    /** Why, in the words of whoever rejected it. */
    note?: string;
    rejectedOn: BusinessDate;
    /** The fund whose reserved guarantee is released, when one was reserved. */
    fundId?: string;
  }
>;
export type SecondSupportGranted = DomainEvent<
  'SecondSupportGranted',
  {
    loanId: string;
    /** The first loan, repaid on time. */
    previousLoanId: string;
    /** Jobs the first loan's project created. */
    jobsCreated: number;
    /** The most the second loan may be. */
    cap: Fen;
    grantedOn: BusinessDate;
  }
>;
export type GuaranteeIssued = DomainEvent<
  'GuaranteeIssued',
  {
    loanId: string;
    /** The guarantee fund that stands behind the loan: its record is `fund-<fundId>`. */
    fundId: string;
    guaranteedAmount: Fen;
    /** The guarantee fee, in basis points a year of the amount guaranteed. */
    feeRate: BasisPoints;
    feePaidBy: 'finance';
    issuedOn: BusinessDate;
    /** The version of the programme's policy the guarantee was issued under. */
    policyVersion: string;
  }
>;
export type Disbursed = DomainEvent<
  'Disbursed',
  {
    loanId: string;
    /** The amount paid out. */
    amount: Fen;
    disbursedOn: BusinessDate;
    maturityDate: BusinessDate;
    /** The loan's interest rate, in basis points a year. */
    contractRate: BasisPoints;
    /** The People's Bank benchmark rate on the day, in basis points a year: the subsidy is reckoned on it. */
    benchmarkRate: BasisPoints;
    repaymentMethod: RepaymentMethod;
    /** When principal falls due, and how much. */
    plan: Instalment[];
    /** Who pays the interest subsidy, fixed now from the loan's kind and the policy in force. */
    subsidy: SubsidyTerms;
    /** The bank's own number for the loan contract. */
    bankContractNo: string;
  }
>;
export type Repaid = DomainEvent<
  'Repaid',
  {
    loanId: string;
    /** Principal repaid. */
    principal: Fen;
    /** Interest paid. */
    interest: Fen;
    paidOn: BusinessDate;
    /** Principal still owed after this payment. */
    outstandingPrincipal: Fen;
    /** The part of the interest that earns subsidy (none for interest paid late or after maturity). */
    subsidisableInterest: Fen;
    /** The subsidy this payment earned from central finance. */
    subsidyCentral: Fen;
    /** The subsidy this payment earned from local finance. */
    subsidyLocal: Fen;
  }
>;
export type Overdue = DomainEvent<
  'Overdue',
  {
    loanId: string;
    /** The day of the check. */
    asOf: BusinessDate;
    /** Principal past its due date and unpaid on that day. */
    overduePrincipal: Fen;
    /** Interest past its due date and unpaid on that day. */
    overdueInterest: Fen;
    /** The earliest due date still unpaid. */
    dueDate: BusinessDate;
    /** Days from that due date to the day of the check. */
    daysOverdue: number;
  }
>;
export type LoanExtended = DomainEvent<
  'LoanExtended',
  { loanId: string; previousMaturity: BusinessDate; newMaturity: BusinessDate; extendedOn: BusinessDate }
>;
export type LoanSettled = DomainEvent<
  'LoanSettled',
  {
    loanId: string;
    fundId: string;
    borrowerId: string;
    settledOn: BusinessDate;
    /** Never overdue while it ran: what second support asks of a first loan. */
    onTime: boolean;
  }
>;
export type CompensationPaid = DomainEvent<
  'CompensationPaid',
  {
    loanId: string;
    fundId: string;
    /** Principal outstanding and interest overdue on the day: what the loan lost. */
    loss: Fen;
    /** What the fund paid the bank: its share of the loss. */
    amount: Fen;
    /** The part of the loss the bank bears. */
    bankShare: Fen;
    /** The fund's share of the loss, in basis points (8000 = 80 %). */
    fundShare: BasisPoints;
    daysOverdue: number;
    paidOn: BusinessDate;
  }
>;
export type RecoveryCollected = DomainEvent<
  'RecoveryCollected',
  {
    loanId: string;
    fundId: string;
    borrowerId: string;
    /** The amount recovered. */
    amount: Fen;
    /** From whom: the borrower, a counter-guarantor, or collateral sold. */
    source: RecoverySource;
    /** What the fund may still recover on the loan after this. */
    remainingClaim: Fen;
    /** The loan had been written off: a claim kept on file (账销案存) is being recovered. */
    afterWriteOff: boolean;
    collectedOn: BusinessDate;
  }
>;
export type LoanWrittenOff = DomainEvent<
  'LoanWrittenOff',
  {
    loanId: string;
    fundId: string;
    borrowerId: string;
    /** The claim written off: what the fund had not recovered. */
    amount: Fen;
    /** The reference of the approval to write it off. */
    approvalRef: string;
    writtenOffOn: BusinessDate;
  }
>;

export const RECOVERY_SOURCES = ['borrower', 'counter_guarantor', 'collateral'] as const;
export type RecoverySource = (typeof RECOVERY_SOURCES)[number];

/**
 * 限时办结: the steps of a loan with a deadline. `decision`: the centre reviews, investigates and guarantees (or
 * rejects) an application; `disbursement`: the bank answers a guaranteed file by paying out.
 */
export const TIME_LIMITED_STEPS = ['decision', 'disbursement'] as const;
export type TimeLimitedStep = (typeof TIME_LIMITED_STEPS)[number];

export type StepPastDeadline = DomainEvent<
  'StepPastDeadline',
  {
    loanId: string;
    step: TimeLimitedStep;
    /** The day the step began: the application, or the guarantee. */
    startedOn: BusinessDate;
    /** The last day the policy allows for it. */
    dueBy: BusinessDate;
    /** Who the step waits on: the guarantee centre, or the bank branch. */
    unitId: string;
    /** The day-end run that found it still not done. */
    foundOn: BusinessDate;
  }
>;

export type LoanEvent =
  | StepPastDeadline
  | RiskFlagged
  | RiskReviewed
  | LoanApplied
  | LoanApplicationRejected
  | SecondSupportGranted
  | GuaranteeIssued
  | Disbursed
  | Repaid
  | Overdue
  | LoanExtended
  | LoanSettled
  | CompensationPaid
  | RecoveryCollected
  | LoanWrittenOff;
