import { BusinessDate, LoanEvent, daysBetween, unreachable } from '@app/domain';
import { Projection, ProjectedEvent, ProjectionTx, Row } from '../projection';

/**
 * 担保业务管理台账: one row per loan with everything the centre tracks. `status` is the lifecycle status,
 * shown as `overdue` or `extended` while a disbursed loan is in that condition. The time each step took
 * (限时办结): days from application to the centre's decision and from guarantee to disbursement, and the day
 * the day-end run found a step past its deadline. Risk control: the reasons flagged, the day first flagged, and
 * the review's state (`pending` until an officer decides; the daily list of applications to review).
 */
export const BUSINESS_LEDGER = 'business_ledger';

type Loan = Row & {
  loan_id: string;
  applied_on: BusinessDate;
  guaranteed_on: BusinessDate | null;
  status: string;
  lifecycle: string;
  disbursed_amount: number;
  principal_repaid: number;
  interest_paid: number;
  overdue_principal: number;
  overdue_interest: number;
  compensation: number;
  recovered: number;
  extended: boolean;
};

const money = [
  'amount_applied',
  'guaranteed_amount',
  'disbursed_amount',
  'principal_repaid',
  'interest_paid',
  'outstanding_principal',
  'overdue_principal',
  'overdue_interest',
  'compensation',
  'bank_loss',
  'recovered',
  'written_off',
  'subsidy_central',
  'subsidy_local',
];

export const businessLedger: Projection = {
  name: 'business-ledger',
  version: 5,
  tables: [
    {
      name: BUSINESS_LEDGER,
      primaryKey: ['loan_id'],
      // A region's, centre's or bank's loans by disbursement date (the usual page) walk an index instead of sorting.
      indexes: [
        ['county_code', 'disbursed_on'],
        ['city_code', 'disbursed_on'],
        ['bank_code', 'disbursed_on'],
        ['centre_id', 'disbursed_on'],
        ['status'],
        ['risk_status'],
        ['disbursed_on'],
      ],
      columns: {
        loan_id: 'text',
        borrower_id: 'text',
        masked_id_number: 'text',
        kind: 'text',
        categories: 'json',
        micro_profit: 'boolean',
        project_name: 'text',
        industry: 'text',
        county_code: 'text',
        city_code: 'text',
        centre_id: 'text',
        fund_id: 'text',
        bank_code: 'text',
        branch_id: 'text',
        counter_guarantee: 'text',
        persons_supported: 'integer',
        jobs_planned: 'integer',
        jobs_created: 'integer',
        previous_loan_id: 'text',
        term_months: 'integer',
        applied_on: 'text',
        applied_at: 'text',
        status: 'text',
        lifecycle: 'text',
        reject_reason: 'text',
        guaranteed_on: 'text',
        policy_version: 'text',
        disbursed_on: 'text',
        maturity_date: 'text',
        contract_rate_bp: 'integer',
        repayment_method: 'text',
        overdue_since: 'text',
        ever_overdue: 'boolean',
        extended: 'boolean',
        closed_on: 'text',
        days_to_decide: 'integer',
        days_to_disburse: 'integer',
        decision_late_on: 'text',
        disbursement_late_on: 'text',
        risk_status: 'text',
        risk_reasons: 'json',
        risk_flagged_on: 'text',
        ...Object.fromEntries(money.map((m) => [m, 'fen' as const])),
      },
    },
  ],
  eventTypes: [
    'LoanApplied',
    'LoanApplicationRejected',
    'SecondSupportGranted',
    'GuaranteeIssued',
    'Disbursed',
    'Repaid',
    'Overdue',
    'LoanExtended',
    'LoanSettled',
    'CompensationPaid',
    'RecoveryCollected',
    'LoanWrittenOff',
    'StepPastDeadline',
    'RiskFlagged',
    'RiskReviewed',
  ],

  apply(e: ProjectedEvent, tx: ProjectionTx) {
    const event = { type: e.type, data: e.data } as unknown as LoanEvent;
    if (event.type === 'LoanApplied') {
      const d = event.data;
      const row: Row = {
        loan_id: d.loanId,
        borrower_id: d.borrowerId,
        masked_id_number: d.maskedIdNumber,
        kind: d.kind,
        categories: d.categories,
        micro_profit: d.microProfit,
        project_name: d.project.name,
        industry: d.project.industry,
        county_code: d.countyCode,
        city_code: d.cityCode,
        centre_id: d.centreId,
        fund_id: null,
        bank_code: d.bankCode,
        branch_id: d.branchId,
        counter_guarantee: d.counterGuarantee.mode,
        persons_supported: d.personsSupported,
        jobs_planned: d.jobsPlanned,
        jobs_created: null,
        previous_loan_id: d.previousLoanId ?? null,
        term_months: d.termMonths,
        applied_on: d.appliedOn,
        applied_at: e.recordedAt.toISOString(),
        status: 'applied',
        lifecycle: 'applied',
        reject_reason: null,
        guaranteed_on: null,
        policy_version: e.policyVersion ?? null,
        disbursed_on: null,
        maturity_date: null,
        contract_rate_bp: null,
        repayment_method: null,
        overdue_since: null,
        ever_overdue: false,
        extended: false,
        closed_on: null,
        days_to_decide: null,
        days_to_disburse: null,
        decision_late_on: null,
        disbursement_late_on: null,
        risk_status: null,
        risk_reasons: [],
        risk_flagged_on: null,
        ...Object.fromEntries(money.map((m) => [m, 0])),
        amount_applied: d.amount,
      };
      tx.put(BUSINESS_LEDGER, row);
      return;
    }
    const loan = tx.get<Loan>(BUSINESS_LEDGER, { loan_id: event.data.loanId });
    if (!loan) return; // an event for a loan this projection never saw applied: nothing to attach it to
    // Changed in place, not copied: a row of 48 columns per event is most of what this fold allocates.
    const next = Object.assign(loan, changes(event, loan));
    next.outstanding_principal = next.disbursed_amount - next.principal_repaid;
    next.status = shownStatus(next);
    tx.put(BUSINESS_LEDGER, next);
  },
};

function changes(e: Exclude<LoanEvent, { type: 'LoanApplied' }>, loan: Loan): Row {
  switch (e.type) {
    case 'LoanApplicationRejected':
      return {
        lifecycle: 'rejected',
        reject_reason: e.data.reasonCode,
        closed_on: e.data.rejectedOn,
        // A rejection before the guarantee is the centre's decision; after it, the decision was the guarantee.
        ...(loan.guaranteed_on === null ? { days_to_decide: daysBetween(loan.applied_on, e.data.rejectedOn) } : {}),
      };
    case 'SecondSupportGranted':
      return { jobs_created: e.data.jobsCreated };
    case 'GuaranteeIssued':
      return {
        lifecycle: 'guaranteed',
        guaranteed_amount: e.data.guaranteedAmount,
        guaranteed_on: e.data.issuedOn,
        days_to_decide: daysBetween(loan.applied_on, e.data.issuedOn),
        fund_id: e.data.fundId,
        policy_version: e.data.policyVersion,
      };
    case 'Disbursed':
      return {
        lifecycle: 'disbursed',
        disbursed_amount: e.data.amount,
        disbursed_on: e.data.disbursedOn,
        days_to_disburse: loan.guaranteed_on === null ? null : daysBetween(loan.guaranteed_on, e.data.disbursedOn),
        maturity_date: e.data.maturityDate,
        contract_rate_bp: e.data.contractRate,
        repayment_method: e.data.repaymentMethod,
      };
    case 'Repaid': {
      const overduePrincipal = Math.max(0, loan.overdue_principal - e.data.principal);
      const overdueInterest = Math.max(0, loan.overdue_interest - e.data.interest);
      return {
        principal_repaid: loan.principal_repaid + e.data.principal,
        interest_paid: loan.interest_paid + e.data.interest,
        subsidy_central: (loan.subsidy_central as number) + e.data.subsidyCentral,
        subsidy_local: (loan.subsidy_local as number) + e.data.subsidyLocal,
        overdue_principal: overduePrincipal,
        overdue_interest: overdueInterest,
        overdue_since: overduePrincipal + overdueInterest > 0 ? loan.overdue_since : null,
      };
    }
    case 'Overdue':
      return {
        overdue_principal: e.data.overduePrincipal,
        overdue_interest: e.data.overdueInterest,
        overdue_since: e.data.dueDate,
        ever_overdue: true,
      };
    case 'LoanExtended':
      return { extended: true, maturity_date: e.data.newMaturity };
    case 'StepPastDeadline':
      return e.data.step === 'decision' ? { decision_late_on: e.data.foundOn } : { disbursement_late_on: e.data.foundOn };
    case 'RiskFlagged': {
      const reasons = new Set([...(loan.risk_reasons as string[]), ...e.data.findings.map((f) => f.reason)]);
      return { risk_status: 'pending', risk_reasons: [...reasons].sort(), risk_flagged_on: loan.risk_flagged_on ?? e.data.foundOn };
    }
    case 'RiskReviewed':
      return { risk_status: e.data.decision };
    case 'LoanSettled':
      return { lifecycle: 'settled', closed_on: e.data.settledOn, overdue_principal: 0, overdue_interest: 0, overdue_since: null };
    case 'CompensationPaid':
      return { lifecycle: 'compensated', compensation: e.data.amount, bank_loss: e.data.bankShare, closed_on: e.data.paidOn };
    case 'RecoveryCollected':
      // A loan written off stays written off: the claim kept on file shrinks, the write-off stands.
      return {
        recovered: loan.recovered + e.data.amount,
        ...(e.data.remainingClaim === 0 && !e.data.afterWriteOff ? { lifecycle: 'recovered' } : {}),
      };
    case 'LoanWrittenOff':
      return { lifecycle: 'written_off', written_off: e.data.amount, closed_on: e.data.writtenOffOn };
    default:
      return unreachable(e);
  }
}

function shownStatus(loan: Loan): string {
  if (loan.lifecycle !== 'disbursed') return loan.lifecycle;
  if (loan.overdue_principal + loan.overdue_interest > 0) return 'overdue';
  return loan.extended ? 'extended' : 'disbursed';
}
