import { BusinessDate, Centre, addDays, addMonths, daysBetween, divideHalfUp } from '@app/domain';
import { Row } from '../projection';
import { BULLETIN_TARGETS } from '../ledgers/bulletin';
import { ReadStore } from '../read-store';
import { ASSESSMENT_DAYS, ASSESSMENT_LOANS } from './assessment-projection';

/**
 * 绩效考核: each centre, bank branch and staff member over a week, month or year. What they handled in the
 * period (decisions, disbursements, the days they took and the share within the time limits, lending against
 * target) comes from each loan's steps; the portfolio they answer for at the period's end (overdue rate,
 * recovery rate on matured loans) from the portfolio's days (`assessment-projection.ts`). A score weighs four
 * indicators, each out of 100:
 *
 * - timeliness: the share of the period's steps done within the time limit (decisions for a centre and its
 *   officers, disbursements for a bank branch and its clerks);
 * - completion: lending in the period against the annual target, pro rata by days (a centre that alone serves a
 *   region with a target), at most 100;
 * - performing: the share of outstanding principal not overdue at the period's end;
 * - recovery: the recovery rate on matured loans at the period's end (the bulletin's 到期贷款回收率).
 *
 * An indicator a unit has no figure for (no steps in the period, no target, nothing outstanding or matured)
 * leaves the score to the others, their weights scaled up to the same total.
 */
export type AssessmentPeriod = 'week' | 'month' | 'year';
export const ASSESSMENT_PERIODS: readonly AssessmentPeriod[] = ['week', 'month', 'year'];
export type UnitKind = 'centre' | 'branch' | 'centre_staff' | 'bank_staff';
export const UNIT_KINDS: readonly UnitKind[] = ['centre', 'branch', 'centre_staff', 'bank_staff'];

export const INDICATORS = ['timeliness', 'completion', 'performing', 'recovery'] as const;
export type Indicator = (typeof INDICATORS)[number];
export type Weights = Record<Indicator, number>;
export const DEFAULT_WEIGHTS: Weights = { timeliness: 40, completion: 30, performing: 15, recovery: 15 };

export interface UnitAssessment {
  unitId: string;
  /** Applications taken in the period (a centre's). */
  applications: number | null;
  decisions: number;
  decisionsWithinLimit: number;
  averageDaysToDecide: number | null;
  disbursements: number;
  lentFen: number;
  disbursementsWithinLimit: number;
  averageDaysToDisburse: number | null;
  /** The annual target pro rata for the period, for a centre that alone serves a region with a target. */
  targetFen: number | null;
  outstandingFen: number;
  overduePrincipalFen: number;
  overdueRateBp: number | null;
  maturedDisbursedFen: number;
  maturedRepaidFen: number;
  recoveryRateBp: number | null;
  /** Each indicator out of 10,000 (basis points), null where the unit has no figure for it. */
  indicatorsBp: Record<Indicator, number | null>;
  /** The weighted score out of 100, to two decimals. */
  score: number | null;
  /** 1 for the highest score among units of its kind; equal scores share a rank; no score, no rank. */
  rank: number | null;
}

export interface Assessment {
  period: AssessmentPeriod;
  from: BusinessDate;
  to: BusinessDate;
  /** The day the portfolio is taken at: the period's end, or today while the period runs. */
  portfolioOn: BusinessDate;
  weights: Weights;
  units: Record<UnitKind, UnitAssessment[]>;
}

/** The week (Monday to Sunday), month or year that holds a date. */
export function periodOf(period: AssessmentPeriod, date: BusinessDate): { from: BusinessDate; to: BusinessDate } {
  if (period === 'year') return { from: `${date.slice(0, 4)}-01-01` as BusinessDate, to: `${date.slice(0, 4)}-12-31` as BusinessDate };
  if (period === 'month') {
    const from = `${date.slice(0, 7)}-01` as BusinessDate;
    return { from, to: addDays(addMonths(from, 1), -1) };
  }
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const from = addDays(date, -weekday);
  return { from, to: addDays(from, 6) };
}

const ratioBp = (a: number, b: number) => (b === 0 ? null : Number(divideHalfUp(BigInt(a) * 10_000n, BigInt(b))));
const average = (sum: number, n: number) => (n === 0 ? null : Math.round((sum / n) * 10) / 10);

/**
 * What units of a kind handled in the period, from the loans' steps: a centre takes applications, decides and
 * lends; its officers decide; a bank branch and its clerks pay out.
 */
async function handled(
  store: ReadStore,
  kind: UnitKind,
  p: { from: string; to: string },
  limits: { decisionDays: number; disbursementDays: number },
) {
  const unit = { centre: 'centre_id', branch: 'branch_id', centre_staff: 'decided_by', bank_staff: 'disbursed_by' }[kind];
  const args: unknown[] = [];
  // Placeholders are numbered in the order the template is read, so each value is pushed where it is written.
  const arg = (value: unknown) => (args.push(value), '?');
  const during = (column: string, theirs: boolean) => (theirs ? `${column} BETWEEN ${arg(p.from)} AND ${arg(p.to)}` : '1 = 0');
  const applied = () => during('applied_on', kind === 'centre');
  const decided = () => during('decided_on', kind === 'centre' || kind === 'centre_staff');
  const disbursed = () => during('disbursed_on', kind !== 'centre_staff');
  const rows = await store.query(
    `SELECT ${unit} AS unit_id,
       sum(CASE WHEN ${applied()} THEN 1 ELSE 0 END) AS applications,
       sum(CASE WHEN ${decided()} THEN 1 ELSE 0 END) AS decisions,
       sum(CASE WHEN ${decided()} AND days_to_decide <= ${arg(limits.decisionDays)} THEN 1 ELSE 0 END) AS decisions_within,
       sum(CASE WHEN ${decided()} THEN days_to_decide ELSE 0 END) AS decision_days,
       sum(CASE WHEN ${disbursed()} THEN 1 ELSE 0 END) AS disbursements,
       sum(CASE WHEN ${disbursed()} THEN disbursed_amount ELSE 0 END) AS lent,
       sum(CASE WHEN ${disbursed()} AND days_to_disburse IS NOT NULL THEN 1 ELSE 0 END) AS disbursements_timed,
       sum(CASE WHEN ${disbursed()} AND days_to_disburse <= ${arg(limits.disbursementDays)} THEN 1 ELSE 0 END) AS disbursements_within,
       sum(CASE WHEN ${disbursed()} AND days_to_disburse IS NOT NULL THEN days_to_disburse ELSE 0 END) AS disbursement_days
     FROM ${ASSESSMENT_LOANS}
     WHERE ${unit} IS NOT NULL AND (${applied()} OR ${decided()} OR ${disbursed()})
     GROUP BY ${unit}`,
    args,
  );
  return new Map(rows.map((r) => [String(r.unit_id), Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]))]));
}

/** Each unit's portfolio at the end of a day: the sums of its days up to then. */
async function portfolioAt(store: ReadStore, kind: UnitKind, day: string) {
  const rows = await store.query(
    `SELECT unit_id, sum(outstanding) AS outstanding, sum(overdue_principal) AS overdue, sum(matured_disbursed) AS matured_disbursed,
       sum(matured_repaid) AS matured_repaid FROM ${ASSESSMENT_DAYS} WHERE kind = ? AND day <= ? GROUP BY unit_id`,
    [kind, day],
  );
  return new Map(
    rows.map((r) => [
      String(r.unit_id),
      {
        outstanding: Number(r.outstanding),
        overdue: Number(r.overdue),
        maturedDisbursed: Number(r.matured_disbursed),
        maturedRepaid: Number(r.matured_repaid),
      },
    ]),
  );
}

/** The annual targets pro rata for the period, per centre that alone serves its region. */
async function centreTargets(store: ReadStore, centres: readonly Centre[], p: { from: BusinessDate; to: BusinessDate }) {
  const year = Number(p.to.slice(0, 4));
  const rows = await store.query(`SELECT region_code, amount FROM ${BULLETIN_TARGETS} WHERE year = ?`, [year]);
  const byRegion = new Map(rows.map((r) => [String(r.region_code), Number(r.amount)]));
  const yearDays = daysBetween(`${year}-01-01` as BusinessDate, `${year + 1}-01-01` as BusinessDate);
  const periodDays = daysBetween(p.from, p.to) + 1;
  const served = new Map<string, number>();
  for (const c of centres) served.set(c.regionCode, (served.get(c.regionCode) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const c of centres) {
    const amount = byRegion.get(c.regionCode);
    if (amount !== undefined && served.get(c.regionCode) === 1) out.set(c.id, Math.round((amount * periodDays) / yearDays));
  }
  return out;
}

/** The assessment of every unit and staff member for the week, month or year holding `date`. */
export async function assess(
  store: ReadStore,
  q: { period: AssessmentPeriod; date: BusinessDate; weights?: Weights; today?: BusinessDate },
  limits: { decisionDays: number; disbursementDays: number },
  centres: readonly Centre[],
): Promise<Assessment> {
  const p = periodOf(q.period, q.date);
  // Loans maturing later in a period still running are not yet matured, and their repayments not yet due.
  const portfolioOn = q.today !== undefined && q.today < p.to ? q.today : p.to;
  const weights = q.weights ?? DEFAULT_WEIGHTS;
  const targets = await centreTargets(store, centres, p);
  const units = {} as Record<UnitKind, UnitAssessment[]>;
  for (const kind of UNIT_KINDS) {
    const flows = await handled(store, kind, p, limits);
    const stocks = await portfolioAt(store, kind, portfolioOn);
    // A centre with a target is assessed on it even in a period it did nothing.
    const ids = [...new Set([...flows.keys(), ...stocks.keys(), ...(kind === 'centre' ? targets.keys() : [])])].sort();
    units[kind] = rank(ids.map((id) => figures(kind, id, flows.get(id), stocks.get(id), targets.get(id) ?? null, weights)));
  }
  return { period: q.period, ...p, portfolioOn, weights, units };
}

function figures(
  kind: UnitKind,
  unitId: string,
  f: Record<string, number> | undefined,
  s: { outstanding: number; overdue: number; maturedDisbursed: number; maturedRepaid: number } | undefined,
  targetFen: number | null,
  weights: Weights,
): UnitAssessment {
  const n = (k: string) => f?.[k] ?? 0;
  const stock = s ?? { outstanding: 0, overdue: 0, maturedDisbursed: 0, maturedRepaid: 0 };
  const overdueRateBp = ratioBp(stock.overdue, stock.outstanding);
  const recoveryRateBp = ratioBp(stock.maturedRepaid, stock.maturedDisbursed);
  const decides = kind === 'centre' || kind === 'centre_staff';
  const completion = targetFen === null || targetFen === 0 ? null : Math.min(10_000, ratioBp(n('lent'), targetFen)!);
  const indicatorsBp: Record<Indicator, number | null> = {
    timeliness: decides ? ratioBp(n('decisions_within'), n('decisions')) : ratioBp(n('disbursements_within'), n('disbursements_timed')),
    completion,
    performing: overdueRateBp === null ? null : 10_000 - overdueRateBp,
    recovery: recoveryRateBp,
  };
  return {
    unitId,
    applications: kind === 'centre' ? n('applications') : null,
    decisions: n('decisions'),
    decisionsWithinLimit: n('decisions_within'),
    averageDaysToDecide: average(n('decision_days'), n('decisions')),
    disbursements: n('disbursements'),
    lentFen: n('lent'),
    disbursementsWithinLimit: n('disbursements_within'),
    averageDaysToDisburse: average(n('disbursement_days'), n('disbursements_timed')),
    targetFen,
    outstandingFen: stock.outstanding,
    overduePrincipalFen: stock.overdue,
    overdueRateBp,
    maturedDisbursedFen: stock.maturedDisbursed,
    maturedRepaidFen: stock.maturedRepaid,
    recoveryRateBp,
    indicatorsBp,
    score: score(indicatorsBp, weights),
    rank: null,
  };
}

/** The weighted mean of the indicators a unit has, out of 100 to two decimals (basis points halved up to hundredths). */
export function score(indicators: Record<Indicator, number | null>, weights: Weights): number | null {
  let weighted = 0n;
  let total = 0n;
  for (const i of INDICATORS) {
    const value = indicators[i];
    if (value === null || weights[i] === 0) continue;
    weighted += BigInt(value) * BigInt(weights[i]);
    total += BigInt(weights[i]);
  }
  return total === 0n ? null : Number(divideHalfUp(weighted, total)) / 100;
}

/** Highest score first, equal scores sharing a rank; units without a score last, unranked. */
function rank(units: UnitAssessment[]): UnitAssessment[] {
  const sorted = [...units].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.unitId.localeCompare(b.unitId));
  sorted.forEach((u, i) => {
    if (u.score === null) return;
    u.rank = i > 0 && sorted[i - 1].score === u.score ? sorted[i - 1].rank : i + 1;
  });
  return sorted;
}

/** An assessment's units as the rows of its 台账 (`assessmentColumns`). */
export const assessmentRows = (units: UnitAssessment[]): Row[] =>
  units.map((u) => ({
    rank: u.rank,
    unit_id: u.unitId,
    score: u.score === null ? null : u.score.toFixed(2),
    applications: u.applications,
    decisions: u.decisions,
    decisions_within_limit: u.decisionsWithinLimit,
    average_days_to_decide: u.averageDaysToDecide,
    disbursements: u.disbursements,
    lent: u.lentFen,
    disbursements_within_limit: u.disbursementsWithinLimit,
    average_days_to_disburse: u.averageDaysToDisburse,
    target: u.targetFen,
    completion_bp: u.indicatorsBp.completion,
    outstanding: u.outstandingFen,
    overdue_principal: u.overduePrincipalFen,
    overdue_rate_bp: u.overdueRateBp,
    recovery_rate_bp: u.recoveryRateBp,
    timeliness_bp: u.indicatorsBp.timeliness,
  }));
