import { BusinessDate, DomainError, JIANGXI_POLICIES, Policy, benchmarkRate, policyInForce, policyProblems } from '../src';

const on = (d: string) => d as BusinessDate;
const [JX2002, JX2008] = JIANGXI_POLICIES;

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
  return 'no error';
};

describe('the policy in force', () => {
  it('is the latest one that took effect on or before the day, in whatever order the table lists them', () => {
    for (const table of [JIANGXI_POLICIES, [JX2008, JX2002]]) {
      expect(policyInForce(table, on('2007-12-31')).version).toBe('JX-2002');
      expect(policyInForce(table, on('2008-01-01')).version).toBe('JX-2008');
      expect(policyInForce(table, on('2011-06-30')).version).toBe('JX-2008');
    }
  });

  it('does not exist before the first policy took effect', () => {
    expect(codeOf(() => policyInForce(JIANGXI_POLICIES, on('2001-12-31')))).toBe('POLICY.NONE_IN_FORCE');
  });
});

describe('the benchmark lending rate', () => {
  it('is taken from the band of the term: up to 6 months, up to 12, beyond', () => {
    expect([6, 7, 12, 13].map((months) => benchmarkRate(JX2008, on('2011-03-01'), months))).toEqual([560, 606, 606, 610]);
  });

  it('is the one the central bank set last, from the day it was set', () => {
    expect(benchmarkRate(JX2008, on('2011-02-08'), 12)).toBe(581);
    expect(benchmarkRate(JX2008, on('2011-02-09'), 12)).toBe(606);
    const unordered = { ...JX2008, benchmarkRates: [...JX2008.benchmarkRates].reverse() };
    expect(benchmarkRate(unordered, on('2011-02-09'), 12)).toBe(606);
  });

  it("covers every day of Jiangxi's policies: the 1999 rates until February 2002", () => {
    expect([6, 12, 24].map((months) => benchmarkRate(JX2002, on('2002-01-04'), months))).toEqual([558, 585, 594]);
    expect(benchmarkRate(JX2002, on('2002-02-21'), 12)).toBe(531);
  });

  it('is refused for a day before any rate is configured', () => {
    expect(codeOf(() => benchmarkRate(JX2002, on('1999-06-09'), 12))).toBe('POLICY.NO_BENCHMARK_RATE');
  });
});

describe('a policy table loaded from configuration', () => {
  const valid = JX2008;
  const problemsOf = (change: Record<string, unknown>) => policyProblems([{ ...valid, ...change } as Policy]);

  it("has no problems as Jiangxi's table stands", () => {
    expect(policyProblems(JIANGXI_POLICIES)).toEqual([]);
  });

  it('needs at least one policy, each with its own version', () => {
    expect(policyProblems([])).toEqual(['there must be at least one policy']);
    expect(policyProblems([JX2008, { ...JX2002, version: JX2008.version }])).toEqual(['policy JX-2008: each policy needs its own version']);
    expect(problemsOf({ version: undefined })).toEqual(['policy (no version): each policy needs its own version']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an effective date that is not a date', { effectiveFrom: '2008-02-30' }, 'effectiveFrom must be YYYY-MM-DD'],
    ['a cap of nothing', { caps: { ...valid.caps, partnership: 0 } }, 'caps.partnership must be a whole number of fen above zero'],
    ['a cap in parts of a fen', { caps: { ...valid.caps, enterprise: 1.5 } }, 'caps.enterprise must be a whole number of fen above zero'],
    ['a missing cap', { caps: { individual: 1, partnership: 1, enterprise: 1 } }, 'caps.second_support must be a whole number'],
    ['a term of no months', { maxTermMonths: 0 }, 'maxTermMonths must be a whole number above zero'],
    ['no extension months', { maxExtensionMonths: 0 }, 'maxExtensionMonths must be a whole number above zero'],
    ['a leverage of nothing', { leverageMultiple: 0 }, 'leverageMultiple must be a whole number above zero'],
    ['a leverage above ten', { leverageMultiple: 11 }, 'leverageMultiple must be at most 10'],
    ['compensation after no days', { compensationAfterOverdueDays: 0 }, 'compensationAfterOverdueDays must be a whole number above zero'],
    ['second support for no jobs', { secondSupportMinJobs: 0.5 }, 'secondSupportMinJobs must be a whole number above zero'],
    ['a joint guarantee of no households', { jointGuaranteeMinHouseholds: -1 }, 'jointGuaranteeMinHouseholds must be a whole number'],
    ['a share above 100 %', { defaultCompensationShare: 10_001 }, 'defaultCompensationShare must be basis points between 0 and 10000'],
    ['a share below nothing', { enterpriseSubsidyCentralShare: -1 }, 'enterpriseSubsidyCentralShare must be basis points'],
    ['a share in parts of a basis point', { defaultCompensationShare: 80.5 }, 'defaultCompensationShare must be basis points'],
    ['no benchmark rates', { benchmarkRates: [] }, 'benchmarkRates must list dated rates in basis points'],
    ['benchmark rates missing', { benchmarkRates: undefined }, 'benchmarkRates must list dated rates'],
    [
      'an undated benchmark rate among dated ones',
      { benchmarkRates: [valid.benchmarkRates[0], { ...valid.benchmarkRates[1], from: '2011' }] },
      'benchmarkRates must list',
    ],
    ['a benchmark rate of nothing', { benchmarkRates: [{ ...valid.benchmarkRates[0], upTo36Months: 0 }] }, 'benchmarkRates must list'],
    [
      'benchmark rates that start after the policy',
      { benchmarkRates: [{ ...valid.benchmarkRates[0], from: '2008-02-01' }] },
      'benchmarkRates must have a rate in force on 2008-01-01, when the policy starts (the first is from 2008-02-01)',
    ],
  ])('names %s', (_, change, problem) => {
    expect(problemsOf(change)).toEqual([expect.stringContaining(`policy JX-2008: ${problem}`)]);
  });

  it('names every cap when there are none', () => {
    expect(problemsOf({ caps: undefined })).toEqual(
      ['individual', 'partnership', 'enterprise', 'second_support'].map(
        (kind) => `policy JX-2008: caps.${kind} must be a whole number of fen above zero`,
      ),
    );
  });

  it('accepts the limits themselves: a leverage of ten, shares of 0 and 100 %', () => {
    expect(problemsOf({ leverageMultiple: 10, defaultCompensationShare: 0, enterpriseSubsidyCentralShare: 10_000 })).toEqual([]);
  });
});
