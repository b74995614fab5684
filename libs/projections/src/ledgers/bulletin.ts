import {
  AnnualTargetSet,
  CAPITAL_SOURCES,
  CompensationPaid,
  Disbursed,
  FundEvent,
  LoanApplied,
  LoanExtended,
  LoanSettled,
  Overdue,
  RecoveryCollected,
  Repaid,
  unreachable,
} from '@app/domain';
import { Projection, ProjectedEvent, ProjectionTx, Row } from '../projection';

/**
 * The facts behind the monthly provincial bulletin (每月通报), kept per county and month as additive
 * flows, so any month's figures — the month, the year to date, cumulative, and month-end stocks — are
 * sums. Cities and the province are roll-ups of their counties, done when the bulletin is built.
 */
export const BULLETIN_FLOWS = 'bulletin_flows';
export const BULLETIN_MATURITY = 'bulletin_maturity';
export const BULLETIN_TARGETS = 'bulletin_targets';
export const BULLETIN_FUND_FLOWS = 'bulletin_fund_flows';
const LOANS = 'bulletin_loans';

type Loan = Row & {
  loan_id: string;
  county_code: string;
  kind: string;
  categories: string[];
  counter_guarantee: string;
  persons: number;
  jobs: number;
  outstanding: number;
  overdue_principal: number;
  maturity_month: string | null;
  disbursed_amount: number;
  repaid_by_month: Record<string, number>;
};

export const bulletin: Projection = {
  name: 'bulletin',
  version: 3,
  tables: [
    {
      name: LOANS,
      primaryKey: ['loan_id'],
      columns: {
        loan_id: 'text',
        county_code: 'text',
        kind: 'text',
        categories: 'json',
        counter_guarantee: 'text',
        persons: 'integer',
        jobs: 'integer',
        outstanding: 'integer',
        overdue_principal: 'integer',
        maturity_month: 'text',
        disbursed_amount: 'integer',
        repaid_by_month: 'json',
      },
    },
    {
      name: BULLETIN_FLOWS,
      primaryKey: ['county_code', 'month', 'metric', 'dim'],
      indexes: [['month']],
      columns: { county_code: 'text', month: 'text', metric: 'text', dim: 'text', value: 'integer' },
    },
    /** Principal disbursed (paid_month '') and repaid (paid_month) by the month the loan matures. */
    {
      name: BULLETIN_MATURITY,
      primaryKey: ['county_code', 'maturity_month', 'paid_month'],
      columns: { county_code: 'text', maturity_month: 'text', paid_month: 'text', amount: 'integer' },
    },
    {
      name: BULLETIN_TARGETS,
      primaryKey: ['region_code', 'year'],
      columns: { region_code: 'text', year: 'integer', loans: 'integer', amount: 'integer' },
    },
    /** Per fund and month: the change of balance and of guarantees outstanding, and the capital finance put in. */
    {
      name: BULLETIN_FUND_FLOWS,
      primaryKey: ['fund_id', 'month'],
      columns: { fund_id: 'text', month: 'text', balance: 'integer', exposure: 'integer', capital: 'integer' },
    },
  ],
  eventTypes: [
    'LoanApplied',
    'Disbursed',
    'Repaid',
    'Overdue',
    'LoanExtended',
    'LoanSettled',
    'CompensationPaid',
    'RecoveryCollected',
    'AnnualTargetSet',
    'GuaranteeFundContributed',
    'FundExposureReserved',
    'FundExposureReleased',
    'FundCompensationCharged',
    'FundCompensationReversed',
    'FundRecoveryCredited',
  ],

  apply(e: ProjectedEvent, tx: ProjectionTx) {
    const month = e.businessDate.slice(0, 7);
    const event = { type: e.type, data: e.data } as unknown as BulletinEvent;
    switch (event.type) {
      case 'AnnualTargetSet': {
        const d = event.data;
        return tx.put(BULLETIN_TARGETS, { region_code: d.regionCode, year: d.year, loans: d.loans, amount: d.amount });
      }
      case 'GuaranteeFundContributed': {
        const { fundId, amount, source } = event.data;
        return fundFlow(tx, fundId, month, amount, 0, CAPITAL_SOURCES.includes(source) ? amount : 0);
      }
      case 'FundExposureReserved':
        return fundFlow(tx, event.data.fundId, month, 0, event.data.amount);
      case 'FundExposureReleased':
        return fundFlow(tx, event.data.fundId, month, 0, -event.data.amount);
      case 'FundCompensationCharged':
        return fundFlow(tx, event.data.fundId, month, -event.data.amount, -event.data.exposureReleased);
      case 'FundCompensationReversed':
        return fundFlow(tx, event.data.fundId, month, event.data.amount, event.data.exposureRestored);
      case 'FundRecoveryCredited':
        return fundFlow(tx, event.data.fundId, month, event.data.amount, 0);
      case 'LoanApplied': {
        const d = event.data;
        return tx.put(LOANS, {
          loan_id: d.loanId,
          county_code: d.countyCode,
          kind: d.kind,
          categories: d.categories,
          counter_guarantee: d.counterGuarantee.mode,
          persons: d.personsSupported,
          jobs: d.jobsPlanned,
          outstanding: 0,
          overdue_principal: 0,
          maturity_month: null,
          disbursed_amount: 0,
          repaid_by_month: {},
        });
      }
      default: {
        const loan = tx.get<Loan>(LOANS, { loan_id: event.data.loanId });
        if (!loan) return;
        loanFlows(tx, loan, event, month);
        tx.put(LOANS, loan);
      }
    }
  },
};

type LoanFlowEvent = Disbursed | Repaid | Overdue | LoanExtended | LoanSettled | CompensationPaid | RecoveryCollected;
type BulletinEvent = LoanFlowEvent | LoanApplied | AnnualTargetSet | FundEvent;

/** Records what a loan event adds to its county's flows, and updates the loan's own figures. */
function loanFlows(tx: ProjectionTx, loan: Loan, e: LoanFlowEvent, month: string) {
  const county = loan.county_code;
  const flow = (metric: string, value: number, dim = 'all') => addFlow(tx, county, month, metric, dim, value);
  const overdueTo = (value: number) => {
    flow('overdue_principal', value - loan.overdue_principal);
    loan.overdue_principal = value;
  };
  switch (e.type) {
    case 'Disbursed': {
      const dims = ['all', `kind:${loan.kind}`, `guarantee:${loan.counter_guarantee}`, ...loan.categories.map((c) => `category:${c}`)];
      for (const dim of dims) {
        flow('loans', 1, dim);
        flow('amount', e.data.amount, dim);
        flow('persons', loan.persons, dim);
        flow('jobs', loan.jobs, dim);
      }
      flow('outstanding', e.data.amount);
      loan.outstanding = e.data.amount;
      loan.disbursed_amount = e.data.amount;
      loan.maturity_month = e.data.maturityDate.slice(0, 7);
      return addMaturity(tx, county, loan.maturity_month, '', e.data.amount);
    }
    case 'Repaid': {
      const { principal } = e.data;
      flow('outstanding', -principal);
      flow('subsidy_central', e.data.subsidyCentral);
      flow('subsidy_local', e.data.subsidyLocal);
      flow('principal_repaid', principal);
      loan.outstanding -= principal;
      overdueTo(Math.max(0, loan.overdue_principal - principal));
      if (principal > 0) {
        loan.repaid_by_month = { ...loan.repaid_by_month, [month]: (loan.repaid_by_month[month] ?? 0) + principal };
        addMaturity(tx, county, loan.maturity_month!, month, principal);
      }
      return;
    }
    case 'Overdue':
      return overdueTo(e.data.overduePrincipal);
    case 'LoanSettled':
      return overdueTo(0);
    case 'LoanExtended': {
      // The recovery rate counts a loan by its final maturity: move what it has so far to the new month.
      const from = loan.maturity_month!;
      const to = e.data.newMaturity.slice(0, 7);
      addMaturity(tx, county, from, '', -loan.disbursed_amount);
      addMaturity(tx, county, to, '', loan.disbursed_amount);
      for (const [paid, amount] of Object.entries(loan.repaid_by_month)) {
        addMaturity(tx, county, from, paid, -amount);
        addMaturity(tx, county, to, paid, amount);
      }
      loan.maturity_month = to;
      return;
    }
    case 'CompensationPaid': {
      flow('compensation_paid', e.data.amount);
      flow('outstanding', -loan.outstanding);
      loan.outstanding = 0;
      return overdueTo(0);
    }
    case 'RecoveryCollected':
      return flow('compensation_recovered', e.data.amount);
    default:
      return unreachable(e);
  }
}

function addFlow(tx: ProjectionTx, county: string, month: string, metric: string, dim: string, value: number) {
  if (value === 0) return;
  const key = { county_code: county, month, metric, dim };
  const row = tx.get<Row & { value: number }>(BULLETIN_FLOWS, key);
  // Changed in place when it exists: a disbursement touches about 18 flows, and a copy of each is garbage.
  if (row) row.value += value;
  tx.put(BULLETIN_FLOWS, row ?? { ...key, value });
}

function addMaturity(tx: ProjectionTx, county: string, maturityMonth: string, paidMonth: string, amount: number) {
  const key = { county_code: county, maturity_month: maturityMonth, paid_month: paidMonth };
  const row = tx.get<Row & { amount: number }>(BULLETIN_MATURITY, key);
  if (row) row.amount += amount;
  tx.put(BULLETIN_MATURITY, row ?? { ...key, amount });
}

function fundFlow(tx: ProjectionTx, fundId: string, month: string, balance: number, exposure: number, capital = 0) {
  const key = { fund_id: fundId, month };
  const row = tx.get<Row & { balance: number; exposure: number; capital: number }>(BULLETIN_FUND_FLOWS, key) ?? {
    ...key,
    balance: 0,
    exposure: 0,
    capital: 0,
  };
  row.balance += balance;
  row.exposure += exposure;
  row.capital += capital;
  tx.put(BULLETIN_FUND_FLOWS, row);
}
