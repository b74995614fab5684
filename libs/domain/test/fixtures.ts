import {
  BusinessDate,
  CompensationPaid,
  DecisionContext,
  Disbursed,
  Fen,
  GuaranteeIssued,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  LoanApplication,
  LoanApplied,
  LoanCommand,
  LoanEvent,
  Overdue,
  ReferenceData,
  Repaid,
  bp,
  policyInForce,
  yuan,
} from '../src';

export const reference = new ReferenceData(JIANGXI_REFERENCE);
export const ctx = (on: string): DecisionContext => ({
  businessDate: on as BusinessDate,
  policy: policyInForce(JIANGXI_POLICIES, on as BusinessDate),
  reference,
});
export const date = (on: string) => on as BusinessDate;
export const money = (amount: number) => amount as Fen;

// ── Commands ──────────────────────────────────────────────────────────────────────────────────────────

type ApplyData = Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'];
export const application = (over: Partial<ApplyData> = {}): ApplyData => ({
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

export const apply = (over: Partial<ApplyData> = {}): LoanCommand => ({ type: 'ApplyForLoan', data: application(over) });
export const reject = (reasonCode = 'INCOMPLETE_FILE'): LoanCommand => ({ type: 'RejectLoanApplication', data: { reasonCode } });
export const guarantee = (amount = yuan(50_000), feeRate = 100, feePaidBy: 'finance' | 'borrower' = 'finance'): LoanCommand => ({
  type: 'IssueGuarantee',
  data: { guaranteedAmount: amount, feeRate: bp(feeRate), feePaidBy },
});
export const disburse = (
  amount = yuan(50_000),
  rate = 600,
  repaymentMethod: 'interest_quarterly_principal_at_maturity' | 'equal_principal_quarterly' = 'interest_quarterly_principal_at_maturity',
  borrowerFees = 0,
): LoanCommand => ({
  type: 'DisburseLoan',
  data: { amount, contractRate: bp(rate), repaymentMethod, bankContractNo: 'ABC-2011-001', borrowerFees: money(borrowerFees) },
});
export const repay = (principal: number, interest: number, borrowerFees = 0): LoanCommand => ({
  type: 'RecordRepayment',
  data: { principal: money(principal), interest: money(interest), borrowerFees: money(borrowerFees) },
});
export const markOverdue: LoanCommand = { type: 'MarkOverdue' };
export const extend = (newMaturity: string, guarantorConsent = true): LoanCommand => ({
  type: 'ExtendLoan',
  data: { newMaturity: date(newMaturity), guarantorConsent },
});
export const compensate = (amount?: number): LoanCommand => ({ type: 'PayCompensation', amount: amount as Fen | undefined });
export const recover = (amount: number): LoanCommand => ({
  type: 'CollectRecovery',
  data: { amount: money(amount), source: 'counter_guarantor' },
});
export const writeOff = (approvalRef = 'FIN-2011-88'): LoanCommand => ({ type: 'WriteOffLoan', data: { approvalRef } });

// ── Past events of loan L1 (borrower B1, centre and fund GC-360721, ABC's branch in 赣县) ────────────────

export const applied = (over: Partial<LoanApplication> = {}): LoanApplied => ({
  type: 'LoanApplied',
  data: { ...application(), cityCode: '360700', bankCode: 'ABC', appliedOn: date('2011-01-05'), ...over },
});

export const guaranteed = (over: Partial<GuaranteeIssued['data']> = {}): GuaranteeIssued => ({
  type: 'GuaranteeIssued',
  data: {
    loanId: 'L1',
    fundId: 'GC-360721',
    guaranteedAmount: yuan(50_000),
    feeRate: bp(100),
    feePaidBy: 'finance',
    issuedOn: date('2011-01-08'),
    policyVersion: 'JX-2008',
    ...over,
  },
});

/** 50,000 yuan at 6 % for 12 months from 2011-01-10, all principal at maturity, subsidised in full by central finance. */
export const disbursed = (over: Partial<Disbursed['data']> = {}): Disbursed => ({
  type: 'Disbursed',
  data: {
    loanId: 'L1',
    amount: yuan(50_000),
    disbursedOn: date('2011-01-10'),
    maturityDate: date('2012-01-10'),
    contractRate: bp(600),
    benchmarkRate: bp(581),
    repaymentMethod: 'interest_quarterly_principal_at_maturity',
    plan: [{ dueDate: date('2012-01-10'), principal: yuan(50_000) }],
    subsidy: { scheme: 'central_full', centralShare: bp(10_000) },
    bankContractNo: 'ABC-2011-001',
    ...over,
  },
});

/** A repayment of L1 (interest only unless said), subsidised in full unless said. */
export const repaid = (paidOn: string, interest: number, over: Partial<Repaid['data']> = {}): Repaid => ({
  type: 'Repaid',
  data: {
    loanId: 'L1',
    principal: money(0),
    interest: money(interest),
    paidOn: date(paidOn),
    outstandingPrincipal: yuan(50_000),
    subsidisableInterest: money(interest),
    subsidyCentral: money(interest),
    subsidyLocal: money(0),
    ...over,
  },
});

/** The day-end run of 2011-03-21 finds the first quarter's interest (due 2011-03-20) unpaid. */
export const markedOverdue = (over: Partial<Overdue['data']> = {}): Overdue => ({
  type: 'Overdue',
  data: {
    loanId: 'L1',
    asOf: date('2011-03-21'),
    overduePrincipal: money(0),
    overdueInterest: money(58_333),
    dueDate: date('2011-03-20'),
    daysOverdue: 1,
    ...over,
  },
});

/** After 91 days overdue: loss 5,000,000 principal + 58,333 interest, 80 % paid by the fund. */
export const compensated = (over: Partial<CompensationPaid['data']> = {}): CompensationPaid => ({
  type: 'CompensationPaid',
  data: {
    loanId: 'L1',
    fundId: 'GC-360721',
    loss: money(5_058_333),
    amount: money(4_046_666),
    bankShare: money(1_011_667),
    fundShare: bp(8000),
    daysOverdue: 91,
    paidOn: date('2011-06-19'),
    ...over,
  },
});

/** Applied 2011-01-05, guaranteed 01-08, disbursed 01-10: 50,000 yuan at 6 % for 12 months. */
export const running = (): LoanEvent[] => [applied(), guaranteed(), disbursed()];

/**
 * Interest paid on each quarterly 20th of 2011: 5,000,000 fen × 6 % / 360 over 70 days (10 Jan – 20 Mar
 * inclusive), then 92, 92 and 91 days, each rounded half-up to the fen.
 */
export const QUARTERLY_INTEREST: Array<[string, number]> = [
  ['2011-03-20', 58_333],
  ['2011-06-20', 76_667],
  ['2011-09-20', 76_667],
  ['2011-12-20', 75_833],
];
export const quarterlyInterestPaid = (quarters = 4): Repaid[] =>
  QUARTERLY_INTEREST.slice(0, quarters).map(([on, interest]) => repaid(on, interest));

/** Running and marked overdue on 2011-03-21 for the first quarter's interest. */
export const defaulted = (): LoanEvent[] => [...running(), markedOverdue()];
