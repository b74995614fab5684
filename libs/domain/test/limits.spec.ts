import {
  BorrowerEvent,
  FundEvent,
  MAX_COUNT,
  Quarter,
  SubsidyCommand,
  SubsidyEvent,
  TargetCommand,
  borrowerDecider,
  borrowerStream,
  fundDecider,
  fundStream,
  loanStream,
  subsidyDecider,
  subsidyStream,
  targetDecider,
  targetStream,
  yuan,
} from '../src';
import { DeciderSpecification } from './decider-spec';
import { date, money } from './fixtures';

describe('streams', () => {
  it('are named <category>-<id>, one name per aggregate', () => {
    expect([
      loanStream('L1'),
      borrowerStream('B1'),
      fundStream('GC-360721'),
      subsidyStream('ABC', '2011-Q1' as Quarter),
      targetStream('360700', 2011),
    ]).toEqual(['loan-L1', 'borrower-B1', 'fund-GC-360721', 'subsidy-ABC-2011-Q1', 'target-360700-2011']);
  });
});

describe('refusals that say what stands in the way', () => {
  it('name the loan a borrower already has open', () => {
    const opened: BorrowerEvent = { type: 'BorrowerLoanOpened', data: { borrowerId: 'B1', loanId: 'L1', openedOn: date('2011-01-05') } };
    const error = DeciderSpecification.for(borrowerDecider)([opened])
      .when({ type: 'OpenLoan', borrowerId: 'B1', loanId: 'L2' }, '2011-02-01')
      .thenRefuses('BORROWER.HAS_OPEN_LOAN');
    expect(error.details).toEqual({ openLoanId: 'L1' });
  });

  it("give a fund's exposure, balance and the amount asked for when its leverage would be exceeded", () => {
    const funded: FundEvent = {
      type: 'GuaranteeFundContributed',
      data: { fundId: 'F', source: 'county_finance', amount: yuan(10_000), reference: 'R', contributedOn: date('2011-01-02') },
    };
    const error = DeciderSpecification.for(fundDecider)([funded])
      .when({ type: 'ReserveExposure', fundId: 'F', loanId: 'L1', amount: yuan(50_001) }, '2011-01-05')
      .thenRefuses('FUND.LEVERAGE_EXCEEDED');
    expect(error.details).toEqual({ exposureFen: 0, balanceFen: yuan(10_000), requestedFen: yuan(50_001) });
  });
});

describe('annual targets, on the limits', () => {
  const given = DeciderSpecification.for(targetDecider);
  const set = (over: Partial<TargetCommand> = {}): TargetCommand => ({
    type: 'SetAnnualTarget',
    regionCode: '360700',
    year: 2011,
    loans: 3000,
    amount: yuan(150_000_000),
    ...over,
  });
  const targetSet = (year: number, loans: number, amount: number) => ({
    type: 'AnnualTargetSet' as const,
    data: { regionCode: '360700', year, loans, amount: yuan(amount), setOn: date('2011-01-02') },
  });

  it('takes the years 2000 to 2100, one loan up to the largest count, and refuses the year after', () => {
    given()
      .when(set({ year: 2000 }), '2011-01-02')
      .then([targetSet(2000, 3000, 150_000_000)]);
    given()
      .when(set({ year: 2100 }), '2011-01-02')
      .then([targetSet(2100, 3000, 150_000_000)]);
    given()
      .when(set({ year: 2101 }), '2011-01-02')
      .thenRefuses('TARGET.BAD_YEAR');
    given()
      .when(set({ loans: 1 }), '2011-01-02')
      .then([targetSet(2011, 1, 150_000_000)]);
    given()
      .when(set({ loans: MAX_COUNT }), '2011-01-02')
      .then([targetSet(2011, MAX_COUNT, 150_000_000)]);
  });

  it('revises a target whose amount alone changed', () => {
    given([targetSet(2011, 3000, 150_000_000)])
      .when(set({ amount: yuan(160_000_000) }), '2011-01-02')
      .then([targetSet(2011, 3000, 160_000_000)]);
  });
});

describe('interest subsidy, on the limits', () => {
  const given = DeciderSpecification.for(subsidyDecider);
  const quarter = '2011-Q1' as Quarter;
  const dueByLoan = { L2: { bankCode: 'ABC', central: money(2_500), local: money(7_500) } };
  const claim = (central: number, local: number): SubsidyCommand => ({
    type: 'ClaimSubsidy',
    claimId: 'C1',
    bankCode: 'ABC',
    quarter,
    items: [{ loanId: 'L2', central: money(central), local: money(local) }],
    dueByLoan,
  });
  const claimed = (central: number, local: number): SubsidyEvent => ({
    type: 'InterestSubsidyClaimed',
    data: {
      claimId: 'C1',
      bankCode: 'ABC',
      quarter,
      items: [{ loanId: 'L2', central: money(central), local: money(local) }],
      central: money(central),
      local: money(local),
      claimedOn: date('2011-04-05'),
      part: 1,
      parts: 1,
    },
  });
  const pay = (central: number, local: number): SubsidyCommand => ({
    type: 'PaySubsidy',
    claimId: 'C1',
    central: money(central),
    local: money(local),
  });

  it('claims one share alone, and refuses a negative share', () => {
    given()
      .when(claim(0, 7_500), '2011-04-05')
      .then([claimed(0, 7_500)]);
    given().when(claim(2_500, -1), '2011-04-05').thenRefuses('SUBSIDY.EXCEEDS_DUE');
  });

  it('pays one share alone, and refuses a negative share whatever the other', () => {
    const paid = (central: number, local: number): SubsidyEvent => ({
      type: 'InterestSubsidyPaid',
      data: { claimId: 'C1', bankCode: 'ABC', quarter, central: money(central), local: money(local), paidOn: date('2011-05-01') },
    });
    given([claimed(2_500, 7_500)])
      .when(pay(0, 7_500), '2011-05-01')
      .then([paid(0, 7_500)]);
    given([claimed(2_500, 7_500)])
      .when(pay(2_500, 0), '2011-05-01')
      .then([paid(2_500, 0)]);
    given([claimed(2_500, 7_500)])
      .when(pay(-1, 7_500), '2011-05-01')
      .thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
    given([claimed(2_500, 7_500)])
      .when(pay(2_500, -1), '2011-05-01')
      .thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
  });
});
