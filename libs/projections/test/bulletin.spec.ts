import {
  BusinessDate,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  LoanCommand,
  ReferenceData,
  SYSTEM_ACTOR,
  bp,
  loanDecider,
  loanStream,
  payoffOn,
  yuan,
} from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import {
  BulletinRow,
  MemoryTx,
  ProjectionRunner,
  SqliteReadStore,
  buildBulletin,
  bulletin,
  bulletinFactsFrom,
  loadBulletinFacts,
  toProjected,
} from '../src';

const reference = new ReferenceData(JIANGXI_REFERENCE);
const env = (commandId: string, businessDate: string) => ({ commandId, actor: SYSTEM_ACTOR, businessDate: businessDate as BusinessDate });
type Apply = Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'];
const application = (
  loanId: string,
  borrowerId: string,
  county: string,
  amountYuan: number,
  termMonths: number,
  over: Partial<Apply> = {},
): Apply => ({
  loanId,
  borrowerId,
  maskedIdNumber: 'x',
  categories: ['woman'],
  kind: 'individual',
  project: { name: '脐橙种植', industry: 'agriculture' },
  microProfit: true,
  amount: yuan(amountYuan),
  termMonths,
  countyCode: county,
  centreId: `GC-${county}`,
  branchId: `ABC-${county}`,
  counterGuarantee: { mode: 'third_party_guarantor' },
  personsSupported: 1,
  jobsPlanned: 3,
  ...over,
});

/**
 * Six loans in 赣县 (360721) and 信丰 (360722), both in 赣州 (360700): a loan repaid early, one overdue and
 * compensated, a second support, one repaid at maturity, one rejected and one partly repaid and overdue at
 * maturity. The expected figures for August 2011 are worked out by hand in the comments.
 */
async function history(store: SqliteEventStore) {
  const handler = new CommandHandler(store, { policies: JIANGXI_POLICIES, reference });
  const p = new Programme(handler);
  const loan = (id: string) => handler.load(loanStream(id), loanDecider);
  const run = async (id: string, amountYuan: number, date: string, disburseOn: string) => {
    await p.issueGuarantee(id, { guaranteedAmount: yuan(amountYuan), feeRate: bp(100), feePaidBy: 'finance' }, env(`g-${id}`, date));
    await p.disburse(
      id,
      {
        amount: yuan(amountYuan),
        contractRate: bp(600),
        repaymentMethod: 'interest_quarterly_principal_at_maturity',
        bankContractNo: id,
        borrowerFees: yuan(0),
      },
      env(`d-${id}`, disburseOn),
    );
  };
  const payOff = async (id: string, on: string) =>
    p.repay(id, { ...payoffOn((await loan(id)).state.account!, on as BusinessDate), borrowerFees: yuan(0) }, env(`off-${id}`, on));

  await p.contribute('GC-360721', { source: 'county_finance', amount: yuan(1_000_000), reference: 'r' }, env('f1', '2011-01-02'));
  await p.contribute('GC-360722', { source: 'county_finance', amount: yuan(400_000), reference: 'r' }, env('f2', '2011-01-02'));
  for (const [region, loans, amountYuan] of [
    ['360721', 10, 500_000],
    ['360722', 4, 160_000],
    ['360700', 20, 1_000_000],
  ] as const) {
    await p.setAnnualTarget(region, 2011, { loans, amount: yuan(amountYuan) }, env(`t-${region}`, '2011-01-02'));
  }
  await p.applyForLoan(application('A', 'PA', '360721', 50_000, 12), env('a-A', '2011-01-05'));
  await p.applyForLoan(
    application('B', 'PB', '360721', 50_000, 12, { categories: ['returning_migrant_worker'] }),
    env('a-B', '2011-01-05'),
  );
  await p.applyForLoan(
    application('C', 'PC', '360722', 50_000, 6, {
      categories: ['woman', 'college_graduate'],
      counterGuarantee: { mode: 'credit_community', creditCommunityId: 'CC-360722-01' },
    }),
    env('a-C', '2011-01-05'),
  );
  await p.applyForLoan(application('D', 'PD', '360722', 50_000, 12), env('a-D', '2011-01-05'));
  await p.reject('D', { reasonCode: 'INCOMPLETE_FILE' }, env('r-D', '2011-01-06'));
  for (const id of ['A', 'B', 'C']) await run(id, 50_000, '2011-01-08', '2011-01-10');
  await payOff('A', '2011-02-01'); // 22 days' interest 18,333, subsidised
  await p.repay('C', { principal: yuan(0), interest: 58_333 as never, borrowerFees: yuan(0) }, env('c-q1', '2011-03-20'));
  await p.markOverdue('B', { actor: SYSTEM_ACTOR, businessDate: '2011-03-21' as BusinessDate }); // interest only
  await p.applyForLoan(
    application('E', 'PA', '360721', 100_000, 12, { kind: 'second_support', previousLoanId: 'A', jobsPlanned: 8 }),
    env('a-E', '2011-03-01'),
  );
  await p.grantSecondSupport('E', 6, env('s-E', '2011-03-02'));
  await run('E', 100_000, '2011-03-05', '2011-03-10');
  await p.applyForLoan(application('F', 'PF', '360722', 30_000, 3), env('a-F', '2011-05-01'));
  await run('F', 30_000, '2011-05-10', '2011-05-15');
  await p.repay('F', { principal: yuan(20_000), interest: yuan(0), borrowerFees: yuan(0) }, env('f-1', '2011-06-10'));
  await p.payCompensation('B', env('comp-B', '2011-06-19')); // 80 % of 5,000,000 + 58,333 = 4,046,666
  await p.repay('C', { principal: yuan(0), interest: 76_667 as never, borrowerFees: yuan(0) }, env('c-q2', '2011-06-20'));
  await p.contribute('GC-360721', { source: 'deposit_interest', amount: yuan(5_000), reference: 'r' }, env('f3', '2011-06-21')); // earnings, not capital
  await payOff('C', '2011-07-10'); // at maturity: 19 days' interest 15,833
  await p.markOverdue('F', { actor: SYSTEM_ACTOR, businessDate: '2011-08-16' as BusinessDate }); // 10,000 yuan principal overdue
}

describe('the monthly bulletin, August 2011, checked against figures worked out by hand', () => {
  let rows: Map<string, BulletinRow>;
  let store: SqliteEventStore;
  beforeAll(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await history(store);
    const tx = await MemoryTx.fold(bulletin, (await store.readAll()).map(toProjected));
    rows = new Map(buildBulletin(bulletinFactsFrom(tx, '2011-08'), reference, '2011-08').map((r) => [r.regionCode, r]));
  });
  afterAll(async () => store.close());

  it('赣县: disbursements by kind and category, target completion, compensation and its fund', () => {
    const r = rows.get('360721')!;
    expect(r.disbursed.cumulative).toEqual({ loans: 3, amount: 20_000_000, persons: 3, jobs: 14 });
    expect(r.disbursed.yearToDate).toEqual(r.disbursed.cumulative);
    expect(r.disbursed.month).toEqual({ loans: 0, amount: 0, persons: 0, jobs: 0 });
    expect(r.byKind.individual.cumulative).toMatchObject({ loans: 2, amount: 10_000_000 });
    expect(r.byKind.second_support.cumulative).toMatchObject({ loans: 1, amount: 10_000_000 });
    expect(r.byCategory.woman.cumulative).toMatchObject({ loans: 2, amount: 15_000_000 });
    expect(r.byCategory.returning_migrant_worker.cumulative).toMatchObject({ loans: 1, amount: 5_000_000 });
    expect(r.target).toEqual({
      loans: 10,
      amount: 50_000_000,
      completionLoansBp: 3000,
      completionAmountBp: 4000,
      timePaceBp: 6667,
      rank: 2,
      rankChange: 0,
    });
    expect([r.outstanding, r.overduePrincipal, r.overdueRateBp]).toEqual([10_000_000, 0, 0]);
    expect(r.matured).toEqual({ disbursed: 0, repaid: 0, recoveryRateBp: null });
    expect(r.compensation.paid).toEqual({ month: 0, yearToDate: 4_046_666, cumulative: 4_046_666 });
    // 100,000,000 capital + 500,000 interest − 4,046,666 compensation; only E's 10,000,000 guarantee is outstanding
    expect(r.fund).toEqual({
      capital: { month: 0, yearToDate: 100_000_000, cumulative: 100_000_000 },
      balance: 96_453_334,
      guaranteesOutstanding: 10_000_000,
      leverageBp: 1037,
    });
    expect(r.principalRepaid).toEqual({ month: 0, yearToDate: 5_000_000, cumulative: 5_000_000 }); // A paid off in February
    expect(r.subsidy.central.cumulative).toBe(18_333);
  });

  it("信丰: matured loans' recovery rate, the overdue rate and the subsidy", () => {
    const r = rows.get('360722')!;
    expect(r.disbursed.cumulative).toEqual({ loans: 2, amount: 8_000_000, persons: 2, jobs: 6 });
    expect(r.byCategory.college_graduate.cumulative).toMatchObject({ loans: 1, amount: 5_000_000 });
    expect([r.outstanding, r.overduePrincipal, r.overdueRateBp]).toEqual([1_000_000, 1_000_000, 10_000]);
    // matured by August: C 5,000,000 repaid in full, F 3,000,000 of which 2,000,000 repaid → 7/8
    expect(r.matured).toEqual({ disbursed: 8_000_000, repaid: 7_000_000, recoveryRateBp: 8750 });
    expect(r.target).toMatchObject({ completionLoansBp: 5000, completionAmountBp: 5000, rank: 1, rankChange: 0 });
    expect(r.subsidy.central).toEqual({ month: 0, yearToDate: 150_833, cumulative: 150_833 }); // 58,333 + 76,667 + 15,833
    expect(r.fund).toMatchObject({ balance: 40_000_000, guaranteesOutstanding: 3_000_000, leverageBp: 750 });
    expect(r.principalRepaid.cumulative).toBe(7_000_000); // F 2,000,000 in June, C 5,000,000 in July
    expect(r.byCounterGuarantee.credit_community.cumulative).toEqual({ loans: 1, amount: 5_000_000, persons: 1, jobs: 3 });
    expect(r.byCounterGuarantee.third_party_guarantor.cumulative).toMatchObject({ loans: 1, amount: 3_000_000 });
  });

  it('赣州 and the province add up their counties', () => {
    const city = rows.get('360700')!;
    expect(city.disbursed.cumulative).toEqual({ loans: 5, amount: 28_000_000, persons: 5, jobs: 20 });
    expect([city.outstanding, city.overduePrincipal, city.overdueRateBp]).toEqual([11_000_000, 1_000_000, 909]);
    expect(city.matured.recoveryRateBp).toBe(8750);
    expect(city.target).toMatchObject({ completionLoansBp: 2500, completionAmountBp: 2800, rank: 1 });
    expect(city.fund).toEqual({
      capital: { month: 0, yearToDate: 140_000_000, cumulative: 140_000_000 },
      balance: 136_453_334,
      guaranteesOutstanding: 13_000_000,
      leverageBp: 953,
    });
    expect(city.principalRepaid.cumulative).toBe(12_000_000);
    const province = rows.get('360000')!;
    expect(province.disbursed.cumulative).toEqual(city.disbursed.cumulative);
    expect(province.target).toBeNull();
    expect(rows.get('360100')!.disbursed.cumulative.loans).toBe(0);
  });

  it("a month earlier shows the month's own disbursements and the stocks at that month's end", async () => {
    const tx = await MemoryTx.fold(bulletin, (await store.readAll()).map(toProjected));
    const may = new Map(buildBulletin(bulletinFactsFrom(tx, '2011-05'), reference, '2011-05').map((r) => [r.regionCode, r]));
    expect(may.get('360722')!.disbursed.month).toEqual({ loans: 1, amount: 3_000_000, persons: 1, jobs: 3 });
    expect(may.get('360722')!.outstanding).toBe(8_000_000);
    expect(may.get('360721')!.compensation.paid.cumulative).toBe(0);
  });

  it('reads the same bulletin from the SQL read store as from the fold', async () => {
    const readStore = new SqliteReadStore(':memory:'); // and on PostgreSQL in runner.spec.ts
    const runner = new ProjectionRunner(store, readStore, [bulletin]);
    await runner.start();
    await runner.stop();
    const fromSql = buildBulletin(await loadBulletinFacts(readStore, '2011-08'), reference, '2011-08');
    expect(fromSql).toEqual([...rows.values()]);
    await readStore.close();
  });
});
