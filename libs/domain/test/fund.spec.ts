import { Fen, FundCommand, FundEvent, MAX_AMOUNT_FEN, fundDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date, money } from './fixtures';

const given = DeciderSpecification.for(fundDecider);
const on = '2011-01-05';
const fundId = 'F';

const contribute = (amount: number): FundCommand => ({
  type: 'ContributeToFund',
  fundId,
  source: 'county_finance',
  amount: money(amount),
  reference: 'R',
});
const contributed = (amount: number): FundEvent => ({
  type: 'GuaranteeFundContributed',
  data: { fundId, source: 'county_finance', amount: money(amount), reference: 'R', contributedOn: date(on) },
});
const reserve = (loanId: string, amount: number): FundCommand => ({ type: 'ReserveExposure', fundId, loanId, amount: yuan(amount) });
const reserved = (loanId: string, amount: number): FundEvent => ({
  type: 'FundExposureReserved',
  data: { fundId, loanId, amount: yuan(amount), reservedOn: date(on) },
});
const release: FundCommand = { type: 'ReleaseExposure', fundId, loanId: 'L1', reason: 'settled' };
const released: FundEvent = {
  type: 'FundExposureReleased',
  data: { fundId, loanId: 'L1', amount: yuan(500_000), reason: 'settled', releasedOn: date(on) },
};
const charge = (amount: number): FundCommand => ({ type: 'ChargeCompensation', fundId, loanId: 'L1', amount: yuan(amount) });
const charged = (amount: number, exposureReleased: number): FundEvent => ({
  type: 'FundCompensationCharged',
  data: { fundId, loanId: 'L1', amount: yuan(amount), exposureReleased: yuan(exposureReleased), chargedOn: date(on) },
});
const reverse: FundCommand = { type: 'ReverseCompensation', fundId, loanId: 'L1', restoreExposure: true };
const credit = (amount: number, afterWriteOff = false): FundCommand => ({
  type: 'CreditRecovery',
  fundId,
  loanId: 'L1',
  amount: money(amount),
  afterWriteOff,
});

const funded = contributed(yuan(100_000));

describe('contributions to a guarantee fund', () => {
  it('records money paid in, by source', () => {
    const state = given()
      .when(contribute(yuan(100_000)), on)
      .then([funded]);
    expect(state.balance).toBe(yuan(100_000));
  });

  it('refuses nothing paid in, and a balance above what a fund may hold', () => {
    given().when(contribute(0), on).thenRefuses('FUND.AMOUNT_NOT_POSITIVE');
    given([funded])
      .when(contribute(MAX_AMOUNT_FEN - yuan(100_000) + 1), on)
      .thenRefuses('FUND.BALANCE_LIMIT');
    given([funded])
      .when(contribute(MAX_AMOUNT_FEN - yuan(100_000)), on)
      .then([contributed(MAX_AMOUNT_FEN - yuan(100_000))]);
  });
});

describe('guarantee fund exposure: guarantees outstanding at most 5 × balance', () => {
  it('reserves up to exactly 5 × the balance and refuses a yuan more', () => {
    const state = given([funded, reserved('L1', 450_000)])
      .when(reserve('L2', 50_000), on)
      .then([reserved('L2', 50_000)]);
    expect(state.exposure).toBe(yuan(500_000));
    given([funded, reserved('L1', 450_000)])
      .when(reserve('L2', 50_001), on)
      .thenRefuses('FUND.LEVERAGE_EXCEEDED');
    given().when(reserve('L1', 1), on).thenRefuses('FUND.LEVERAGE_EXCEEDED');
  });

  it('frees exposure when released and treats repeats as done', () => {
    given([funded, reserved('L1', 500_000)])
      .when(reserve('L1', 500_000), on)
      .thenNothingHappened();
    const state = given([funded, reserved('L1', 500_000)])
      .when(release, on)
      .then([released]);
    expect(state.exposure).toBe(0);
    given([funded, reserved('L1', 500_000), released])
      .when(release, on)
      .thenNothingHappened();
    given([funded]).when(release, on).thenNothingHappened();
  });
});

describe('compensation charged to the fund, reversed, and recoveries credited', () => {
  const guaranteedL1 = [funded, reserved('L1', 50_000)];

  it('refuses compensation beyond the balance; charging ends the guarantee', () => {
    given(guaranteedL1).when(charge(100_001), on).thenRefuses('FUND.INSUFFICIENT_BALANCE');
    const after = given(guaranteedL1)
      .when(charge(40_000), on)
      .then([charged(40_000, 50_000)]);
    expect([after.balance, after.exposure]).toEqual([yuan(60_000), 0]);
    given([...guaranteedL1, charged(40_000, 50_000)])
      .when(charge(40_000), on)
      .thenNothingHappened();
  });

  it('charges a loan it holds no reservation for without releasing any exposure', () => {
    given([funded])
      .when(charge(100_000), on)
      .then([charged(100_000, 0)]);
  });

  it('puts back a charge whose payment could not be recorded: balance and exposure restored', () => {
    const back = given([...guaranteedL1, charged(40_000, 50_000)])
      .when(reverse, on)
      .then([
        {
          type: 'FundCompensationReversed',
          data: { fundId, loanId: 'L1', amount: yuan(40_000), exposureRestored: yuan(50_000), reversedOn: date(on) },
        },
      ]);
    expect([back.balance, back.exposure, back.reservations.get('L1')]).toEqual([yuan(100_000), yuan(50_000), yuan(50_000)]);
    given(guaranteedL1).when(reverse, on).thenNothingHappened();
  });

  it('puts back the money but not the guarantee of a loan that settled in the meantime', () => {
    const back = given([...guaranteedL1, charged(40_000, 50_000)])
      .when({ ...reverse, restoreExposure: false } as FundCommand, on)
      .then([
        {
          type: 'FundCompensationReversed',
          data: { fundId, loanId: 'L1', amount: yuan(40_000), exposureRestored: 0 as Fen, reversedOn: date(on) },
        },
      ]);
    expect([back.balance, back.exposure, back.reservations.has('L1')]).toEqual([yuan(100_000), 0, false]);
  });

  it('credits what is recovered to the balance, within what a fund may hold', () => {
    const state = given([...guaranteedL1, charged(40_000, 50_000)])
      .when(credit(yuan(10_000)), on)
      .then([
        { type: 'FundRecoveryCredited', data: { fundId, loanId: 'L1', amount: yuan(10_000), afterWriteOff: false, creditedOn: date(on) } },
      ]);
    expect(state.balance).toBe(yuan(70_000));
    // On a claim written off and kept on file, the same money comes back to the fund, marked as such.
    given([...guaranteedL1, charged(40_000, 50_000)])
      .when(credit(yuan(10_000), true), on)
      .then([
        { type: 'FundRecoveryCredited', data: { fundId, loanId: 'L1', amount: yuan(10_000), afterWriteOff: true, creditedOn: date(on) } },
      ]);
    given([contributed(MAX_AMOUNT_FEN)])
      .when(credit(1), on)
      .thenRefuses('FUND.BALANCE_LIMIT');
  });

  it('may stand behind more than 5 × its balance after paying compensation, and then takes no new guarantee', () => {
    // 100,000 yuan stand behind 500,000; paying 40,000 for L1 (50,000 guaranteed) leaves 60,000 behind 450,000
    const state = given([funded, reserved('L1', 50_000), reserved('L2', 450_000)])
      .when(charge(40_000), on)
      .then([charged(40_000, 50_000)]);
    expect([state.balance, state.exposure]).toEqual([yuan(60_000), yuan(450_000)]);
    given([funded, reserved('L1', 50_000), reserved('L2', 450_000), charged(40_000, 50_000)])
      .when(reserve('L3', 1), on)
      .thenRefuses('FUND.LEVERAGE_EXCEEDED');
  });
});
