import { BorrowerCategory, BusinessDate, RepaymentMethod, addDays, addMonths } from '@app/domain';
import { LoanFacts, dryRun } from './dry-run';
import { planFunds } from './funds';
import { CALIBRATED, chooseCategories, chooseCreditCommunities, scaleCapital, spread, sum } from './levers';
import { Plan, PlannedLoan, Rules } from './plan';
import { Calibration } from './profile';
import { Random } from './random';

const YUAN = 100;
const otherMethod = (m: RepaymentMethod): RepaymentMethod =>
  m === 'equal_principal_quarterly' ? 'interest_quarterly_principal_at_maturity' : 'equal_principal_quarterly';

/** The province row's figures that the calibration file gives, in fen (the rate in basis points). */
export interface ProvinceFigures {
  disbursedAmount: number;
  persons: number;
  jobs: number;
  capital: number;
  centralSubsidy: number;
  principalRepaid: number;
  maturedRecoveryBp: number | null;
  creditCommunityAmount: number;
  categories: Record<string, { persons: number; amount: number }>;
}

/** The calibration file's figures in the same units, and how close each must come. */
export function calibrationTargets(c: Calibration): { figures: ProvinceFigures; tolerance: Record<keyof ProvinceFigures, number> } {
  const p = c.province;
  const amount = (c.precision.amountYuan * YUAN) / 2;
  return {
    figures: {
      disbursedAmount: p.disbursedAmountYuan * YUAN,
      persons: p.personsSupported,
      jobs: p.jobsCreated,
      capital: p.guaranteeFundContributedYuan * YUAN,
      centralSubsidy: p.centralInterestSubsidyYuan * YUAN,
      principalRepaid: p.principalRecoveredYuan * YUAN,
      maturedRecoveryBp: Math.round(p.maturedRecoveryRatePercent * 100),
      creditCommunityAmount: p.creditCommunityLoansYuan * YUAN,
      categories: Object.fromEntries(
        Object.entries(c.categories).map(([k, v]) => [k, { persons: v.personsSupported, amount: v.disbursedAmountYuan * YUAN }]),
      ),
    },
    tolerance: {
      disbursedAmount: amount,
      persons: 0,
      jobs: 0,
      capital: amount,
      centralSubsidy: amount,
      principalRepaid: amount,
      maturedRecoveryBp: 0,
      creditCommunityAmount: amount,
      categories: amount,
    },
  };
}

/**
 * Adjusts a plan so that its province row at the calibration date reproduces the calibration file. Each
 * step moves one figure with a lever that leaves the figures before it alone: people on partnership and
 * enterprise loans; category tags; amounts; jobs; credit-community recommendations; then, from each loan's
 * dry run, which matured loans default, which open loans repay in instalments, which loans are micro-profit
 * (subsidised), and finally the funds' capital. A lever that runs out throws, naming the figure.
 */
export async function calibrate(plan: Plan, rules: Rules, onStep?: (step: string) => void): Promise<Map<string, LoanFacts>> {
  const c = plan.profile.calibration!;
  const asOf = c.asOf;
  const { figures: target, tolerance } = calibrationTargets(c);
  const near = tolerance.disbursedAmount * 0.8; // how close the levers that move in loan-sized steps must come
  const rng = new Random(plan.seed + 2);
  const counted = plan.loans.filter((l) => l.disburseOn <= asOf);
  const shuffled = (loans: PlannedLoan[]) => {
    const xs = [...loans];
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const tagged = (l: PlannedLoan, c: string) => l.categories.includes(c as BorrowerCategory);
  const calibratedTags = (l: PlannedLoan) => l.categories.filter((x) => CALIBRATED.includes(x));

  onStep?.('people');
  spread(
    shuffled(counted.filter((l) => l.persons > 1)),
    target.persons - sum(counted, (l) => l.persons),
    1,
    (l) => [plan.profile.persons[l.kind][0], plan.profile.persons[l.kind][1]],
    (l) => l.persons,
    (l, v) => {
      l.jobs += v - l.persons;
      l.persons = v;
    },
    'people supported',
  );

  onStep?.('categories');
  chooseCategories(plan, counted, target, shuffled);
  const amountRange = (l: PlannedLoan): [number, number] => [Math.min(l.amount, 500_000), l.cap];
  for (const category of Object.keys(target.categories)) {
    const loans = counted.filter((l) => tagged(l, category));
    spread(
      shuffled(loans),
      target.categories[category].amount - sum(loans, (l) => l.amount),
      100_000,
      amountRange,
      (l) => l.amount,
      (l, v) => {
        l.amount = v;
      },
      `the amount lent to ${category}`,
    );
  }
  onStep?.('amounts and jobs');
  spread(
    shuffled(counted.filter((l) => calibratedTags(l).length === 0)),
    target.disbursedAmount - sum(counted, (l) => l.amount),
    100_000,
    amountRange,
    (l) => l.amount,
    (l, v) => {
      l.amount = v;
    },
    'the amount disbursed',
  );
  spread(
    shuffled(counted),
    target.jobs - sum(counted, (l) => l.jobs),
    1,
    (l) => [l.persons + 1, Math.max(l.jobs, l.persons + 12)],
    (l) => l.jobs,
    (l, v) => {
      l.jobs = v;
    },
    'jobs created',
  );
  chooseCreditCommunities(shuffled(counted), target.creditCommunityAmount);

  onStep?.('dry runs');
  for (const l of plan.loans) if (l.kind !== 'enterprise') l.microProfit = true; // so each loan's dry run shows the subsidy it could earn
  const facts = new Map<string, LoanFacts>();
  const run = async (l: PlannedLoan) => {
    const f = await dryRun(l, rules, plan.profile.guaranteeFeeRateBp, plan.end, asOf);
    if (f.refused) throw new Error(`calibration: the plan for loan ${l.id} is refused by the rules (${f.refused})`);
    facts.set(l.id, f);
    return f;
  };
  for (const l of plan.loans) await run(l);

  onStep?.('matured loans');
  const matured = counted.filter((l) => facts.get(l.id)!.maturity! <= asOf);
  const maturedAmount = sum(matured, (l) => l.amount);
  const unpaidTarget = Math.round((maturedAmount * (10_000 - target.maturedRecoveryBp!)) / 10_000);
  let unpaid = maturedAmount - sum(matured, (l) => facts.get(l.id)!.principalBy);
  for (const l of shuffled(matured)) {
    const gap = unpaidTarget - unpaid;
    if (Math.abs(gap) * 25_000 < maturedAmount) break; // within 0.4 of a basis point
    const before = facts.get(l.id)!.principalBy;
    const flip =
      gap > 0
        ? l.outcome === 'onTime' && !l.hasSecondSupport && l.amount < gap * 1.5
        : l.outcome !== 'onTime' && l.amount - before < -gap * 1.5;
    if (!flip) continue;
    Object.assign(l, gap > 0 ? { outcome: 'defaulted', troubleAt: 0.999_999 } : { outcome: 'onTime' });
    unpaid -= (await run(l)).principalBy - before;
  }
  if (Math.abs(unpaidTarget - unpaid) * 25_000 >= maturedAmount)
    throw new Error('calibration: cannot reach the recovery rate on matured loans');

  onStep?.('instalments');
  let repaid = sum(counted, (l) => facts.get(l.id)!.principalBy);
  for (const l of shuffled(counted.filter((x) => facts.get(x.id)!.maturity! > asOf))) {
    const gap = target.principalRepaid - repaid;
    if (Math.abs(gap) < near) break;
    if (gap > 0 !== (l.method === 'interest_quarterly_principal_at_maturity')) continue;
    const before = facts.get(l.id)!.principalBy;
    l.method = otherMethod(l.method);
    const after = (await run(l)).principalBy;
    if (Math.abs(target.principalRepaid - repaid - (after - before)) > Math.abs(gap)) {
      l.method = otherMethod(l.method); // it overshoots: put it back
      await run(l);
      continue;
    }
    repaid += after - before;
  }
  if (Math.abs(target.principalRepaid - repaid) >= near)
    throw new Error(`calibration: cannot reach the principal repaid (${(target.principalRepaid - repaid) / YUAN} yuan short)`);

  onStep?.('terms');
  // Two-year terms on old loans repaid on time: more interest (so subsidy), the same principal repaid by the date.
  let central = sum(plan.loans, (l) => facts.get(l.id)!.centralBy);
  const longAgo = addDays(addMonths(asOf as BusinessDate, -24), -90);
  for (const l of shuffled(
    counted.filter((x) => x.termMonths === 12 && x.outcome === 'onTime' && !x.hasSecondSupport && x.disburseOn < longAgo),
  )) {
    if (central >= target.centralSubsidy + near) break;
    const before = facts.get(l.id)!.centralBy;
    l.termMonths = 24;
    central += (await run(l)).centralBy - before;
  }

  onStep?.('subsidy');
  if (central < target.centralSubsidy)
    throw new Error(
      `calibration: even with every loan subsidised the central subsidy is ${(target.centralSubsidy - central) / YUAN} yuan short`,
    );
  for (const l of shuffled(plan.loans.filter((x) => x.kind !== 'enterprise'))) {
    const potential = facts.get(l.id)!.centralBy;
    if (central - potential < target.centralSubsidy - near) continue;
    l.microProfit = false;
    facts.get(l.id)!.centralBy = 0;
    central -= potential;
    if (central - target.centralSubsidy < near) break;
  }
  if (central - target.centralSubsidy >= near) throw new Error('calibration: cannot bring the central subsidy down to the target');

  onStep?.('funds');
  // The funds' deposit rate is the last lever: deposits earned 2–4 % a year in those years.
  let capital = planFunds(plan, facts, asOf);
  while (capital > target.capital && plan.profile.depositRateBp < 400) {
    plan.profile = { ...plan.profile, depositRateBp: plan.profile.depositRateBp + 10 };
    capital = planFunds(plan, facts, asOf);
  }
  if (capital > target.capital)
    throw new Error(`calibration: the funds need ${(capital - target.capital) / YUAN} yuan more capital than the programme raised`);
  scaleCapital(plan, asOf, target.capital);
  return facts;
}
