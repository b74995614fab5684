import {
  BorrowerCommand,
  BorrowerEvent,
  DomainError,
  FundCommand,
  FundEvent,
  Quarter,
  SubsidyCommand,
  SubsidyEvent,
  borrowerDecider,
  fundDecider,
  subsidyDecider,
  targetDecider,
  yuan,
} from '../src';
import { ctx } from './fixtures';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('borrower: one open guaranteed loan per person across the province', () => {
  const fold = (...es: BorrowerEvent[]) => es.reduce(borrowerDecider.evolve, borrowerDecider.initialState());
  const open = (loanId: string): BorrowerCommand => ({ type: 'OpenLoan', borrowerId: 'B1', loanId });
  const opened: BorrowerEvent = { type: 'BorrowerLoanOpened', data: { borrowerId: 'B1', loanId: 'L1', openedOn: '2011-01-05' as never } };
  const closed = (outcome: 'settled' | 'written_off'): BorrowerEvent => ({
    type: 'BorrowerLoanClosed',
    data: { borrowerId: 'B1', loanId: 'L1', outcome, closedOn: '2012-01-10' as never },
  });

  it('refuses a second open loan, accepts the same loan again as already done', () => {
    expect(refusal(() => borrowerDecider.decide(open('L2'), fold(opened), ctx('2011-02-01')))).toBe('BORROWER.HAS_OPEN_LOAN');
    expect(borrowerDecider.decide(open('L1'), fold(opened), ctx('2011-02-01'))).toEqual([]);
  });

  it('allows a new loan once the first is settled, never after a write-off', () => {
    expect(borrowerDecider.decide(open('L2'), fold(opened, closed('settled')), ctx('2012-02-01'))).toHaveLength(1);
    expect(refusal(() => borrowerDecider.decide(open('L2'), fold(opened, closed('written_off')), ctx('2012-02-01')))).toBe(
      'BORROWER.DEFAULTED',
    );
  });
});

describe('guarantee fund: guarantees outstanding at most 5 × balance', () => {
  const fold = (...es: FundEvent[]) => es.reduce(fundDecider.evolve, fundDecider.initialState());
  const on = '2011-01-05' as never;
  const contributed: FundEvent = {
    type: 'GuaranteeFundContributed',
    data: { fundId: 'F', source: 'county_finance', amount: yuan(100_000), reference: 'R', contributedOn: on },
  };
  const reserved = (loanId: string, amount: number): FundEvent => ({
    type: 'FundExposureReserved',
    data: { fundId: 'F', loanId, amount: yuan(amount), reservedOn: on },
  });
  const reserve = (loanId: string, amount: number): FundCommand => ({ type: 'ReserveExposure', fundId: 'F', loanId, amount: yuan(amount) });

  it('reserves up to exactly 5 × the balance and refuses a yuan more', () => {
    const s = fold(contributed, reserved('L1', 450_000));
    expect(fundDecider.decide(reserve('L2', 50_000), s, ctx(on))).toHaveLength(1);
    expect(refusal(() => fundDecider.decide(reserve('L2', 50_001), s, ctx(on)))).toBe('FUND.LEVERAGE_EXCEEDED');
  });

  it('frees exposure when released and treats repeats as done', () => {
    const s = fold(contributed, reserved('L1', 500_000));
    expect(fundDecider.decide(reserve('L1', 500_000), s, ctx(on))).toEqual([]);
    const [released] = fundDecider.decide({ type: 'ReleaseExposure', fundId: 'F', loanId: 'L1', reason: 'settled' }, s, ctx(on));
    expect(fundDecider.evolve(s, released).exposure).toBe(0);
  });

  it('refuses compensation beyond the balance; a reversal restores balance and exposure', () => {
    const s = fold(contributed, reserved('L1', 50_000));
    expect(
      refusal(() => fundDecider.decide({ type: 'ChargeCompensation', fundId: 'F', loanId: 'L1', amount: yuan(100_001) }, s, ctx(on))),
    ).toBe('FUND.INSUFFICIENT_BALANCE');
    const [charged] = fundDecider.decide({ type: 'ChargeCompensation', fundId: 'F', loanId: 'L1', amount: yuan(40_000) }, s, ctx(on));
    const after = fundDecider.evolve(s, charged);
    expect([after.balance, after.exposure]).toEqual([yuan(60_000), 0]);
    const [reversed] = fundDecider.decide({ type: 'ReverseCompensation', fundId: 'F', loanId: 'L1' }, after, ctx(on));
    const back = fundDecider.evolve(after, reversed);
    expect([back.balance, back.exposure]).toEqual([yuan(100_000), yuan(50_000)]);
  });
});

describe('interest subsidy claims', () => {
  const quarter = '2011-Q1' as Quarter;
  const due = { L1: { bankCode: 'ABC', central: 58_333 as never, local: 0 as never } };
  const claim = (central: number, claimId = 'C1'): SubsidyCommand => ({
    type: 'ClaimSubsidy',
    claimId,
    bankCode: 'ABC',
    quarter,
    items: [{ loanId: 'L1', central: central as never, local: 0 as never }],
    dueByLoan: due,
  });
  const fold = (...es: SubsidyEvent[]) => es.reduce(subsidyDecider.evolve, subsidyDecider.initialState());

  it('accepts a claim within what is due, after the quarter has ended', () => {
    expect(subsidyDecider.decide(claim(58_333), fold(), ctx('2011-04-05'))).toHaveLength(1);
    expect(refusal(() => subsidyDecider.decide(claim(58_333), fold(), ctx('2011-03-31')))).toBe('SUBSIDY.QUARTER_NOT_ENDED');
  });

  it("refuses claims that together exceed what the ledger says is due, and another bank's loans", () => {
    const [first] = subsidyDecider.decide(claim(50_000), fold(), ctx('2011-04-05'));
    expect(refusal(() => subsidyDecider.decide(claim(8_334, 'C2'), fold(first), ctx('2011-04-06')))).toBe('SUBSIDY.EXCEEDS_DUE');
    expect(subsidyDecider.decide(claim(8_333, 'C2'), fold(first), ctx('2011-04-06'))).toHaveLength(1);
    const otherBank: SubsidyCommand = { ...(claim(1) as Extract<SubsidyCommand, { type: 'ClaimSubsidy' }>), bankCode: 'CCB' };
    expect(refusal(() => subsidyDecider.decide(otherBank, fold(), ctx('2011-04-05')))).toBe('SUBSIDY.NOT_THIS_BANKS_LOAN');
  });

  it('pays no more than was claimed', () => {
    const [claimed] = subsidyDecider.decide(claim(50_000), fold(), ctx('2011-04-05'));
    const pay = (central: number): SubsidyCommand => ({ type: 'PaySubsidy', claimId: 'C1', central: central as never, local: 0 as never });
    expect(subsidyDecider.decide(pay(50_000), fold(claimed), ctx('2011-05-01'))).toHaveLength(1);
    expect(refusal(() => subsidyDecider.decide(pay(50_001), fold(claimed), ctx('2011-05-01')))).toBe('SUBSIDY.PAYMENT_EXCEEDS_CLAIM');
  });
});

describe('annual targets', () => {
  it("sets and revises a region's target, ignores an unchanged one, refuses an unknown region", () => {
    const set = { type: 'SetAnnualTarget' as const, regionCode: '360700', year: 2011, loans: 3000, amount: yuan(150_000_000) };
    const [e] = targetDecider.decide(set, targetDecider.initialState(), ctx('2011-01-02'));
    expect(targetDecider.decide(set, targetDecider.evolve({}, e), ctx('2011-01-03'))).toEqual([]);
    expect(refusal(() => targetDecider.decide({ ...set, regionCode: '990000' }, {}, ctx('2011-01-02')))).toBe('REFERENCE.UNKNOWN_REGION');
  });
});
