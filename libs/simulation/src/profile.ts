import { BorrowerCategory, LoanKind } from '@app/domain';

/** The shape of a programme to simulate: when, where, how much, and how loans end. */
export interface Profile {
  name: string;
  from: string; // YYYY-MM: the first month of lending
  to: string; // YYYY-MM: the last month simulated
  /** New loans in the first year; later years multiply by growth. */
  firstYearLoans: number;
  yearlyGrowth: number;
  /** Counties that lend, by weight; a county starts lending in `startYear` (the pilot, then province-wide). */
  counties: Array<{ code: string; weight: number; startYear: number }>;
  banks: string[];
  kinds: Record<LoanKind, number>;
  categories: Record<BorrowerCategory, number>;
  /** Amount in yuan by kind: [min, max] (a multiple of 1,000). */
  amounts: Record<LoanKind, [number, number]>;
  terms: number[];
  microProfit: number;
  equalInstalments: number;
  /** How loans end: on time, late but paid, or defaulted (compensated, partly recovered, written off). */
  outcomes: { onTime: number; late: number; defaulted: number };
  recoveredShareOfDefaults: number;
  secondSupport: number;
  /** Fund contributions keep each fund's guarantees at this multiple of its balance or below. */
  targetLeverage: number;
}

export const SMALL: Profile = {
  name: 'small',
  from: '2010-01',
  to: '2011-12',
  firstYearLoans: 60,
  yearlyGrowth: 1.5,
  counties: [{ code: '360721', weight: 3, startYear: 2010 }, { code: '360722', weight: 2, startYear: 2010 }, { code: '360102', weight: 2, startYear: 2011 }],
  banks: ['ABC', 'RCC', 'PSBC'],
  kinds: { individual: 80, partnership: 10, enterprise: 5, second_support: 0 },
  categories: { returning_migrant_worker: 20, college_graduate: 2, woman: 25, laid_off_unemployed: 35, disabled: 3, demobilised_soldier: 5, other: 10 },
  amounts: { individual: [20_000, 50_000], partnership: [60_000, 200_000], enterprise: [300_000, 1_000_000], second_support: [100_000, 300_000] },
  terms: [12, 24],
  microProfit: 0.8,
  equalInstalments: 0.3,
  outcomes: { onTime: 0.9, late: 0.07, defaulted: 0.03 },
  recoveredShareOfDefaults: 0.4,
  secondSupport: 0.15,
  targetLeverage: 4,
};

export const PROFILES: Record<string, Profile> = { small: SMALL };
