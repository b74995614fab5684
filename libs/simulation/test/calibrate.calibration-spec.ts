import { JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme, RiskRegister } from '@app/programme';
import { MemoryTx, buildBulletin, bulletin, bulletinFactsFrom, toProjected } from '@app/projections';
import { JIANGXI, Profile, checkCalibration, simulate } from '../src';

/**
 * The Jiangxi profile at a tenth of its size, calibrated to a tenth of the province's figures,
 * run through the commands and read back from the bulletin. The full-size check is `npm run calibration`.
 */
const c = JIANGXI.calibration!;
const tenth = (n: number) => Math.round(n / 10);
const calibration = {
  ...c,
  province: {
    ...c.province,
    disbursedAmountYuan: tenth(c.province.disbursedAmountYuan),
    personsSupported: tenth(c.province.personsSupported),
    jobsCreated: tenth(c.province.jobsCreated),
    guaranteeFundContributedYuan: tenth(c.province.guaranteeFundContributedYuan),
    centralInterestSubsidyYuan: tenth(c.province.centralInterestSubsidyYuan),
    principalRecoveredYuan: tenth(c.province.principalRecoveredYuan),
    creditCommunityLoansYuan: tenth(c.province.creditCommunityLoansYuan),
  },
  categories: Object.fromEntries(
    Object.entries(c.categories).map(([k, v]) => [
      k,
      { personsSupported: tenth(v.personsSupported), disbursedAmountYuan: tenth(v.disbursedAmountYuan) },
    ]),
  ) as typeof c.categories,
  precision: { ...c.precision, amountYuan: 100_000 }, // a tenth of the real precision
};
// A tenth of the loans in a tenth of the counties (Nanchang's and Ganzhou's), so each fund still lends enough to be steady.
const counties = JIANGXI.counties.filter((c) => c.code.startsWith('3601') || c.code.startsWith('3607')).slice(0, 12);
const small: Profile = {
  ...JIANGXI,
  name: 'jiangxi-tenth',
  counties,
  loansPerYear: Object.fromEntries(Object.entries(JIANGXI.loansPerYear).map(([y, n]) => [y, n / 10])),
  calibration,
};

describe('a calibrated simulation', () => {
  it('reproduces every calibrated figure in the province row of the bulletin, through the commands', async () => {
    const reference = new ReferenceData(JIANGXI_REFERENCE);
    const store = new SqliteEventStore({ path: ':memory:' });
    const handler = new CommandHandler(store, { policies: JIANGXI_POLICIES, reference });
    const report = await simulate(new Programme(handler, undefined, RiskRegister.forSoleWriter(store)), small, 3);
    expect(report.refused).toEqual({});
    const facts = bulletinFactsFrom(await MemoryTx.fold(bulletin, (await store.readAll()).map(toProjected)), '2011-06');
    const province = buildBulletin(facts, reference, '2011-06').find((r) => r.level === 'province')!;
    const lines = checkCalibration(province, calibration);
    expect(lines.filter((l) => !l.ok)).toEqual([]);
    expect(lines.length).toBe(14);
    await store.close();
  }, 300_000);
});
