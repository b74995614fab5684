import { BorrowerCategory, CounterGuaranteeMode, JIANGXI_REFERENCE, LoanKind } from '@app/domain';
import calibration from '../calibration/jiangxi-2011-06.json';

type Weights<K extends string | number> = Record<K, number>;

/** Cumulative figures a simulated history must reproduce in its province bulletin row (see calibrate.ts). */
export type Calibration = typeof calibration;

/** The shape of a programme to simulate: when, where, how much, and how loans end. */
export interface Profile {
  name: string;
  from: string; // YYYY-MM: the first month of lending
  to: string; // YYYY-MM: the last month simulated
  /** First loans (not second support) per year, spread evenly over that year's simulated months. */
  loansPerYear: Record<number, number>;
  /** Counties that lend, by weight, from `startYear`. */
  counties: Array<{ code: string; weight: number; startYear: number }>;
  /** Before this year only the province's centre lends (the pilot); from it, county, city and zone centres. */
  provinceWideFrom: number;
  /** Which centre takes a loan: the county's, the city's, or one of the city's development-zone centres. */
  centres: Weights<'county' | 'city' | 'zone'>;
  banks: string[];
  kinds: Weights<Exclude<LoanKind, 'second_support'>>;
  categories: Weights<BorrowerCategory>;
  /** Amount as a share of the cap in force [min, max], rounded to 1,000 yuan. */
  amountShares: Record<LoanKind, [number, number]>;
  /** People directly supported per loan [min, max]; jobs are these plus [min, max] more. */
  persons: Record<LoanKind, [number, number]>;
  extraJobs: Record<LoanKind, [number, number]>;
  terms: Weights<number>;
  counterGuarantees: Weights<CounterGuaranteeMode>;
  creditCommunities: number;
  microProfit: number;
  equalInstalments: number;
  /** Points above the benchmark rate for individuals, in basis points, by weight. */
  markups: Weights<number>;
  /** How loans end: on time, late but paid, or defaulted (compensated, partly recovered, written off). */
  outcomes: Weights<'onTime' | 'late' | 'defaulted'>;
  recoveredShareOfDefaults: number;
  /** The share of first loans repaid on time whose borrower comes back for second support. */
  secondSupport: number;
  /** Finance tops funds up monthly to keep guarantees within this multiple of the balance. */
  targetLeverage: number;
  guaranteeFeeRateBp: number;
  depositRateBp: number;
  /** When given, the plan is adjusted so that the bulletin reproduces these figures (calibrate.ts). */
  calibration?: Calibration;
}

export const SMALL: Profile = {
  name: 'small',
  from: '2010-01',
  to: '2011-12',
  loansPerYear: { 2010: 60, 2011: 90 },
  counties: [
    { code: '360721', weight: 3, startYear: 2010 },
    { code: '360722', weight: 2, startYear: 2010 },
    { code: '360102', weight: 2, startYear: 2011 },
  ],
  provinceWideFrom: 2010,
  centres: { county: 1, city: 0, zone: 0 },
  banks: ['ABC', 'RCC', 'PSBC'],
  kinds: { individual: 80, partnership: 10, enterprise: 5 },
  categories: {
    returning_migrant_worker: 20,
    college_graduate: 2,
    woman: 25,
    laid_off_unemployed: 35,
    disabled: 3,
    demobilised_soldier: 5,
    other: 10,
  },
  amountShares: { individual: [0.4, 1], partnership: [0.3, 1], enterprise: [0.15, 0.5], second_support: [0.3, 1] },
  persons: { individual: [1, 1], partnership: [2, 5], enterprise: [10, 60], second_support: [1, 1] },
  extraJobs: { individual: [1, 4], partnership: [1, 4], enterprise: [1, 4], second_support: [1, 4] },
  terms: { 6: 1, 12: 2, 24: 1 },
  counterGuarantees: { third_party_guarantor: 6, mortgage_or_pledge: 1, joint_households: 1, credit_community: 1 },
  creditCommunities: 5,
  microProfit: 0.8,
  equalInstalments: 0.3,
  markups: { 0: 1, 100: 1, 200: 1, 300: 1 },
  outcomes: { onTime: 0.9, late: 0.07, defaulted: 0.03 },
  recoveredShareOfDefaults: 0.4,
  secondSupport: 0.3,
  targetLeverage: 4,
  guaranteeFeeRateBp: 100,
  depositRateBp: 250,
};

const JIANGXI_COUNTIES = JIANGXI_REFERENCE.regions.filter((r) => r.level === 'county');

/**
 * Jiangxi 2002–2011: the pilot in Nanchang in the second half of 2002, every county from 2003, lending
 * growing by about 75 % a year to 2010, calibrated to the province's figures at 2011-06-30.
 */
export const JIANGXI: Profile = {
  name: 'jiangxi-2002-2011',
  from: '2002-07',
  to: '2011-06',
  loansPerYear: {
    2002: 400,
    2003: 1_800,
    2004: 3_300,
    2005: 5_900,
    2006: 10_500,
    2007: 18_500,
    2008: 33_000,
    2009: 56_000,
    2010: 76_000,
    2011: 38_000,
  },
  counties: JIANGXI_COUNTIES.map((c) => ({
    code: c.code,
    // Bigger weights for city districts and county-level cities; a spread from the code for the rest.
    weight: c.code.slice(4, 5) === '0' || c.code.slice(4, 5) === '8' ? 3 : 1 + (Number(c.code.slice(4)) % 3),
    startYear: c.parent === '360100' ? 2002 : 2003,
  })),
  provinceWideFrom: 2003,
  centres: { county: 90, city: 8, zone: 2 },
  banks: ['ABC', 'RCC', 'PSBC', 'ICBC', 'CCB', 'BOC'],
  kinds: { individual: 80, partnership: 18, enterprise: 1 },
  categories: {
    returning_migrant_worker: 19,
    college_graduate: 1,
    woman: 25,
    laid_off_unemployed: 40,
    disabled: 3,
    demobilised_soldier: 5,
    other: 7,
  },
  amountShares: { individual: [0.6, 1], partnership: [0.7, 1], enterprise: [0.1, 0.5], second_support: [0.3, 1] },
  persons: { individual: [1, 1], partnership: [2, 4], enterprise: [1, 3], second_support: [1, 1] },
  extraJobs: { individual: [1, 3], partnership: [1, 4], enterprise: [20, 80], second_support: [3, 8] },
  terms: { 6: 5, 12: 14, 24: 1 },
  counterGuarantees: { third_party_guarantor: 70, mortgage_or_pledge: 8, joint_households: 20, credit_community: 2 },
  creditCommunities: 300,
  microProfit: 0.95,
  equalInstalments: 0.05,
  markups: { 200: 1, 300: 19 },
  outcomes: { onTime: 0.985, late: 0.01, defaulted: 0.005 },
  recoveredShareOfDefaults: 0.4,
  secondSupport: 0.1,
  targetLeverage: 5,
  guaranteeFeeRateBp: 100,
  depositRateBp: 300,
  calibration,
};

export const PROFILES: Record<string, Profile> = { small: SMALL, [JIANGXI.name]: JIANGXI };
