import { bp, yuan } from '../shared/money';
import { BusinessDate } from '../shared/dates';
import { BenchmarkRates, Policy } from './policy';

const d = (s: string) => s as BusinessDate;

/**
 * People's Bank of China benchmark lending rates (≤ 6 months, 6–12 months, 1–3 years) in force from 2002 to
 * 2011: the rates set on 10 June 1999 held until 21 February 2002, so they price the programme's first weeks.
 */
const PBOC_RATES: BenchmarkRates[] = [
  ['1999-06-10', 558, 585, 594],
  ['2002-02-21', 504, 531, 549],
  ['2004-10-29', 522, 558, 576],
  ['2006-04-28', 540, 585, 603],
  ['2006-08-19', 558, 612, 630],
  ['2007-03-18', 567, 639, 657],
  ['2007-05-19', 585, 657, 675],
  ['2007-07-21', 603, 684, 702],
  ['2007-08-22', 621, 702, 720],
  ['2007-09-15', 648, 729, 747],
  ['2008-09-16', 621, 720, 729],
  ['2008-10-09', 612, 693, 702],
  ['2008-10-30', 603, 666, 675],
  ['2008-11-27', 504, 558, 567],
  ['2008-12-23', 486, 531, 540],
  ['2010-10-20', 510, 556, 560],
  ['2010-12-26', 535, 581, 585],
  ['2011-02-09', 560, 606, 610],
  ['2011-04-06', 585, 631, 640],
  ['2011-07-07', 610, 656, 665],
].map(([from, a, b, c]) => ({
  from: d(from as string),
  upTo6Months: bp(a as number),
  upTo12Months: bp(b as number),
  upTo36Months: bp(c as number),
}));

const common = {
  maxTermMonths: 24,
  maxExtensionMonths: 12,
  leverageMultiple: 5,
  compensationAfterOverdueDays: 90,
  defaultCompensationShare: bp(8000),
  secondSupportMinJobs: 5,
  maxIndividualMarkup: bp(300),
  maxGuaranteeFeeRate: bp(100),
  enterpriseSubsidyPrincipalCap: yuan(2_000_000),
  enterpriseSubsidyCentralShare: bp(2500),
  jointGuaranteeMinHouseholds: 3,
  stepDeadlineDays: { review: 5, investigation: 10, guarantee: 5, bankAnswer: 21 },
  // A guarantor (often a public employee) stands behind one borrower at a time; one refusal elsewhere is worth a look.
  risk: { maxOpenLoansPerGuarantor: 1, refusalsElsewhere: 1 },
  benchmarkRates: PBOC_RATES,
};

/** Jiangxi's programme: the pilot's 20,000-yuan individual cap, then the 2008 caps. */
export const JIANGXI_POLICIES: readonly Policy[] = [
  {
    ...common,
    version: 'JX-2002',
    effectiveFrom: d('2002-01-01'),
    caps: { individual: yuan(20_000), partnership: yuan(200_000), enterprise: yuan(2_000_000), second_support: yuan(300_000) },
  },
  {
    ...common,
    version: 'JX-2008',
    effectiveFrom: d('2008-01-01'),
    caps: { individual: yuan(50_000), partnership: yuan(200_000), enterprise: yuan(2_000_000), second_support: yuan(300_000) },
  },
];
