import { isBusinessDate } from '../shared/dates';
import { LOAN_KINDS, Policy } from './policy';

export const MAX_LEVERAGE_MULTIPLE = 10;

/** Problems with a policy table loaded from configuration; empty when it can be used. */
export function policyProblems(policies: readonly Policy[]): string[] {
  const out: string[] = [];
  if (!policies.length) out.push('there must be at least one policy');
  const versions = new Set<string>();
  for (const p of policies) {
    const at = `policy ${p.version ?? '(no version)'}`;
    if (!p.version || versions.has(p.version)) out.push(`${at}: each policy needs its own version`);
    versions.add(p.version);
    if (!isBusinessDate(p.effectiveFrom)) out.push(`${at}: effectiveFrom must be YYYY-MM-DD`);
    for (const kind of LOAN_KINDS)
      if (!isWholePositive(p.caps?.[kind])) out.push(`${at}: caps.${kind} must be a whole number of fen above zero`);
    for (const key of [
      'maxTermMonths',
      'maxExtensionMonths',
      'leverageMultiple',
      'compensationAfterOverdueDays',
      'secondSupportMinJobs',
      'jointGuaranteeMinHouseholds',
    ] as const) {
      if (!isWholePositive(p[key])) out.push(`${at}: ${key} must be a whole number above zero`);
    }
    for (const key of ['maxOpenLoansPerGuarantor', 'refusalsElsewhere'] as const)
      if (!isWholePositive(p.risk?.[key])) out.push(`${at}: risk.${key} must be a whole number above zero`);
    // National rules let a fund stand behind at most ten times its balance; more is a typing error.
    if (isWholePositive(p.leverageMultiple) && p.leverageMultiple > MAX_LEVERAGE_MULTIPLE)
      out.push(`${at}: leverageMultiple must be at most ${MAX_LEVERAGE_MULTIPLE}`);
    for (const key of ['defaultCompensationShare', 'enterpriseSubsidyCentralShare'] as const) {
      if (!Number.isInteger(p[key]) || p[key] < 0 || p[key] > 10_000) out.push(`${at}: ${key} must be basis points between 0 and 10000`);
    }
    if (
      !p.benchmarkRates?.length ||
      p.benchmarkRates.some((r) => !isBusinessDate(r.from) || ![r.upTo6Months, r.upTo12Months, r.upTo36Months].every(isWholePositive))
    ) {
      out.push(`${at}: benchmarkRates must list dated rates in basis points`);
    } else if (isBusinessDate(p.effectiveFrom) && !p.benchmarkRates.some((r) => r.from <= p.effectiveFrom)) {
      // Else no loan could be paid out from the policy's first day until the first rate.
      const first = p.benchmarkRates.map((r) => r.from).sort()[0];
      out.push(
        `${at}: benchmarkRates must have a rate in force on ${p.effectiveFrom}, when the policy starts (the first is from ${first})`,
      );
    }
  }
  return out;
}

const isWholePositive = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
