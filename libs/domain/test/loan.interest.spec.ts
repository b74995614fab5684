import { LoanEvent, bp, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, date, disbursed, guaranteed, markOverdue, markedOverdue, money, repaid, repay, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const settled = (settledOn: string, onTime: boolean): LoanEvent => ({
  type: 'LoanSettled',
  data: { loanId: 'L1', fundId: 'GC-360721', borrowerId: 'B1', settledOn: date(settledOn), onTime },
});
const paidOff = (on: string, interest: number) => repaid(on, interest, { principal: yuan(50_000), outstandingPrincipal: money(0) });

/** 5,000,000 fen at 6 %: 833.33 fen a day (annual rate / 360). */
describe('interest owed on a repayment day', () => {
  it('runs to the day before the repayment, so a payoff the day before a settlement owes one day less than on it', () => {
    // 10 January – 18 March: 68 days → 56,666.67 → 56,667
    given(running()).when(repay(5_000_000, 56_668), '2011-03-19').thenRefuses('LOAN.INTEREST_EXCEEDS_OWED');
    given(running())
      .when(repay(5_000_000, 56_667), '2011-03-19')
      .then([paidOff('2011-03-19', 56_667), settled('2011-03-19', true)]);
  });

  it('does not count the maturity day, even when maturity falls on a settlement day', () => {
    // Two months from 20 January: maturity on 20 March; 20 January – 19 March is 59 days → 49,166.67 → 49,167
    const twoMonths = [
      applied({ termMonths: 2 }),
      guaranteed(),
      disbursed({
        disbursedOn: date('2011-01-20'),
        maturityDate: date('2011-03-20'),
        benchmarkRate: bp(535),
        plan: [{ dueDate: date('2011-03-20'), principal: yuan(50_000) }],
      }),
    ];
    given(twoMonths).when(repay(5_000_000, 49_168), '2011-03-20').thenRefuses('LOAN.INTEREST_EXCEEDS_OWED');
    given(twoMonths)
      .when(repay(5_000_000, 49_167), '2011-03-20')
      .then([paidOff('2011-03-20', 49_167), settled('2011-03-20', true)]);
  });
});

describe('interest a repayment leaves unpaid', () => {
  it('falls due at the next quarterly settlement, and is overdue the day after', () => {
    // Paid off on 1 February with 18,000 of the 18,333 owed: 333 fall due on 20 March
    const history = [...running(), repaid('2011-02-01', 18_000, { principal: yuan(50_000), outstandingPrincipal: money(0) })];
    given(history).when(markOverdue, '2011-03-20').thenNothingHappened();
    given(history)
      .when(markOverdue, '2011-03-21')
      .then([markedOverdue({ overdueInterest: money(333) })]);
  });

  it('falls due at maturity when maturity comes before the next quarterly settlement', () => {
    // Six months to 10 July; the principal is paid on 25 June with none of the 4 days' interest (3,333.33 → 3,333)
    const sixMonths = [
      applied({ termMonths: 6 }),
      guaranteed(),
      disbursed({
        maturityDate: date('2011-07-10'),
        benchmarkRate: bp(535),
        plan: [{ dueDate: date('2011-07-10'), principal: yuan(50_000) }],
      }),
      repaid('2011-03-20', 58_333),
      repaid('2011-06-20', 76_667),
    ];
    const principalBack = repaid('2011-06-25', 0, { principal: yuan(50_000), outstandingPrincipal: money(0) });
    given(sixMonths).when(repay(5_000_000, 0), '2011-06-25').then([principalBack]);
    given([...sixMonths, principalBack])
      .when(markOverdue, '2011-07-10')
      .thenNothingHappened();
    given([...sixMonths, principalBack])
      .when(markOverdue, '2011-07-11')
      .then([markedOverdue({ asOf: date('2011-07-11'), overdueInterest: money(3_333), dueDate: date('2011-07-10') })]);
    given([...sixMonths, principalBack])
      .when(repay(0, 3_334), '2011-06-26')
      .thenRefuses('LOAN.INTEREST_EXCEEDS_OWED');
  });
});

describe('days overdue', () => {
  it('count from the earliest due date still unpaid, not from one paid since', () => {
    // The first quarter paid on time, the second (76,667 due 20 June) not
    given([...running(), repaid('2011-03-20', 58_333)])
      .when(markOverdue, '2011-06-21')
      .then([markedOverdue({ asOf: date('2011-06-21'), overdueInterest: money(76_667), dueDate: date('2011-06-20'), daysOverdue: 1 })]);
  });
});

describe('the subsidy due', () => {
  it('is summed per quarter of the payment date', () => {
    // 18,333 on 1 February, the 40,000 accrued since on 20 March, 76,667 on 20 June
    const state = given([...running(), repaid('2011-02-01', 18_333), repaid('2011-03-20', 40_000)])
      .when(repay(0, 76_667), '2011-06-20')
      .then([repaid('2011-06-20', 76_667)]);
    expect(state.subsidyDue).toEqual({ '2011-Q1': { central: 58_333, local: 0 }, '2011-Q2': { central: 76_667, local: 0 } });
  });
});
