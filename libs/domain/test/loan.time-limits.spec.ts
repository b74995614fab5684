import { JIANGXI_POLICIES, LoanEvent, StepPastDeadline, deadlineCheckOn, loanDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, date, guaranteed, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const check = { type: 'CheckTimeLimits' } as const;
const late = (step: 'decision' | 'disbursement', startedOn: string, dueBy: string, unitId: string, foundOn: string): StepPastDeadline => ({
  type: 'StepPastDeadline',
  data: { loanId: 'L1', step, startedOn: date(startedOn), dueBy: date(dueBy), unitId, foundOn: date(foundOn) },
});
const rejected: LoanEvent = {
  type: 'LoanApplicationRejected',
  data: { loanId: 'L1', borrowerId: 'B1', reasonCode: 'INCOMPLETE_FILE', rejectedOn: date('2011-01-07') },
};

describe('time limits (限时办结)', () => {
  // The centre's review (5 days), investigation (10) and guarantee (5): 20 days from the application of 5 January.
  it("records the centre's decision past its deadline the day after it, once", () => {
    given([applied()]).when(check, '2011-01-25').thenNothingHappened();
    const state = given([applied()])
      .when(check, '2011-01-26')
      .then([late('decision', '2011-01-05', '2011-01-25', 'GC-360721', '2011-01-26')]);
    expect(state.pastDeadline).toEqual(['decision']);
    given([applied(), late('decision', '2011-01-05', '2011-01-25', 'GC-360721', '2011-01-26')])
      .when(check, '2011-01-27')
      .thenNothingHappened();
  });

  // The bank answers within 21 days of the guarantee of 8 January.
  it("records the bank branch's disbursement past its deadline, even after a late decision", () => {
    given([applied(), guaranteed()]).when(check, '2011-01-29').thenNothingHappened();
    given([applied(), guaranteed()])
      .when(check, '2011-01-30')
      .then([late('disbursement', '2011-01-08', '2011-01-29', 'ABC-360721', '2011-01-30')]);
    given([applied(), late('decision', '2011-01-05', '2011-01-25', 'GC-360721', '2011-01-26'), guaranteed()])
      .when(check, '2011-02-20')
      .then([late('disbursement', '2011-01-08', '2011-01-29', 'ABC-360721', '2011-02-20')]);
  });

  it('tells the day-end run the first day it can find the current step late, and nothing once it has', () => {
    const policy = JIANGXI_POLICIES[0];
    const stateOf = (events: LoanEvent[]) => events.reduce(loanDecider.evolve, loanDecider.initialState());
    expect(deadlineCheckOn(stateOf([applied()]), policy)).toBe('2011-01-26');
    expect(deadlineCheckOn(stateOf([applied(), late('decision', '2011-01-05', '2011-01-25', 'GC-360721', '2011-01-26')]), policy)).toBe(
      undefined,
    );
    expect(deadlineCheckOn(stateOf([applied(), guaranteed()]), policy)).toBe('2011-01-30');
    expect(deadlineCheckOn(stateOf(running()), policy)).toBe(undefined);
  });

  it('has nothing to record for a loan paid out or rejected', () => {
    given(running()).when(check, '2011-06-01').thenNothingHappened();
    given([applied(), rejected]).when(check, '2011-06-01').thenNothingHappened();
  });
});
