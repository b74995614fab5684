import {
  BusinessDate,
  CompensationPaid,
  Disbursed,
  GuaranteeIssued,
  LoanApplicationRejected,
  LoanApplied,
  LoanExtended,
  LoanSettled,
  Overdue,
  Repaid,
  daysBetween,
  unreachable,
} from '@app/domain';
import { Projection, ProjectedEvent, ProjectionTx, Row } from '../projection';

/**
 * What the performance assessment (绩效考核) reads, kept apart from the ledgers because it names the staff
 * who acted, which the ledgers' readers (analysts) may not see:
 *
 * - per loan, who handled each step and when: the centre's decision (the guarantee, or a rejection before it)
 *   and who took it; the disbursement and the bank clerk who recorded it; the days each took;
 * - per unit and business day, the changes of the portfolio it answers for: outstanding and overdue
 *   principal, and principal matured and repaid on matured loans. A unit's portfolio at the end of any period
 *   is the sum of its days up to then, so a week's, month's or year's assessment never folds the history.
 *
 * The portfolio follows the bulletin's rules (`ledgers/bulletin.ts`), by day instead of by month: a loan counts
 * as matured from its final maturity date, its repayments from the later of their day and that date. A loan is
 * answered for by its centre, its bank branch, the centre's officer who issued its guarantee (`centre_staff`)
 * and the bank's clerk who recorded its disbursement (`bank_staff`).
 */
export const ASSESSMENT_LOANS = 'assessment_loans';
export const ASSESSMENT_DAYS = 'assessment_days';

export const PORTFOLIO_FIGURES = ['outstanding', 'overdue_principal', 'matured_disbursed', 'matured_repaid'] as const;
type Figure = (typeof PORTFOLIO_FIGURES)[number];
/** Who answers for a loan: a kind of unit and its id. */
type Unit = [kind: 'centre' | 'branch' | 'centre_staff' | 'bank_staff', id: string];

type Loan = Row & {
  loan_id: string;
  applied_on: BusinessDate;
  guaranteed_on: BusinessDate | null;
  units: Unit[];
  outstanding: number;
  overdue_principal: number;
  maturity_date: string | null;
  disbursed_amount: number;
  /** Principal repaid by business day, to move to a new maturity date when the loan is extended. */
  repaid_by_day: Record<string, number>;
};
type Day = Row & { kind: string; unit_id: string; day: string } & Record<Figure, number>;
type AssessedEvent =
  LoanApplied | LoanApplicationRejected | GuaranteeIssued | Disbursed | Repaid | Overdue | LoanExtended | LoanSettled | CompensationPaid;

export const assessmentProjection: Projection = {
  name: 'assessment',
  version: 1,
  tables: [
    {
      name: ASSESSMENT_LOANS,
      primaryKey: ['loan_id'],
      columns: {
        loan_id: 'text',
        centre_id: 'text',
        branch_id: 'text',
        applied_on: 'text',
        decided_on: 'text',
        decided_by: 'text',
        days_to_decide: 'integer',
        guaranteed_on: 'text',
        disbursed_on: 'text',
        disbursed_by: 'text',
        days_to_disburse: 'integer',
        disbursed_amount: 'integer',
        units: 'json',
        outstanding: 'integer',
        overdue_principal: 'integer',
        maturity_date: 'text',
        repaid_by_day: 'json',
      },
    },
    {
      name: ASSESSMENT_DAYS,
      primaryKey: ['kind', 'unit_id', 'day'],
      columns: { kind: 'text', unit_id: 'text', day: 'text', ...Object.fromEntries(PORTFOLIO_FIGURES.map((f) => [f, 'integer' as const])) },
    },
  ],
  eventTypes: [
    'LoanApplied',
    'LoanApplicationRejected',
    'GuaranteeIssued',
    'Disbursed',
    'Repaid',
    'Overdue',
    'LoanExtended',
    'LoanSettled',
    'CompensationPaid',
  ],

  apply(e: ProjectedEvent, tx: ProjectionTx) {
    const event = { type: e.type, data: e.data } as unknown as AssessedEvent;
    if (event.type === 'LoanApplied') {
      const d = event.data;
      const loan: Loan = {
        loan_id: d.loanId,
        centre_id: d.centreId,
        branch_id: d.branchId,
        applied_on: d.appliedOn,
        decided_on: null,
        decided_by: null,
        days_to_decide: null,
        guaranteed_on: null,
        disbursed_on: null,
        disbursed_by: null,
        days_to_disburse: null,
        disbursed_amount: 0,
        units: [
          ['centre', d.centreId],
          ['branch', d.branchId],
        ],
        outstanding: 0,
        overdue_principal: 0,
        maturity_date: null,
        repaid_by_day: {},
      };
      return tx.put(ASSESSMENT_LOANS, loan);
    }
    const loan = tx.get<Loan>(ASSESSMENT_LOANS, { loan_id: event.data.loanId });
    if (!loan) return;
    change(tx, loan, event, e);
    tx.put(ASSESSMENT_LOANS, loan);
  },
};

function change(tx: ProjectionTx, loan: Loan, e: Exclude<AssessedEvent, LoanApplied>, projected: ProjectedEvent) {
  const day = projected.businessDate;
  const actor = projected.actor?.userId ?? null;
  const flow = (figure: Figure, value: number, on = day) => {
    if (value === 0) return;
    for (const [kind, unit_id] of loan.units) {
      const row = tx.get<Day>(ASSESSMENT_DAYS, { kind, unit_id, day: on }) ?? emptyDay(kind, unit_id, on);
      row[figure] += value;
      tx.put(ASSESSMENT_DAYS, row);
    }
  };
  const overdueTo = (value: number) => {
    flow('overdue_principal', value - loan.overdue_principal);
    loan.overdue_principal = value;
  };
  // Repayments count towards the recovery rate from the later of their day and the loan's final maturity.
  const matured = (paidOn: string, amount: number) =>
    flow('matured_repaid', amount, paidOn > loan.maturity_date! ? paidOn : loan.maturity_date!);
  switch (e.type) {
    case 'LoanApplicationRejected':
      // A rejection before the guarantee is the centre's decision; after it, the decision was the guarantee.
      if (loan.guaranteed_on !== null) return;
      return decided(loan, e.data.rejectedOn, actor);
    case 'GuaranteeIssued':
      decided(loan, e.data.issuedOn, actor);
      loan.guaranteed_on = e.data.issuedOn;
      return answerable(loan, 'centre_staff', actor);
    case 'Disbursed':
      Object.assign(loan, {
        disbursed_on: e.data.disbursedOn,
        disbursed_by: actor,
        days_to_disburse: loan.guaranteed_on === null ? null : daysBetween(loan.guaranteed_on, e.data.disbursedOn),
      });
      answerable(loan, 'bank_staff', actor);
      flow('outstanding', e.data.amount);
      loan.outstanding = e.data.amount;
      loan.disbursed_amount = e.data.amount;
      loan.maturity_date = e.data.maturityDate;
      return flow('matured_disbursed', e.data.amount, loan.maturity_date);
    case 'Repaid': {
      const { principal } = e.data;
      flow('outstanding', -principal);
      loan.outstanding -= principal;
      overdueTo(Math.max(0, loan.overdue_principal - principal));
      if (principal === 0) return;
      loan.repaid_by_day = { ...loan.repaid_by_day, [day]: (loan.repaid_by_day[day] ?? 0) + principal };
      return matured(day, principal);
    }
    case 'Overdue':
      return overdueTo(e.data.overduePrincipal);
    case 'LoanSettled':
      return overdueTo(0);
    case 'LoanExtended': {
      // The recovery rate counts a loan by its final maturity: what it has so far moves to the new date.
      flow('matured_disbursed', -loan.disbursed_amount, loan.maturity_date!);
      for (const [paidOn, amount] of Object.entries(loan.repaid_by_day)) matured(paidOn, -amount);
      loan.maturity_date = e.data.newMaturity;
      flow('matured_disbursed', loan.disbursed_amount, loan.maturity_date);
      for (const [paidOn, amount] of Object.entries(loan.repaid_by_day)) matured(paidOn, amount);
      return;
    }
    case 'CompensationPaid':
      flow('outstanding', -loan.outstanding);
      loan.outstanding = 0;
      return overdueTo(0);
    default:
      return unreachable(e);
  }
}

function decided(loan: Loan, on: BusinessDate, actor: string | null) {
  Object.assign(loan, { decided_on: on, decided_by: actor, days_to_decide: daysBetween(loan.applied_on, on) });
}

/** The staff member who acted on the loan answers for it from then on (no one, for an event recorded without an actor). */
function answerable(loan: Loan, role: 'centre_staff' | 'bank_staff', actor: string | null) {
  if (actor === null) return;
  loan.units = [...loan.units.filter(([kind]) => kind !== role), [role, actor]];
}

const emptyDay = (kind: string, unit_id: string, day: string): Day =>
  ({ kind, unit_id, day, ...Object.fromEntries(PORTFOLIO_FIGURES.map((f) => [f, 0])) }) as Day;
