import { BorrowerCommand, BorrowerEvent, LoanOutcome, borrowerDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date } from './fixtures';

const given = DeciderSpecification.for(borrowerDecider);
const open = (loanId: string): BorrowerCommand => ({ type: 'OpenLoan', borrowerId: 'B1', loanId });
const close = (loanId: string, outcome: LoanOutcome): BorrowerCommand => ({ type: 'CloseLoan', borrowerId: 'B1', loanId, outcome });
const opened = (loanId = 'L1', openedOn = '2011-01-05'): BorrowerEvent => ({
  type: 'BorrowerLoanOpened',
  data: { borrowerId: 'B1', loanId, openedOn: date(openedOn) },
});
const closed = (outcome: LoanOutcome, loanId = 'L1'): BorrowerEvent => ({
  type: 'BorrowerLoanClosed',
  data: { borrowerId: 'B1', loanId, outcome, closedOn: date('2012-01-10') },
});

describe('borrower: one open guaranteed loan per person across the province', () => {
  it("opens a person's first loan", () => {
    const state = given().when(open('L1'), '2011-01-05').then([opened()]);
    expect(state).toEqual({ openLoanId: 'L1', defaulted: false, loans: ['L1'] });
  });

  it('refuses a second open loan, accepts the same loan again as already done', () => {
    given([opened()]).when(open('L2'), '2011-02-01').thenRefuses('BORROWER.HAS_OPEN_LOAN');
    given([opened()]).when(open('L1'), '2011-02-01').thenNothingHappened();
  });

  it.each<LoanOutcome>(['settled', 'rejected', 'recovered', 'not_applied'])('allows a new loan once the first is %s', (outcome) => {
    given([opened(), closed(outcome)])
      .when(open('L2'), '2012-02-01')
      .then([opened('L2', '2012-02-01')]);
  });

  it('never opens another loan for a person whose loan was written off', () => {
    const state = given([opened()])
      .when(close('L1', 'written_off'), '2012-01-10')
      .then([closed('written_off')]);
    expect(state.defaulted).toBe(true);
    given([opened(), closed('written_off')])
      .when(open('L2'), '2012-02-01')
      .thenRefuses('BORROWER.DEFAULTED');
  });

  it('closes only the loan that is open, once', () => {
    given([opened()])
      .when(close('L1', 'settled'), '2012-01-10')
      .then([closed('settled')]);
    given([opened(), closed('settled')])
      .when(close('L1', 'settled'), '2012-01-11')
      .thenNothingHappened();
    given([opened()]).when(close('L2', 'rejected'), '2012-01-10').thenNothingHappened();
    given().when(close('L1', 'rejected'), '2012-01-10').thenNothingHappened();
  });
});
