import { BorrowerEvent, FundEvent, LoanEvent, LoanStatus, followUpsOf, undoReservation } from '../src';
import { applied, compensated, date, disbursed, guaranteed, markedOverdue, money, repaid } from './fixtures';

/** Loan L1 of borrower B1, guaranteed by fund GC-360721. */
const fund = 'fund-GC-360721';
const borrower = 'borrower-B1';
const closeLoan = (outcome: string) => ({
  aggregate: 'borrower',
  streamName: borrower,
  command: { type: 'CloseLoan', borrowerId: 'B1', loanId: 'L1', outcome },
});
const onFund = (command: Record<string, unknown>) => ({
  aggregate: 'fund',
  streamName: fund,
  command: { fundId: 'GC-360721', loanId: 'L1', ...command },
});

const ids = { loanId: 'L1', fundId: 'GC-360721', borrowerId: 'B1' };
const recovered = (amount: number, remainingClaim: number, afterWriteOff = false): LoanEvent => ({
  type: 'RecoveryCollected',
  data: {
    ...ids,
    amount: money(amount),
    source: 'borrower',
    remainingClaim: money(remainingClaim),
    afterWriteOff,
    collectedOn: date('2011-07-01'),
  },
});

describe('what a loan event sets off on the fund and the borrower streams', () => {
  it("closes the borrower's loan on a rejection, and releases the exposure once a guarantee was issued", () => {
    const rejected = (fundId?: string): LoanEvent => ({
      type: 'LoanApplicationRejected',
      data: { loanId: 'L1', borrowerId: 'B1', reasonCode: 'X', rejectedOn: date('2011-01-07'), fundId },
    });
    expect(followUpsOf(rejected())).toEqual([closeLoan('rejected')]);
    expect(followUpsOf(rejected('GC-360721'))).toEqual([onFund({ type: 'ReleaseExposure', reason: 'rejected' }), closeLoan('rejected')]);
  });

  it('releases the exposure and closes the loan when it is settled', () => {
    const settled: LoanEvent = { type: 'LoanSettled', data: { ...ids, settledOn: date('2012-01-10'), onTime: true } };
    expect(followUpsOf(settled)).toEqual([onFund({ type: 'ReleaseExposure', reason: 'settled' }), closeLoan('settled')]);
  });

  it('credits each recovery to the fund, and closes the loan once the whole claim is back', () => {
    expect(followUpsOf(recovered(100, 50))).toEqual([onFund({ type: 'CreditRecovery', amount: 100, afterWriteOff: false })]);
    expect(followUpsOf(recovered(50, 0))).toEqual([
      onFund({ type: 'CreditRecovery', amount: 50, afterWriteOff: false }),
      closeLoan('recovered'),
    ]);
    // After a write-off the borrower's loan was closed then (written off): the last recovery only credits the fund.
    expect(followUpsOf(recovered(50, 0, true))).toEqual([onFund({ type: 'CreditRecovery', amount: 50, afterWriteOff: true })]);
  });

  it('closes the loan as written off, which bars the borrower from another', () => {
    const writtenOff: LoanEvent = {
      type: 'LoanWrittenOff',
      data: { ...ids, amount: money(1), approvalRef: 'A', writtenOffOn: date('2011-12-01') },
    };
    expect(followUpsOf(writtenOff)).toEqual([closeLoan('written_off')]);
  });

  it('sets off nothing for the events that neither close nor pay anything', () => {
    const quiet: LoanEvent[] = [
      applied(),
      {
        type: 'SecondSupportGranted',
        data: { loanId: 'L1', previousLoanId: 'L0', jobsCreated: 5, cap: money(1), grantedOn: date('2011-01-07') },
      },
      guaranteed(),
      disbursed(),
      repaid('2011-03-20', 58_333),
      markedOverdue(),
      {
        type: 'LoanExtended',
        data: { loanId: 'L1', previousMaturity: date('2012-01-10'), newMaturity: date('2012-06-10'), extendedOn: date('2011-12-01') },
      },
      compensated(),
    ];
    expect(quiet.map(followUpsOf)).toEqual(quiet.map(() => []));
  });
});

describe('undoing a reservation whose loan step was refused', () => {
  it("closes the borrower's loan as never applied for", () => {
    const opened: BorrowerEvent = { type: 'BorrowerLoanOpened', data: { borrowerId: 'B1', loanId: 'L1', openedOn: date('2011-01-05') } };
    expect(undoReservation(opened, 'none')).toEqual(closeLoan('not_applied'));
  });

  it('releases exposure reserved for a guarantee that was not issued', () => {
    const reserved: FundEvent = {
      type: 'FundExposureReserved',
      data: { fundId: 'GC-360721', loanId: 'L1', amount: money(1), reservedOn: date('2011-01-08') },
    };
    expect(undoReservation(reserved, 'applied')).toEqual(onFund({ type: 'ReleaseExposure', reason: 'not_issued' }));
  });

  it.each<[LoanStatus, boolean]>([
    ['applied', true],
    ['guaranteed', true],
    ['disbursed', true],
    ['settled', false],
    ['compensated', false],
  ])('reverses a compensation charged to the fund; with the loan %s, the guarantee is restored: %s', (status, restoreExposure) => {
    const charged: FundEvent = {
      type: 'FundCompensationCharged',
      data: { fundId: 'GC-360721', loanId: 'L1', amount: money(1), exposureReleased: money(1), chargedOn: date('2011-06-19') },
    };
    expect(undoReservation(charged, status)).toEqual(onFund({ type: 'ReverseCompensation', restoreExposure }));
  });

  it('has nothing to undo for an event that reserves nothing', () => {
    const contributed: FundEvent = {
      type: 'GuaranteeFundContributed',
      data: { fundId: 'GC-360721', source: 'county_finance', amount: money(1), reference: 'R', contributedOn: date('2011-01-02') },
    };
    expect(undoReservation(contributed, 'applied')).toBeUndefined();
  });
});
