import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, daysBetween, policyInForce, stepLimits } from '@app/domain';
import { AssessmentPeriod, ProjectedEvent, ReadStore, UNIT_KINDS, UnitKind, assess, lateSteps, periodOf, score } from '../src';

/**
 * The performance assessment and the late-steps view computed straight from the events, loan by loan,
 * without the projections, to hold the stored answers to: the property compares the two on every history.
 */
interface LoanFacts {
  centre: string;
  branch: string;
  appliedOn: string;
  decidedOn?: string;
  decider?: string;
  guaranteedOn?: string;
  disbursedOn?: string;
  disburser?: string;
  amount: number;
  maturity?: string;
  decisionFoundLate: boolean;
  disbursementFoundLate: boolean;
  /** The events that change what is outstanding or overdue, by business date. */
  flows: ProjectedEvent[];
}

/** An event's data read loosely: the oracle names the fields it needs, as the events' schemas give them. */
interface Data {
  loanId: string;
  centreId: string;
  branchId: string;
  appliedOn: string;
  issuedOn: string;
  rejectedOn: string;
  disbursedOn: string;
  amount: number;
  maturityDate: string;
  newMaturity: string;
  step: string;
  year: number;
  regionCode: string;
}

function loansOf(events: ProjectedEvent[]): Map<string, LoanFacts> {
  const loans = new Map<string, LoanFacts>();
  for (const e of events) {
    const d = e.data as unknown as Data;
    if (e.type === 'LoanApplied') {
      loans.set(d.loanId, {
        centre: d.centreId,
        branch: d.branchId,
        appliedOn: d.appliedOn,
        amount: 0,
        decisionFoundLate: false,
        disbursementFoundLate: false,
        flows: [],
      });
      continue;
    }
    const loan = d.loanId === undefined ? undefined : loans.get(d.loanId);
    if (!loan) continue;
    if (e.type === 'GuaranteeIssued') Object.assign(loan, { decidedOn: d.issuedOn, guaranteedOn: d.issuedOn, decider: e.actor?.userId });
    if (e.type === 'LoanApplicationRejected' && !loan.guaranteedOn)
      Object.assign(loan, { decidedOn: d.rejectedOn, decider: e.actor?.userId });
    if (e.type === 'Disbursed')
      Object.assign(loan, { disbursedOn: d.disbursedOn, disburser: e.actor?.userId, amount: d.amount, maturity: d.maturityDate });
    if (e.type === 'LoanExtended') loan.maturity = d.newMaturity;
    if (e.type === 'StepPastDeadline') loan[d.step === 'decision' ? 'decisionFoundLate' : 'disbursementFoundLate'] = true;
    if (['Disbursed', 'Repaid', 'Overdue', 'LoanSettled', 'CompensationPaid'].includes(e.type)) loan.flows.push(e);
  }
  return loans;
}

/** A loan's outstanding and overdue principal, and principal repaid, at the end of a day. */
function stockAt(loan: LoanFacts, day: string) {
  let outstanding = 0;
  let overdue = 0;
  let repaid = 0;
  for (const e of loan.flows.filter((f) => f.businessDate <= day)) {
    const d = e.data as Record<string, number>;
    if (e.type === 'Disbursed') outstanding = d.amount;
    if (e.type === 'Repaid')
      [outstanding, overdue, repaid] = [outstanding - d.principal, Math.max(0, overdue - d.principal), repaid + d.principal];
    if (e.type === 'Overdue') overdue = d.overduePrincipal;
    if (e.type === 'LoanSettled') overdue = 0;
    if (e.type === 'CompensationPaid') [outstanding, overdue] = [0, 0];
  }
  return { outstanding, overdue, repaid };
}

const ratioBp = (a: number, b: number) => (b === 0 ? null : Math.round((a * 10_000) / b));
const within = (a: string, b: string) => (x?: string) => x !== undefined && x >= a && x <= b;

function expected(events: ProjectedEvent[], period: AssessmentPeriod, date: BusinessDate) {
  const { from, to } = periodOf(period, date);
  const inPeriod = within(from, to);
  const limits = stepLimits(policyInForce(JIANGXI_POLICIES, to));
  const loans = [...loansOf(events).values()];
  const unitOf: Record<UnitKind, (l: LoanFacts) => string | undefined> = {
    centre: (l) => l.centre,
    branch: (l) => l.branch,
    centre_staff: (l) => l.decider,
    bank_staff: (l) => l.disburser,
  };
  // Targets: the last set for each region and year; a centre has its region's if it alone serves it.
  const targets = new Map<string, number>();
  for (const { type, data } of events as unknown as Array<{ type: string; data: Data }>)
    if (type === 'AnnualTargetSet' && data.year === Number(to.slice(0, 4))) targets.set(data.regionCode, data.amount);
  const year = Number(to.slice(0, 4));
  const yearDays = daysBetween(`${year}-01-01` as BusinessDate, `${year + 1}-01-01` as BusinessDate);
  const centreTarget = (id: string) => {
    const centre = JIANGXI_REFERENCE.centres.find((c) => c.id === id)!;
    const sole = JIANGXI_REFERENCE.centres.filter((c) => c.regionCode === centre.regionCode).length === 1;
    const amount = targets.get(centre.regionCode);
    return sole && amount !== undefined ? Math.round((amount * (daysBetween(from, to) + 1)) / yearDays) : null;
  };
  const out: Record<string, Record<string, unknown>> = {};
  for (const kind of UNIT_KINDS) {
    const ids = new Set(loans.map(unitOf[kind]).filter((id): id is string => id !== undefined));
    if (kind === 'centre') for (const c of JIANGXI_REFERENCE.centres) if (centreTarget(c.id) !== null) ids.add(c.id);
    const units = [...ids].map((id) => {
      const mine = loans.filter((l) => unitOf[kind](l) === id);
      // A centre decides and lends, its officers decide, a branch and its clerks pay out.
      const decides = kind === 'centre' || kind === 'centre_staff';
      const decided = decides ? mine.filter((l) => inPeriod(l.decidedOn)) : [];
      const disbursed = kind === 'centre_staff' ? [] : mine.filter((l) => inPeriod(l.disbursedOn));
      const timed = disbursed.filter((l) => l.guaranteedOn);
      const daysToDecide = decided.map((l) => daysBetween(l.appliedOn as BusinessDate, l.decidedOn as BusinessDate));
      const daysToDisburse = timed.map((l) => daysBetween(l.guaranteedOn as BusinessDate, l.disbursedOn as BusinessDate));
      // The portfolio: loans this unit answers for since their guarantee (staff) or application (units).
      const answered = kind === 'centre_staff' ? mine.filter((l) => l.guaranteedOn) : mine;
      const stocks = answered.map((l) => ({ ...stockAt(l, to), matured: l.maturity !== undefined && l.maturity <= to, amount: l.amount }));
      const outstanding = stocks.reduce((s, x) => s + x.outstanding, 0);
      const overdue = stocks.reduce((s, x) => s + x.overdue, 0);
      const maturedDisbursed = stocks.filter((x) => x.matured).reduce((s, x) => s + x.amount, 0);
      const maturedRepaid = stocks.filter((x) => x.matured).reduce((s, x) => s + x.repaid, 0);
      const targetFen = kind === 'centre' ? centreTarget(id) : null;
      const lentFen = disbursed.reduce((s, l) => s + l.amount, 0);
      const overdueRateBp = ratioBp(overdue, outstanding);
      const indicatorsBp = {
        timeliness: decides
          ? ratioBp(daysToDecide.filter((d) => d <= limits.decisionDays).length, decided.length)
          : ratioBp(daysToDisburse.filter((d) => d <= limits.disbursementDays).length, timed.length),
        completion: targetFen ? Math.min(10_000, ratioBp(lentFen, targetFen)!) : null,
        performing: overdueRateBp === null ? null : 10_000 - overdueRateBp,
        recovery: ratioBp(maturedRepaid, maturedDisbursed),
      };
      const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10) / 10 : null);
      return {
        unitId: id,
        applications: kind === 'centre' ? mine.filter((l) => inPeriod(l.appliedOn)).length : null,
        decisions: decided.length,
        decisionsWithinLimit: daysToDecide.filter((d) => d <= limits.decisionDays).length,
        averageDaysToDecide: mean(daysToDecide),
        disbursements: disbursed.length,
        lentFen,
        disbursementsWithinLimit: daysToDisburse.filter((d) => d <= limits.disbursementDays).length,
        averageDaysToDisburse: mean(daysToDisburse),
        targetFen,
        outstandingFen: outstanding,
        overduePrincipalFen: overdue,
        overdueRateBp,
        maturedDisbursedFen: maturedDisbursed,
        maturedRepaidFen: maturedRepaid,
        recoveryRateBp: ratioBp(maturedRepaid, maturedDisbursed),
        indicatorsBp,
        score: score(indicatorsBp, { timeliness: 40, completion: 30, performing: 15, recovery: 15 }),
      };
    });
    for (const u of units) {
      const rank = u.score === null ? null : 1 + units.filter((o) => o.score !== null && o.score > u.score!).length;
      out[`${kind} ${u.unitId}`] = { ...u, rank };
    }
  }
  const late = (
    unit: (l: LoanFacts) => string,
    begun: (l: LoanFacts) => string | undefined,
    done: (l: LoanFacts) => string | undefined,
    found: (l: LoanFacts) => boolean,
    limit: number,
  ) => {
    const rows = new Map<string, LoanFacts[]>();
    for (const l of loans.filter((x) => inPeriod(begun(x)))) rows.set(unit(l), [...(rows.get(unit(l)) ?? []), l]);
    return [...rows]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([unitId, ls]) => {
        const days = ls.filter((l) => done(l)).map((l) => daysBetween(begun(l) as BusinessDate, done(l) as BusinessDate));
        const withinLimit = days.filter((d) => d <= limit).length;
        return {
          unitId,
          begun: ls.length,
          done: days.length,
          doneWithinLimit: withinLimit,
          doneLate: days.length - withinLimit,
          waitingPastDeadline: ls.filter((l) => !done(l) && found(l)).length,
          averageDays: days.length ? Math.round((days.reduce((s, d) => s + d, 0) / days.length) * 10) / 10 : null,
        };
      });
  };
  return {
    units: out,
    lateSteps: {
      centres: late(
        (l) => l.centre,
        (l) => l.appliedOn,
        (l) => l.decidedOn,
        (l) => l.decisionFoundLate,
        limits.decisionDays,
      ),
      branches: late(
        (l) => l.branch,
        (l) => l.guaranteedOn,
        (l) => l.disbursedOn,
        (l) => l.disbursementFoundLate,
        limits.disbursementDays,
      ),
    },
    limits,
    from,
    to,
  };
}

/** Where the stored assessment and late-steps view differ from the figures computed from the events, for each period asked. */
export async function assessmentDisagreements(
  readStore: ReadStore,
  events: ProjectedEvent[],
  at: Array<[AssessmentPeriod, BusinessDate]>,
): Promise<string[]> {
  const out: string[] = [];
  for (const [period, date] of at) {
    const want = expected(events, period, date);
    const got = await assess(readStore, { period, date }, want.limits, JIANGXI_REFERENCE.centres);
    const gotUnits = Object.fromEntries(UNIT_KINDS.flatMap((kind) => got.units[kind].map((u) => [`${kind} ${u.unitId}`, u])));
    for (const key of new Set([...Object.keys(want.units), ...Object.keys(gotUnits)])) {
      // A unit with nothing in the period and nothing outstanding or matured by its end may be left out.
      if (!(key in gotUnits) && idle(want.units[key])) continue;
      const [a, b] = [JSON.stringify(gotUnits[key]), JSON.stringify(want.units[key])];
      if (a !== b) out.push(`assessment ${period} ${date} ${key}: stored ${a} ≠ from the events ${b}`);
    }
    const late = await lateSteps(readStore, want, want.limits);
    if (JSON.stringify(late) !== JSON.stringify(want.lateSteps))
      out.push(`late steps ${want.from}..${want.to}: stored ${JSON.stringify(late)} ≠ from the events ${JSON.stringify(want.lateSteps)}`);
  }
  return out;
}

const idle = (u: Record<string, unknown>) =>
  ['applications', 'decisions', 'disbursements', 'outstandingFen', 'overduePrincipalFen', 'maturedDisbursedFen', 'maturedRepaidFen'].every(
    (k) => !u[k],
  ) && u.score === null;
