import { BasisPoints, Fen } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { DomainEvent } from '../shared/decider';
import { LoanKind } from '../policy/policy';

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
  principal: Fen;
}

/** Who pays the interest subsidy, fixed at disbursement from the loan's kind and the policy in force. */
export interface SubsidyTerms {
  scheme: 'central_full' | 'enterprise_shared' | 'none';
  centralShare: BasisPoints;
  principalCap?: Fen;
}

export interface LoanApplication {
  loanId: string;
  /** Keyed hash of the ID number: matches a person across the province without storing the number. */
  borrowerId: string;
  maskedIdNumber: string;
  categories: BorrowerCategory[];
  kind: LoanKind;
  project: { name: string; industry: string };
  microProfit: boolean;
  amount: Fen;
  termMonths: number;
  countyCode: string;
  cityCode: string;
  centreId: string;
  branchId: string;
  bankCode: string;
  counterGuarantee: CounterGuarantee;
  personsSupported: number;
  jobsPlanned: number;
  previousLoanId?: string;
  appliedOn: BusinessDate;
}

export type LoanApplied = DomainEvent<'LoanApplied', LoanApplication>;
export type LoanApplicationRejected = DomainEvent<
  'LoanApplicationRejected',
  { loanId: string; borrowerId: string; reasonCode: string; note?: string; rejectedOn: BusinessDate; fundId?: string }
>;
export type SecondSupportGranted = DomainEvent<
  'SecondSupportGranted',
  { loanId: string; previousLoanId: string; jobsCreated: number; cap: Fen; grantedOn: BusinessDate }
>;
export type GuaranteeIssued = DomainEvent<
  'GuaranteeIssued',
  {
    loanId: string;
    fundId: string;
    guaranteedAmount: Fen;
    feeRate: BasisPoints;
    feePaidBy: 'finance';
    issuedOn: BusinessDate;
    policyVersion: string;
  }
>;
export type Disbursed = DomainEvent<
  'Disbursed',
  {
    loanId: string;
    amount: Fen;
    disbursedOn: BusinessDate;
    maturityDate: BusinessDate;
    contractRate: BasisPoints;
    benchmarkRate: BasisPoints;
    repaymentMethod: RepaymentMethod;
    plan: Instalment[];
    subsidy: SubsidyTerms;
    bankContractNo: string;
  }
>;
export type Repaid = DomainEvent<
  'Repaid',
  {
    loanId: string;
    principal: Fen;
    interest: Fen;
    paidOn: BusinessDate;
    outstandingPrincipal: Fen;
    subsidisableInterest: Fen;
    subsidyCentral: Fen;
    subsidyLocal: Fen;
  }
>;
export type Overdue = DomainEvent<
  'Overdue',
  {
    loanId: string;
    asOf: BusinessDate;
    overduePrincipal: Fen;
    overdueInterest: Fen;
    dueDate: BusinessDate;
    daysOverdue: number;
  }
>;
export type LoanExtended = DomainEvent<
  'LoanExtended',
  { loanId: string; previousMaturity: BusinessDate; newMaturity: BusinessDate; extendedOn: BusinessDate }
>;
export type LoanSettled = DomainEvent<
  'LoanSettled',
  { loanId: string; fundId: string; borrowerId: string; settledOn: BusinessDate; onTime: boolean }
>;
export type CompensationPaid = DomainEvent<
  'CompensationPaid',
  {
    loanId: string;
    fundId: string;
    loss: Fen;
    amount: Fen;
    bankShare: Fen;
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
    amount: Fen;
    source: RecoverySource;
    remainingClaim: Fen;
    collectedOn: BusinessDate;
  }
>;
export type LoanWrittenOff = DomainEvent<
  'LoanWrittenOff',
  { loanId: string; fundId: string; borrowerId: string; amount: Fen; approvalRef: string; writtenOffOn: BusinessDate }
>;

export const RECOVERY_SOURCES = ['borrower', 'counter_guarantor', 'collateral'] as const;
export type RecoverySource = (typeof RECOVERY_SOURCES)[number];

export type LoanEvent =
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
