import { Schema, arr, date, fen, int, map, nullable, num, obj, oneOf, str } from '../http/schema';

/** The answers of the assessment endpoints (see http/schema.ts). */
const INDICATORS = ['timeliness', 'completion', 'performing', 'recovery'];
const each = (s: Schema) => obj(Object.fromEntries(INDICATORS.map((i) => [i, s])));

export const UNIT_ASSESSMENT = obj({
  unitId: str,
  unitName: str,
  applications: nullable(int),
  decisions: int,
  decisionsWithinLimit: int,
  averageDaysToDecide: nullable(num),
  disbursements: int,
  lentFen: fen(),
  disbursementsWithinLimit: int,
  averageDaysToDisburse: nullable(num),
  targetFen: nullable(fen()),
  outstandingFen: fen(),
  overduePrincipalFen: fen(),
  overdueRateBp: nullable(int),
  maturedDisbursedFen: fen(),
  maturedRepaidFen: fen(),
  recoveryRateBp: nullable(int),
  indicatorsBp: each(nullable(int)),
  score: nullable(num),
  rank: nullable(int),
});

const UNITS = ['centre', 'branch', 'centre_staff', 'bank_staff'];
export const ASSESSMENT = obj({
  period: oneOf('week', 'month', 'year'),
  from: date,
  to: date,
  portfolioOn: date,
  weights: each(num),
  limits: obj({ decisionDays: int, disbursementDays: int }),
  units: {
    ...map(arr(UNIT_ASSESSMENT)),
    description: `Keyed by the kind of unit (${UNITS.join(', ')}), as the export's unit parameter names it`,
  },
});
