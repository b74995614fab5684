import { BasisPoints, Fen } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { broken } from '../shared/errors';

export type LoanKind = 'individual' | 'partnership' | 'enterprise' | 'second_support';
export const LOAN_KINDS: readonly LoanKind[] = ['individual', 'partnership', 'enterprise', 'second_support'];

/** The central bank's benchmark lending rates in force from a date, by term band. */
export interface BenchmarkRates {
  from: BusinessDate;
  upTo6Months: BasisPoints;
  upTo12Months: BasisPoints;
  upTo36Months: BasisPoints;
}

/** Every number the rules use, as configuration with an effective date; its version is recorded on events. */
export interface Policy {
  version: string;
  effectiveFrom: BusinessDate;
  caps: Record<LoanKind, Fen>;
  maxTermMonths: number;
  maxExtensionMonths: number;
  leverageMultiple: number;
  compensationAfterOverdueDays: number;
  /** The fund's share of a loss, unless the fund's own agreement says otherwise. */
  defaultCompensationShare: BasisPoints;
  secondSupportMinJobs: number;
  /** Most a contract rate may exceed the benchmark for individual borrowers. */
  maxIndividualMarkup: BasisPoints;
  maxGuaranteeFeeRate: BasisPoints;
  /** Principal on which enterprise loans get full subsidy. */
  enterpriseSubsidyPrincipalCap: Fen;
  enterpriseSubsidyCentralShare: BasisPoints;
  jointGuaranteeMinHouseholds: number;
  /** 限时办结: days allowed for each step, for the deadline report. */
  stepDeadlineDays: { review: number; investigation: number; guarantee: number; bankAnswer: number };
  /** Risk control: a guarantor may stand behind this many open loans; refusals at other centres that flag an application. */
  risk: { maxOpenLoansPerGuarantor: number; refusalsElsewhere: number };
  benchmarkRates: BenchmarkRates[];
}

/** The policy in force on a date: the latest one whose effective date is on or before it. */
export function policyInForce(policies: readonly Policy[], on: BusinessDate): Policy {
  let found: Policy | undefined;
  for (const p of policies) if (p.effectiveFrom <= on && (!found || p.effectiveFrom > found.effectiveFrom)) found = p;
  if (!found) throw broken('POLICY.NONE_IN_FORCE', `No programme policy was in force on ${on}.`);
  return found;
}

export function benchmarkRate(policy: Policy, on: BusinessDate, termMonths: number): BasisPoints {
  let table: BenchmarkRates | undefined;
  for (const t of policy.benchmarkRates) if (t.from <= on && (!table || t.from > table.from)) table = t;
  if (!table) throw broken('POLICY.NO_BENCHMARK_RATE', `No benchmark lending rate is configured for ${on}.`);
  if (termMonths <= 6) return table.upTo6Months;
  return termMonths <= 12 ? table.upTo12Months : table.upTo36Months;
}
