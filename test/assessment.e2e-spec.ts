import ExcelJS from 'exceljs';
import { Api, application, caughtUp, contribution, disbursement, guarantee, startApi } from './support/api';
import { BANK_ABC, CLERK, OPERATOR, PROVINCE_OFFICE, as } from './support/auth';
import { today } from '../apps/api/src/config';

const CLERK_2 = as('clerk-02', 'centre_clerk', 'GC-360721');
const BANK_2 = as('bank-02', 'bank_clerk', 'ABC-360721');

/**
 * 绩效考核 through the API: two centre officers and two bank clerks of one county handle three loans; the
 * assessment scores and ranks the centre, the branch and each of them, and changes its ranking when the
 * loans they handled mature, one repaid and one not.
 */
describe('performance assessment', () => {
  let api: Api;
  let a: string;
  let b: string;

  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    // 365,000 yuan for 2011: 31,000 yuan pro rata for January.
    await api.put('/targets/360721/2011', { loans: 10, amountFen: 36_500_000, businessDate: '2011-01-02' }, PROVINCE_OFFICE);
    a = (await api.post('/loans', application(1), CLERK)).body.loanId;
    b = (await api.post('/loans', application(2), CLERK)).body.loanId;
    const c = (await api.post('/loans', application(3, { businessDate: '2011-01-06' }), CLERK)).body.loanId;
    await api.post(`/loans/${a}/guarantee`, guarantee(5_000_000, '2011-01-08'), CLERK); // 3 days
    await api.post(`/loans/${a}/disbursement`, disbursement('2011-01-10'), BANK_ABC); // 2 days
    await api.post(`/loans/${c}/rejection`, { reasonCode: 'FALSE_DOCUMENTS', businessDate: '2011-01-20' }, CLERK_2); // 14 days
    await api.post(`/loans/${b}/guarantee`, guarantee(5_000_000, '2011-01-31'), CLERK_2); // 26 days: past the 20-day limit
    await api.post(`/loans/${b}/disbursement`, disbursement('2011-02-03'), BANK_2);
    await caughtUp(api);
  });
  afterAll(() => api.stop());

  const byUnit = (units: Array<{ unitId: string }>) => Object.fromEntries(units.map((u) => [u.unitId, u]));

  it("scores a month: the steps handled and their days, lending against the target, the portfolio at the month's end", async () => {
    const res = await api.get('/assessment?period=month&date=2011-01-15', PROVINCE_OFFICE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      period: 'month',
      from: '2011-01-01',
      to: '2011-01-31',
      limits: { decisionDays: 20, disbursementDays: 21 },
    });
    expect(res.body.units.centre).toEqual([
      {
        unitId: 'GC-360721',
        unitName: '赣县小额担保贷款担保中心',
        applications: 3,
        decisions: 3,
        decisionsWithinLimit: 2,
        averageDaysToDecide: 14.3,
        disbursements: 1,
        lentFen: 5_000_000,
        disbursementsWithinLimit: 1,
        averageDaysToDisburse: 2,
        targetFen: 3_100_000,
        outstandingFen: 5_000_000,
        overduePrincipalFen: 0,
        overdueRateBp: 0,
        maturedDisbursedFen: 0,
        maturedRepaidFen: 0,
        recoveryRateBp: null,
        indicatorsBp: { timeliness: 6_667, completion: 10_000, performing: 10_000, recovery: null },
        // (6,667 × 40 + 10,000 × 30 + 10,000 × 15) ÷ 85, the recovery rate's weight left out
        score: 84.32,
        rank: 1,
      },
    ]);
    const officers = byUnit(res.body.units.centre_staff);
    expect(officers['clerk-01']).toMatchObject({ decisions: 1, decisionsWithinLimit: 1, outstandingFen: 5_000_000, score: 100, rank: 1 });
    // Loan B is clerk-02's from its guarantee, but not paid out in January: nothing outstanding yet.
    expect(officers['clerk-02']).toMatchObject({ decisions: 2, decisionsWithinLimit: 1, outstandingFen: 0, score: 50, rank: 2 });
    expect(res.body.units.bank_staff).toEqual([expect.objectContaining({ unitId: 'bank-01', disbursements: 1, score: 100, rank: 1 })]);
    expect(res.body.units.branch).toEqual([expect.objectContaining({ unitId: 'ABC-360721', unitName: '中国农业银行赣县支行' })]);
  });

  it('ranks again when the loans mature: the officer whose loan was repaid comes first, whatever the weights', async () => {
    const quote = (await api.get(`/loans/${b}/payoff-quote?date=2012-02-03`)).body;
    const repaid = await api.post(
      `/loans/${b}/repayments`,
      { principalFen: quote.principalFen, interestFen: quote.interestFen, businessDate: '2012-02-03' },
      BANK_2,
    );
    expect(repaid.status).toBe(200);
    await api.post('/operations/day-end', { businessDate: '2012-02-10' }, OPERATOR); // A matured on 10 January unpaid
    await caughtUp(api);
    const year = (await api.get('/assessment?period=year&date=2012-06-30', PROVINCE_OFFICE)).body;
    const officers = byUnit(year.units.centre_staff);
    expect(officers['clerk-02']).toMatchObject({
      maturedDisbursedFen: 5_000_000,
      maturedRepaidFen: 5_000_000,
      recoveryRateBp: 10_000,
      score: 100,
      rank: 1,
    });
    expect(officers['clerk-01']).toMatchObject({
      overduePrincipalFen: 5_000_000,
      overdueRateBp: 10_000,
      recoveryRateBp: 0,
      score: 0,
      rank: 2,
    });
    expect(year.units.centre[0]).toMatchObject({ maturedDisbursedFen: 10_000_000, maturedRepaidFen: 5_000_000, recoveryRateBp: 5_000 });
    // Weights are the caller's: on timeliness alone 2012 has no steps to judge, so no one is scored.
    const timelinessOnly = (await api.get('/assessment?period=year&date=2012-06-30&weights=timeliness:1', PROVINCE_OFFICE)).body;
    expect(timelinessOnly.units.centre_staff.map((u: { score: number | null }) => u.score)).toEqual([null, null]);
  });

  it('a week runs Monday to Sunday; the portfolio is as it stood at its end', async () => {
    const week = (await api.get('/assessment?period=week&date=2011-01-12', PROVINCE_OFFICE)).body;
    expect([week.from, week.to]).toEqual(['2011-01-10', '2011-01-16']);
    expect(byUnit(week.units.bank_staff)['bank-01']).toMatchObject({ disbursements: 1, lentFen: 5_000_000, outstandingFen: 5_000_000 });
    expect(byUnit(week.units.centre_staff)['clerk-02']).toBeUndefined();
  });

  it('takes the portfolio at the end of a period that is over, and today in one still running', async () => {
    expect((await api.get('/assessment?period=month&date=2011-01-15', PROVINCE_OFFICE)).body.portfolioOn).toBe('2011-01-31');
    const now = today('Asia/Shanghai');
    const current = (await api.get(`/assessment?period=year&date=${now}`, PROVINCE_OFFICE)).body;
    expect([current.from, current.portfolioOn]).toEqual([`${now.slice(0, 4)}-01-01`, now]);
  });

  it('exports a ranking as the 台账 staff keep, in words and yuan', async () => {
    const res = await api.raw('/exports/assessment?period=month&date=2011-01-31&unit=centre&format=xlsx', { headers: PROVINCE_OFFICE });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as never);
    const sheet = book.worksheets[0];
    expect(sheet.getCell(1, 1).value).toBe('担保中心绩效考核表');
    expect(String(sheet.getCell(2, 1).value)).toContain('2011-01-01 至 2011-01-31');
    const header = (sheet.getRow(3).values as unknown[]).slice(1);
    const row = (sheet.getRow(4).values as unknown[]).slice(1);
    const cell = (label: string) => row[header.indexOf(label)];
    expect(cell('担保中心')).toBe('赣县小额担保贷款担保中心');
    expect([cell('排名'), cell('综合得分'), cell('发放金额(元)'), cell('期间目标(元)'), cell('限时办结率')]).toEqual([
      1,
      '84.32',
      50_000,
      31_000,
      0.6667,
    ]);
    const csv = await (
      await api.raw('/exports/assessment?period=month&date=2011-01-31&unit=centre_staff', { headers: PROVINCE_OFFICE })
    ).text();
    expect(csv.split('\r\n')[0]).toContain('担保中心经办人');
    expect(csv).toContain('clerk-02');
  });

  it('refuses a period, date or weights it cannot read, and anyone the assessment is not for', async () => {
    for (const query of [
      'period=quarter&date=2011-01-31',
      'period=month&date=2011-02-30',
      'period=month&date=2011-01-31&weights=speed:1',
      'period=month&date=2011-01-31&weights=recovery:0',
    ]) {
      const res = await api.get(`/assessment?${query}`, PROVINCE_OFFICE);
      expect([res.status, res.body.code]).toEqual([400, 'REQUEST.INVALID']);
    }
    expect((await api.get('/assessment?period=month&date=2011-01-31', CLERK)).status).toBe(403);
  });
});
