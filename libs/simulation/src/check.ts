import { BulletinRow } from '@app/projections';
import { ProvinceFigures, calibrationTargets } from './calibrate';
import { Calibration } from './profile';

export interface CalibrationLine {
  figure: string;
  expected: number;
  actual: number | null;
  tolerance: number;
  ok: boolean;
}

/** The province row's figures beside the calibration file's, each within the file's precision. */
export function checkCalibration(province: BulletinRow, calibration: Calibration): CalibrationLine[] {
  const { figures: expected, tolerance } = calibrationTargets(calibration);
  const c = province.disbursed.cumulative;
  const actual: ProvinceFigures = {
    disbursedAmount: c.amount,
    persons: c.persons,
    jobs: c.jobs,
    capital: province.fund.capital.cumulative,
    centralSubsidy: province.subsidy.central.cumulative,
    principalRepaid: province.principalRepaid.cumulative,
    maturedRecoveryBp: province.matured.recoveryRateBp,
    creditCommunityAmount: province.byCounterGuarantee.credit_community?.cumulative.amount ?? 0,
    categories: Object.fromEntries(
      Object.keys(expected.categories).map((k) => [
        k,
        { persons: province.byCategory[k]?.cumulative.persons ?? 0, amount: province.byCategory[k]?.cumulative.amount ?? 0 },
      ]),
    ),
  };
  const line = (figure: string, e: number, a: number | null, t: number) => ({
    figure,
    expected: e,
    actual: a,
    tolerance: t,
    ok: a !== null && Math.abs(a - e) <= t,
  });
  const lines: CalibrationLine[] = [];
  for (const key of Object.keys(expected) as Array<keyof ProvinceFigures>) {
    if (key === 'categories') continue;
    lines.push(line(key, expected[key] as number, actual[key] as number | null, tolerance[key]));
  }
  for (const [k, v] of Object.entries(expected.categories)) {
    lines.push(line(`${k}.persons`, v.persons, actual.categories[k].persons, 0));
    lines.push(line(`${k}.amount`, v.amount, actual.categories[k].amount, tolerance.categories));
  }
  return lines;
}
