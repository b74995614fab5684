import { Quarter, SubsidyCommand, SubsidyEvent, SubsidyItem, subsidyDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date, money } from './fixtures';

const given = DeciderSpecification.for(subsidyDecider);
const quarter = '2011-Q1' as Quarter;
/** What the loans' repayments made due in the quarter, as the handler reads it from the loan streams. */
const dueByLoan = {
  L1: { bankCode: 'ABC', central: money(58_333), local: money(0) },
  L2: { bankCode: 'ABC', central: money(2_500), local: money(7_500) },
  L3: { bankCode: 'CCB', central: money(100), local: money(0) },
};
const item = (loanId: string, central: number, local = 0): SubsidyItem => ({ loanId, central: money(central), local: money(local) });
const claim = (items: SubsidyItem[], claimId = 'C1', bankCode = 'ABC'): SubsidyCommand => ({
  type: 'ClaimSubsidy',
  claimId,
  bankCode,
  quarter,
  items,
  dueByLoan,
});
const claimed = (items: SubsidyItem[], central: number, local: number, claimId = 'C1', claimedOn = '2011-04-05'): SubsidyEvent => ({
  type: 'InterestSubsidyClaimed',
  data: {
    claimId,
    bankCode: 'ABC',
    quarter,
    items,
    central: money(central),
    local: money(local),
    claimedOn: date(claimedOn),
    part: 1,
    parts: 1,
  },
});
const pay = (central: number, local = 0, claimId = 'C1'): SubsidyCommand => ({
  type: 'PaySubsidy',
  claimId,
  central: money(central),
  local: money(local),
});
const paid = (central: number, local: number, paidOn = '2011-05-01'): SubsidyEvent => ({
  type: 'InterestSubsidyPaid',
  data: { claimId: 'C1', bankCode: 'ABC', quarter, central: money(central), local: money(local), paidOn: date(paidOn) },
});

describe('interest subsidy claims (贴息)', () => {
  it('accepts a claim within what is due, after the quarter has ended', () => {
    given()
      .when(claim([item('L1', 58_333)]), '2011-04-05')
      .then([claimed([item('L1', 58_333)], 58_333, 0)]);
    given()
      .when(claim([item('L1', 58_333)]), '2011-03-31')
      .thenRefuses('SUBSIDY.QUARTER_NOT_ENDED');
  });

  it('adds up the central and local shares of every loan listed', () => {
    const items = [item('L1', 50_000), item('L2', 2_500, 7_500)];
    given()
      .when(claim(items), '2011-04-05')
      .then([claimed(items, 52_500, 7_500)]);
  });

  it("refuses claims that together exceed what the ledger says is due, and another bank's loans", () => {
    const first = claimed([item('L1', 50_000)], 50_000, 0);
    given([first])
      .when(claim([item('L1', 8_334)], 'C2'), '2011-04-06')
      .thenRefuses('SUBSIDY.EXCEEDS_DUE');
    given([first])
      .when(claim([item('L1', 8_333)], 'C2'), '2011-04-06')
      .then([claimed([item('L1', 8_333)], 8_333, 0, 'C2', '2011-04-06')]);
    given()
      .when(claim([item('L2', 2_500, 7_501)]), '2011-04-05')
      .thenRefuses('SUBSIDY.EXCEEDS_DUE');
    given()
      .when(claim([item('L1', -1)]), '2011-04-05')
      .thenRefuses('SUBSIDY.EXCEEDS_DUE');
    given()
      .when(claim([item('L1', 1)], 'C1', 'CCB'), '2011-04-05')
      .thenRefuses('SUBSIDY.NOT_THIS_BANKS_LOAN');
    given()
      .when(claim([item('L3', 1)]), '2011-04-05')
      .thenRefuses('SUBSIDY.NOT_THIS_BANKS_LOAN');
    given()
      .when(claim([item('L9', 1)]), '2011-04-05')
      .thenRefuses('SUBSIDY.NOT_THIS_BANKS_LOAN');
  });

  it('refuses a claim filed twice, an empty claim, and a loan listed twice', () => {
    given([claimed([item('L1', 1)], 1, 0)])
      .when(claim([item('L1', 1)]), '2011-04-06')
      .thenRefuses('SUBSIDY.CLAIM_EXISTS');
    given().when(claim([]), '2011-04-05').thenRefuses('SUBSIDY.NO_LOANS');
    given()
      .when(claim([item('L1', 1), item('L1', 1)]), '2011-04-05')
      .thenRefuses('SUBSIDY.LOAN_TWICE');
  });
});

describe('interest subsidy payments', () => {
  const claimedC1 = claimed([item('L1', 50_000), item('L2', 2_500, 7_500)], 52_500, 7_500);

  it('pays no more than was claimed, in one payment or several', () => {
    given([claimedC1])
      .when(pay(52_500, 7_500), '2011-05-01')
      .then([paid(52_500, 7_500)]);
    given([claimedC1]).when(pay(52_501), '2011-05-01').thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
    given([claimedC1]).when(pay(0, 7_501), '2011-05-01').thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
    given([claimedC1, paid(50_000, 0)])
      .when(pay(2_500, 7_500), '2011-06-01')
      .then([paid(2_500, 7_500, '2011-06-01')]);
    given([claimedC1, paid(50_000, 0)])
      .when(pay(2_501), '2011-06-01')
      .thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
  });

  it('refuses a payment of nothing, or on a claim never filed', () => {
    given([claimedC1]).when(pay(0, 0), '2011-05-01').thenRefuses('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
    given([claimedC1])
      .when(pay(1, 0, 'C9'), '2011-05-01')
      .thenRefuses('SUBSIDY.UNKNOWN_CLAIM');
  });
});
