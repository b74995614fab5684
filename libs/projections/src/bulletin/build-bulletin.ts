import { ReferenceData, Region, divideHalfUp } from '@app/domain';
import { BulletinFacts } from './facts';
import { ScopeFigures, previousInYear } from './month-figures';

export interface Figures {
  loans: number;
  amount: number;
  persons: number;
  jobs: number;
}
export interface Periods<T> {
  month: T;
  yearToDate: T;
  cumulative: T;
}

export interface BulletinRow {
  month: string;
  regionCode: string;
  regionName: string;
  level: Region['level'];
  parentCode: string | null;
  disbursed: Periods<Figures>;
  byKind: Record<string, Periods<Figures>>;
  byCategory: Record<string, Periods<Figures>>;
  /** By counter-guarantee mode: `credit_community` is lending on a credit community's recommendation alone. */
  byCounterGuarantee: Record<string, Periods<Figures>>;
  target: {
    loans: number;
    amount: number;
    completionLoansBp: number;
    completionAmountBp: number;
    timePaceBp: number;
    rank: number | null;
    rankChange: number | null;
  } | null;
  outstanding: number;
  principalRepaid: Periods<number>;
  overduePrincipal: number;
  overdueRateBp: number | null;
  matured: { disbursed: number; repaid: number; recoveryRateBp: number | null };
  compensation: { paid: Periods<number>; recovered: Periods<number> };
  /** capital: what finance put into the funds (筹集担保基金), without the funds' own earnings. */
  fund: { capital: Periods<number>; balance: number; guaranteesOutstanding: number; leverageBp: number | null };
  subsidy: { central: Periods<number>; local: Periods<number> };
}

type Sums = { month: number; yearToDate: number; cumulative: number };
const zero = (): Sums => ({ month: 0, yearToDate: 0, cumulative: 0 });
const ratioBp = (a: number, b: number) => (b === 0 ? null : Number(divideHalfUp(BigInt(a) * 10_000n, BigInt(b))));

/**
 * Builds the bulletin for a month: every region, with the month, year-to-date and cumulative figures,
 * month-end stocks, targets with completion and rank among the region's siblings, and the change of rank
 * since the month before (within the same year).
 */
export function buildBulletin(facts: BulletinFacts, reference: ReferenceData, month: string): BulletinRow[] {
  const current = figuresFor(facts.byMonth[month] ?? [], facts, reference, month);
  const previousMonth = previousInYear(month);
  const before = previousMonth ? ranksAt(facts.byMonth[previousMonth] ?? [], facts, reference) : new Map<string, number>();
  return current.map((r) => {
    const rank = before.get(r.regionCode);
    return { ...r, target: r.target && { ...r.target, rankChange: rank && r.target.rank ? rank - r.target.rank : null } };
  });
}

/** The ranks at a month's end (the month before, in the same year): only the year-to-date amount lent is summed. */
function ranksAt(snapshots: ScopeFigures[], facts: BulletinFacts, reference: ReferenceData): Map<string, number> {
  const lent = new Map<string, number>();
  for (const { scope, figures } of snapshots) {
    const amount = figures['amount|all']?.[1];
    if (!amount || scope.startsWith('fund:')) continue;
    for (const r of reference.lineage(scope)) lent.set(r.code, (lent.get(r.code) ?? 0) + amount);
  }
  const ranked = facts.targets.flatMap((t) => {
    const region = reference.region(t.region_code as string);
    if (!region) return [];
    const completionAmountBp = ratioBp(lent.get(region.code) ?? 0, t.amount as number) ?? 0;
    return [{ regionCode: region.code, parentCode: region.parent ?? null, target: { completionAmountBp, rank: null as number | null } }];
  });
  rankAmongSiblings(ranked);
  return new Map(ranked.map((r) => [r.regionCode, r.target.rank!]));
}

function figuresFor(snapshots: ScopeFigures[], facts: BulletinFacts, reference: ReferenceData, month: string): BulletinRow[] {
  const sums = new Map<string, Map<string, Sums>>(); // region → `${metric}|${dim}` → sums
  const seen = new Set<string>(); // every `${metric}|${dim}` of any region
  for (const { scope, figures } of snapshots) {
    const code = scope.startsWith('fund:') ? reference.centre(scope.slice(5))?.regionCode : scope;
    if (!code) continue;
    const regions = reference.lineage(code).map((r) => {
      let region = sums.get(r.code);
      if (!region) sums.set(r.code, (region = new Map()));
      return region;
    });
    for (const figure in figures) {
      seen.add(figure);
      const [m, ytd, cumulative] = figures[figure];
      for (const region of regions) {
        let s = region.get(figure);
        if (!s) region.set(figure, (s = zero()));
        s.month += m;
        s.yearToDate += ytd;
        s.cumulative += cumulative;
      }
    }
  }

  const get = (region: string, metric: string, dim = 'all') => sums.get(region)?.get(`${metric}|${dim}`) ?? zero();
  const periods = (region: string, dim: string): Periods<Figures> => {
    const [loans, amount, persons, jobs] = ['loans', 'amount', 'persons', 'jobs'].map((m) => get(region, m, dim));
    const at = (p: keyof Sums): Figures => ({ loans: loans[p], amount: amount[p], persons: persons[p], jobs: jobs[p] });
    return { month: at('month'), yearToDate: at('yearToDate'), cumulative: at('cumulative') };
  };
  const dims = (prefix: string) => {
    const found = new Set<string>();
    for (const figure of seen) {
      const dim = figure.slice(figure.indexOf('|') + 1);
      if (dim.startsWith(prefix)) found.add(dim.slice(prefix.length));
    }
    return [...found].sort();
  };
  const kinds = dims('kind:');
  const categories = dims('category:');
  const guarantees = dims('guarantee:');
  const year = Number(month.slice(0, 4));
  const timePaceBp = Number(divideHalfUp(BigInt(Number(month.slice(5))) * 10_000n, 12n));

  const rows: BulletinRow[] = reference.allRegions().map((r) => {
    const disbursed = periods(r.code, 'all');
    const target = facts.targets.find((t) => t.region_code === r.code && t.year === year);
    const outstanding = get(r.code, 'outstanding').cumulative;
    const overdue = get(r.code, 'overdue_principal').cumulative;
    const maturedDisbursed = get(r.code, 'matured_disbursed').cumulative;
    const maturedRepaid = get(r.code, 'matured_repaid').cumulative;
    const balance = get(r.code, 'fund_balance').cumulative;
    const exposure = get(r.code, 'fund_exposure').cumulative;
    return {
      month,
      regionCode: r.code,
      regionName: r.name,
      level: r.level,
      parentCode: r.parent ?? null,
      disbursed,
      byKind: Object.fromEntries(kinds.map((k) => [k, periods(r.code, `kind:${k}`)])),
      byCategory: Object.fromEntries(categories.map((c) => [c, periods(r.code, `category:${c}`)])),
      byCounterGuarantee: Object.fromEntries(guarantees.map((g) => [g, periods(r.code, `guarantee:${g}`)])),
      target: target
        ? {
            loans: target.loans as number,
            amount: target.amount as number,
            completionLoansBp: ratioBp(disbursed.yearToDate.loans, target.loans as number) ?? 0,
            completionAmountBp: ratioBp(disbursed.yearToDate.amount, target.amount as number) ?? 0,
            timePaceBp,
            rank: null,
            rankChange: null,
          }
        : null,
      outstanding,
      principalRepaid: get(r.code, 'principal_repaid'),
      overduePrincipal: overdue,
      overdueRateBp: ratioBp(overdue, outstanding),
      matured: { disbursed: maturedDisbursed, repaid: maturedRepaid, recoveryRateBp: ratioBp(maturedRepaid, maturedDisbursed) },
      compensation: { paid: get(r.code, 'compensation_paid'), recovered: get(r.code, 'compensation_recovered') },
      fund: { capital: get(r.code, 'fund_capital'), balance, guaranteesOutstanding: exposure, leverageBp: ratioBp(exposure, balance) },
      subsidy: { central: get(r.code, 'subsidy_central'), local: get(r.code, 'subsidy_local') },
    };
  });
  rankAmongSiblings(rows);
  return rows;
}

/** Ranks regions with a target among those with the same parent, by completion of the amount target. */
type Rankable = Pick<BulletinRow, 'regionCode' | 'parentCode'> & { target: { completionAmountBp: number; rank: number | null } | null };
function rankAmongSiblings(rows: Rankable[]) {
  const byParent = new Map<string, Rankable[]>();
  for (const r of rows) if (r.target && r.parentCode) byParent.set(r.parentCode, [...(byParent.get(r.parentCode) ?? []), r]);
  for (const siblings of byParent.values()) {
    siblings.sort((a, b) => b.target!.completionAmountBp - a.target!.completionAmountBp || a.regionCode.localeCompare(b.regionCode));
    siblings.forEach((r, i) => {
      r.target!.rank = i + 1;
    });
  }
}
