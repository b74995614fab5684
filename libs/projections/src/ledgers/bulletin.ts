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
import { MonthFigures, addFlow as addFigure, carryOver, isMonth, nextMonth, splitPendingKey } from '../bulletin/month-figures';
import { VERSION_TABLES, Versioned, epochOf } from '../bulletin/versioned';

/**
 * The facts behind the monthly provincial bulletin (每月通报). Per scope (a county, or a fund) and month end,
 * a snapshot of every figure the bulletin reports: the month's flow, the year to date and cumulative
 * (snapshot(m) = snapshot(m − 1) carried over + the flows of m). An event dated to an earlier month adds its
 * flow to that month's snapshot and every later one. Flows dated after the latest month reached (principal
 * maturing later) wait in `bulletin_pending` until that month is reached. Cities and the province are
 * roll-ups of their counties, done when the bulletin is built. Every row it changes is also kept as it
 * stood at the end of each epoch (`bulletin/versioned.ts`), so that "as known at" reads stored state.
 */
export const BULLETIN_MONTHS = 'bulletin_months';
export const BULLETIN_PENDING = 'bulletin_pending';
export const BULLETIN_HORIZON = 'bulletin_horizon';
export const BULLETIN_TARGETS = 'bulletin_targets';
export const BULLETIN_LOANS = 'bulletin_loans';

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
type MonthRow = Row & { scope: string; month: string; figures: MonthFigures; epoch?: number };
type PendingRow = Row & { month: string; flows: Record<string, number> };
/** The latest month that has snapshots, and the scopes that have them. */
type Horizon = Row & { id: string; month: string; scopes: string[] };

/**
 * The bulletin projection; `epochEvents` is how many of its events make an epoch, the step at which its rows
 * are versioned for "as known at" (smaller epochs: more versions, shorter folds when asked).
 */
export const bulletinProjection = (epochEvents = 2_500): Projection => ({
  name: 'bulletin',
  version: 5,
  tables: [
    {
      name: BULLETIN_LOANS,
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
        epoch: 'integer',
      },
    },
    {
      name: BULLETIN_MONTHS,
      primaryKey: ['month', 'scope'],
      columns: { scope: 'text', month: 'text', figures: 'json', epoch: 'integer' },
    },
    /** Flows dated after the horizon, by month: `scope|metric|dim` to the amount. */
    {
      name: BULLETIN_PENDING,
      primaryKey: ['month'],
      columns: { month: 'text', flows: 'json', epoch: 'integer' },
    },
    {
      name: BULLETIN_HORIZON,
      primaryKey: ['id'],
      columns: { id: 'text', month: 'text', scopes: 'json', epoch: 'integer' },
    },
    {
      name: BULLETIN_TARGETS,
      primaryKey: ['region_code', 'year'],
      columns: { region_code: 'text', year: 'integer', loans: 'integer', amount: 'integer', epoch: 'integer' },
    },
    ...VERSION_TABLES,
    /** Per fund and month: the change of balance and of guarantees outstanding, and the capital finance put in. */
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
    const v = new Versioned(tx, epochOf(tx, e, epochEvents));
    const month = e.businessDate.slice(0, 7);
    if (!isMonth(month)) return; // every recorded event has a business date; nothing to count without one
    advance(v, month);
    const event = { type: e.type, data: e.data } as unknown as BulletinEvent;
    switch (event.type) {
      case 'AnnualTargetSet': {
        const d = event.data;
        const target = { region_code: d.regionCode, year: d.year, loans: d.loans, amount: d.amount };
        return v.put(BULLETIN_TARGETS, target, 'target', '', `${d.regionCode}|${d.year}`);
      }
      case 'GuaranteeFundContributed': {
        const { fundId, amount, source } = event.data;
        return fundFlow(v, fundId, month, amount, 0, CAPITAL_SOURCES.includes(source) ? amount : 0);
      }
      case 'FundExposureReserved':
        return fundFlow(v, event.data.fundId, month, 0, event.data.amount);
      case 'FundExposureReleased':
        return fundFlow(v, event.data.fundId, month, 0, -event.data.amount);
      case 'FundCompensationCharged':
        return fundFlow(v, event.data.fundId, month, -event.data.amount, -event.data.exposureReleased);
      case 'FundCompensationReversed':
        return fundFlow(v, event.data.fundId, month, event.data.amount, event.data.exposureRestored);
      case 'FundRecoveryCredited':
        return fundFlow(v, event.data.fundId, month, event.data.amount, 0);
      case 'LoanApplied': {
        const d = event.data;
        const loan: Loan = {
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
        };
        return saveLoan(v, loan);
      }
      default: {
        const loan = v.get<Loan>(BULLETIN_LOANS, { loan_id: event.data.loanId });
        if (!loan) return;
        loanFlows(v, loan, event, month);
        saveLoan(v, loan);
      }
    }
  },
});

export const bulletin = bulletinProjection();

type LoanFlowEvent = Disbursed | Repaid | Overdue | LoanExtended | LoanSettled | CompensationPaid | RecoveryCollected;
type BulletinEvent = LoanFlowEvent | LoanApplied | AnnualTargetSet | FundEvent;

/** Records what a loan event adds to its county's flows, and updates the loan's own figures. */
function loanFlows(v: Versioned, loan: Loan, e: LoanFlowEvent, month: string) {
  const county = loan.county_code;
  const flow = (metric: string, value: number, dim = 'all') => addFlow(v, county, month, metric, dim, value);
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
      return addMaturity(v, county, loan.maturity_month, '', e.data.amount);
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
        addMaturity(v, county, loan.maturity_month!, month, principal);
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
      addMaturity(v, county, from, '', -loan.disbursed_amount);
      addMaturity(v, county, to, '', loan.disbursed_amount);
      for (const [paid, amount] of Object.entries(loan.repaid_by_month)) {
        addMaturity(v, county, from, paid, -amount);
        addMaturity(v, county, to, paid, amount);
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

/** Moves the horizon to `month`: each scope's snapshot carried over, with the flows that were waiting for it. */
function advance(v: Versioned, month: string) {
  const current = v.tx.get<Horizon>(BULLETIN_HORIZON, { id: 'horizon' });
  if (!current) return saveHorizon(v, { id: 'horizon', month, scopes: [] });
  if (month <= current.month) return;
  const horizon = v.get<Horizon>(BULLETIN_HORIZON, { id: 'horizon' })!;
  saveHorizon(v, horizon); // live from here, so that a scope added below lands in it
  while (horizon.month < month) {
    const from = horizon.month;
    const to = nextMonth(from);
    horizon.month = to;
    for (const scope of horizon.scopes) {
      const before = v.tx.get<MonthRow>(BULLETIN_MONTHS, { month: from, scope })!;
      saveMonth(v, { scope, month: to, figures: carryOver(before.figures, to.slice(0, 4) !== from.slice(0, 4)) });
    }
    const pending = v.get<PendingRow>(BULLETIN_PENDING, { month: to });
    if (!pending) continue;
    for (const [key, value] of Object.entries(pending.flows)) {
      const [scope, figure] = splitPendingKey(key);
      addToSnapshot(v, scope, to, figure, value);
    }
    savePending(v, { month: to, flows: {} }); // taken into the snapshots
  }
  saveHorizon(v, horizon);
}

/** Adds a flow of a month to a scope's snapshots of that month and every later one up to the horizon, or keeps it for later. */
function addFlow(v: Versioned, scope: string, month: string, metric: string, dim: string, value: number) {
  if (value === 0) return;
  const horizon = v.tx.get<Horizon>(BULLETIN_HORIZON, { id: 'horizon' })!;
  if (month > horizon.month) {
    const pending: PendingRow = v.get<PendingRow>(BULLETIN_PENDING, { month }) ?? { month, flows: {} };
    const key = `${scope}|${metric}|${dim}`;
    pending.flows[key] = (pending.flows[key] ?? 0) + value;
    return savePending(v, pending);
  }
  for (let at = month; at <= horizon.month; at = nextMonth(at)) addToSnapshot(v, scope, at, `${metric}|${dim}`, value, month);
}

function addToSnapshot(v: Versioned, scope: string, at: string, figure: string, value: number, month = at) {
  let row = v.get<MonthRow>(BULLETIN_MONTHS, { month: at, scope });
  if (!row) {
    // A scope's snapshots run from its first month to the horizon: a new scope starts empty.
    if (!v.tx.get<Horizon>(BULLETIN_HORIZON, { id: 'horizon' })!.scopes.includes(scope)) {
      const horizon = v.get<Horizon>(BULLETIN_HORIZON, { id: 'horizon' })!;
      horizon.scopes.push(scope);
      saveHorizon(v, horizon);
    }
    row = { scope, month: at, figures: {} };
  }
  addFigure(row.figures, figure, value, month, at);
  saveMonth(v, row);
}

/** A loan's version keeps only what changes after its application; the rest is read from its live row. */
const saveLoan = (v: Versioned, loan: Loan) =>
  v.put(BULLETIN_LOANS, loan, 'loan', '', loan.loan_id, {
    outstanding: loan.outstanding,
    overdue_principal: loan.overdue_principal,
    maturity_month: loan.maturity_month,
    disbursed_amount: loan.disbursed_amount,
    repaid_by_month: loan.repaid_by_month,
  });
const saveMonth = (v: Versioned, row: MonthRow) => v.put(BULLETIN_MONTHS, row, 'month', row.month, row.scope);
const savePending = (v: Versioned, row: PendingRow) => v.put(BULLETIN_PENDING, row, 'pending', row.month, '');
const saveHorizon = (v: Versioned, row: Horizon) => v.put(BULLETIN_HORIZON, row, 'horizon', '', 'horizon');

/** Principal by the month the loan matures: disbursed counts from that month, and repaid from the later of it and the payment's month. */
function addMaturity(v: Versioned, county: string, maturityMonth: string, paidMonth: string, amount: number) {
  if (paidMonth === '') return addFlow(v, county, maturityMonth, 'matured_disbursed', 'all', amount);
  addFlow(v, county, paidMonth > maturityMonth ? paidMonth : maturityMonth, 'matured_repaid', 'all', amount);
}

function fundFlow(v: Versioned, fundId: string, month: string, balance: number, exposure: number, capital = 0) {
  const scope = `fund:${fundId}`;
  addFlow(v, scope, month, 'fund_balance', 'all', balance);
  addFlow(v, scope, month, 'fund_exposure', 'all', exposure);
  addFlow(v, scope, month, 'fund_capital', 'all', capital);
}
