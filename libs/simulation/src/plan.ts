import {
  BorrowerCategory,
  BusinessDate,
  CounterGuarantee,
  FundSource,
  LoanKind,
  Policy,
  ReferenceData,
  RepaymentMethod,
  addDays,
  addMonths,
  policyInForce,
} from '@app/domain';
import { Profile } from './profile';
import { Random } from './random';

export type Outcome = 'onTime' | 'late' | 'defaulted';

/** Everything a loan will do, drawn before the simulation runs, so that its life depends on nothing else. */
export interface PlannedLoan {
  id: string;
  person: string;
  county: string;
  centre: string;
  branch: string;
  kind: LoanKind;
  categories: BorrowerCategory[];
  industry: string;
  amount: number; // fen
  cap: number; // fen: the cap in force when the loan is applied for
  persons: number;
  jobs: number;
  termMonths: number;
  microProfit: boolean;
  counterGuarantee: CounterGuarantee;
  markupBp: number;
  method: RepaymentMethod;
  applyOn: string;
  guaranteeOn: string;
  disburseOn: string;
  outcome: Outcome;
  /** Which due date goes wrong, as a share of the loan's due dates: late, or the first one missed. */
  troubleAt: number;
  lateDays: number;
  compensateAfterDays: number;
  /** Recovered after compensation, as a share of the claim, and when; write-off after that. */
  recoveredShare: number;
  recoverAfterDays: number;
  writeOffAfterDays: number;
  previousLoanId?: string;
  secondSupportJobs?: number;
  /** Set on a first loan whose borrower comes back for second support: it must stay on time. */
  hasSecondSupport?: boolean;
  /** For a third-party guarantee: who guarantees (see `assignGuarantors`). */
  guarantorId?: string;
}

export interface PlannedContribution {
  date: string;
  fundId: string;
  source: FundSource;
  amount: number;
  reference: string;
}
export interface PlannedTarget {
  date: string;
  regionCode: string;
  year: number;
  loans: number;
  amount: number;
}

export interface Plan {
  profile: Profile;
  seed: number;
  start: string;
  end: string;
  loans: PlannedLoan[];
  targets: PlannedTarget[];
  /** Filled by planFunds once the loans' lives are known. */
  contributions: PlannedContribution[];
}

export interface Rules {
  policies: readonly Policy[];
  reference: ReferenceData;
}

/** Draws a programme's loans and targets from a profile; deterministic for a seed. */
export function planProgramme(profile: Profile, seed: number, rules: Rules): Plan {
  const rng = new Random(seed);
  const start = `${profile.from}-01`;
  const end = addDays(addMonths(`${profile.to}-01` as BusinessDate, 1), -1);
  const loans: PlannedLoan[] = [];
  let people = 0;
  const zones = zoneCentres(rules.reference);

  const months = monthsBetween(profile.from, profile.to);
  for (const month of months) {
    const year = Number(month.slice(0, 4));
    const perMonth = (profile.loansPerYear[year] ?? 0) / months.filter((m) => m.startsWith(`${year}`)).length;
    const count = Math.floor(perMonth) + (rng.chance(perMonth % 1) ? 1 : 0);
    const counties = Object.fromEntries(profile.counties.filter((c) => c.startYear <= year).map((c) => [c.code, c.weight]));
    for (let i = 0; i < count; i++) {
      const county = rng.pick(counties);
      const applyOn = `${month}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      const kind = rng.pick(profile.kinds);
      const centre =
        year < profile.provinceWideFrom
          ? centreOf(rules.reference, rules.reference.lineage(county).find((r) => r.level === 'province')!.code)
          : pickCentre(rng, profile, rules.reference, zones, county);
      const loan = draw(rng, profile, rules, {
        id: `${seed}-L${loans.length + 1}`,
        person: `${seed}-P${++people}`,
        county,
        centre,
        kind,
        applyOn,
      });
      loans.push(loan);
    }
  }
  for (const first of [...loans]) {
    if (first.outcome !== 'onTime' || !rng.chance(profile.secondSupport)) continue;
    const applyOn = addDays(addMonths(first.disburseOn as BusinessDate, first.termMonths), rng.int(30, 90));
    if (applyOn > end) continue;
    first.hasSecondSupport = true;
    loans.push({
      ...draw(rng, profile, rules, {
        id: `${first.id}-2`,
        person: first.person,
        county: first.county,
        centre: first.centre,
        kind: 'second_support',
        applyOn,
      }),
      categories: first.categories,
      industry: first.industry,
      previousLoanId: first.id,
      secondSupportJobs: rng.int(5, 12),
    });
  }
  return { profile, seed, start, end, loans, targets: planTargets(rng, profile, rules.reference, loans), contributions: [] };
}

function draw(
  rng: Random,
  profile: Profile,
  rules: Rules,
  loan: Pick<PlannedLoan, 'id' | 'person' | 'county' | 'centre' | 'kind' | 'applyOn'>,
): PlannedLoan {
  const policy = policyInForce(rules.policies, loan.applyOn as BusinessDate);
  const cap = policy.caps[loan.kind];
  const [low, high] = profile.amountShares[loan.kind];
  const amount = 100_000 * rng.int(Math.ceil((cap * low) / 100_000), Math.floor((cap * high) / 100_000));
  const [fewest, most] = profile.persons[loan.kind];
  const persons = rng.int(fewest, most);
  const categories = [rng.pick(profile.categories)];
  if (rng.chance(0.1)) {
    const second = rng.pick(profile.categories);
    if (!categories.includes(second)) categories.push(second);
  }
  const guaranteeOn = addDays(loan.applyOn as BusinessDate, loan.kind === 'second_support' ? 5 : rng.int(2, 5));
  return {
    ...loan,
    branch: branchFor(rng, profile, rules.reference, loan.county),
    categories,
    industry: INDUSTRIES[rng.int(0, INDUSTRIES.length - 1)],
    amount,
    cap,
    persons,
    jobs: persons + rng.int(...profile.extraJobs[loan.kind]),
    termMonths: Number(rng.pick(profile.terms)),
    microProfit: rng.chance(profile.microProfit),
    counterGuarantee: counterGuarantee(rng, profile, loan.county),
    markupBp: loan.kind === 'enterprise' ? 0 : Number(rng.pick(profile.markups)),
    method: rng.chance(profile.equalInstalments) ? 'equal_principal_quarterly' : 'interest_quarterly_principal_at_maturity',
    guaranteeOn,
    disburseOn: addDays(guaranteeOn, rng.int(3, 10)),
    outcome: rng.pick(profile.outcomes),
    troubleAt: rng.next(),
    lateDays: rng.int(15, 60),
    compensateAfterDays: rng.int(92, 120),
    recoveredShare: rng.next() * 2 * profile.recoveredShareOfDefaults,
    recoverAfterDays: rng.int(30, 180),
    writeOffAfterDays: rng.int(200, 400),
  };
}

const INDUSTRIES = ['agriculture', 'trade', 'catering', 'services', 'manufacturing', 'transport', 'handicrafts'];

function counterGuarantee(rng: Random, profile: Profile, county: string): CounterGuarantee {
  const mode = rng.pick(profile.counterGuarantees);
  if (mode === 'joint_households') return { mode, households: rng.int(3, 6) };
  if (mode !== 'credit_community') return { mode };
  const perCounty = Math.max(1, Math.round(profile.creditCommunities / profile.counties.length));
  return { mode, creditCommunityId: `CC-${county}-${String(rng.int(1, perCounty)).padStart(2, '0')}` };
}

function pickCentre(rng: Random, profile: Profile, reference: ReferenceData, zones: Map<string, string[]>, county: string): string {
  const city = reference.cityOf(county)!.code;
  const which = rng.pick(profile.centres);
  const inZone = zones.get(city) ?? [];
  if (which === 'zone' && inZone.length) return inZone[rng.int(0, inZone.length - 1)];
  return centreOf(reference, which === 'city' ? city : county);
}

const centreOf = (reference: ReferenceData, regionCode: string) => reference.set.centres.find((c) => c.id === `GC-${regionCode}`)!.id;

function zoneCentres(reference: ReferenceData): Map<string, string[]> {
  const zones = new Map<string, string[]>();
  for (const c of reference.set.centres)
    if (c.id !== `GC-${c.regionCode}`) zones.set(c.regionCode, [...(zones.get(c.regionCode) ?? []), c.id]);
  return zones;
}

/** A bank's branch in the county, or else in its city. */
function branchFor(rng: Random, profile: Profile, reference: ReferenceData, county: string): string {
  const bank = profile.banks[rng.int(0, profile.banks.length - 1)];
  return reference.branch(`${bank}-${county}`) ? `${bank}-${county}` : `${bank}-${reference.cityOf(county)!.code}`;
}

/** Each year's target (目标责任状) for every county that lends, its city and the province: near what was lent. */
function planTargets(rng: Random, profile: Profile, reference: ReferenceData, loans: PlannedLoan[]): PlannedTarget[] {
  const lent = new Map<string, { loans: number; amount: number }>();
  for (const loan of loans) {
    const year = loan.applyOn.slice(0, 4);
    for (const region of reference.lineage(loan.county)) {
      const key = `${region.code}|${year}`;
      const sum = lent.get(key) ?? { loans: 0, amount: 0 };
      lent.set(key, { loans: sum.loans + 1, amount: sum.amount + loan.amount });
    }
  }
  return [...lent].map(([key, sum]) => {
    const [regionCode, year] = key.split('|');
    const aim = 0.9 + rng.next() * 0.25;
    const date = year === profile.from.slice(0, 4) ? `${profile.from}-01` : `${year}-01-02`;
    return {
      date,
      regionCode,
      year: Number(year),
      loans: Math.max(1, Math.round(sum.loans * aim)),
      amount: Math.max(1, Math.round((sum.amount * aim) / 1_000_000)) * 1_000_000,
    };
  });
}

export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(`${m}-01` as BusinessDate, 1).slice(0, 7)) months.push(m);
  return months;
}
