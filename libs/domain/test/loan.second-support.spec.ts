import { LoanCommand, LoanEvent, PreviousLoanFacts, fen, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, apply, date, guarantee, guaranteed } from './fixtures';

const given = DeciderSpecification.for(loanDecider);

/** 二次扶持: the first loan L0 of borrower B1, same project, settled on time. */
const first: PreviousLoanFacts = {
  loanId: 'L0',
  exists: true,
  borrowerId: 'B1',
  status: 'settled',
  everOverdue: false,
  projectName: '脐橙种植',
};
const second = { kind: 'second_support' as const, previousLoanId: 'L0', amount: yuan(300_000) };
const applySecond = (previousLoan: PreviousLoanFacts = first): LoanCommand => ({ ...apply(second), previousLoan }) as LoanCommand;
const grant = (jobsCreated: number, previousLoan: PreviousLoanFacts = first): LoanCommand => ({
  type: 'GrantSecondSupport',
  data: { jobsCreated },
  previousLoan,
});
const granted: LoanEvent = {
  type: 'SecondSupportGranted',
  data: { loanId: 'L1', previousLoanId: 'L0', jobsCreated: 5, cap: yuan(300_000), grantedOn: date('2011-01-07') },
};

describe('second support (二次扶持)', () => {
  it('accepts up to 300,000 yuan for a borrower whose first loan was repaid on time, then confirms with 5 jobs', () => {
    given()
      .when(applySecond(), '2011-01-05')
      .then([applied(second)]);
    const state = given([applied(second)])
      .when(grant(5), '2011-01-07')
      .then([granted]);
    expect(state.secondSupportGranted).toBe(true);
  });

  it('guarantees up to the second-support cap once confirmed', () => {
    given([applied(second), granted])
      .when(guarantee(yuan(300_000)), '2011-01-08')
      .then([guaranteed({ guaranteedAmount: yuan(300_000) })]);
    given()
      .when({ ...apply({ ...second, amount: yuan(300_001) }), previousLoan: first } as LoanCommand, '2011-01-05')
      .thenRefuses('LOAN.CAP_EXCEEDED');
  });

  it('refuses second support of 300,000.01 yuan, one fen over the cap, saying what the cap is', () => {
    const overByAFen = fen(yuan(300_000) + 1);
    const error = given()
      .when({ ...apply({ ...second, amount: overByAFen }), previousLoan: first } as LoanCommand, '2011-01-05')
      .thenRefuses('LOAN.CAP_EXCEEDED');
    expect(error.details).toEqual({ capFen: yuan(300_000), amountFen: overByAFen });
  });

  it('refuses second support with fewer than 5 jobs, with the first loan overdue, still open, missing or of another person', () => {
    given([applied(second)])
      .when(grant(4), '2011-01-07')
      .thenRefuses('LOAN.SECOND_SUPPORT_TOO_FEW_JOBS');
    given()
      .when(applySecond({ ...first, everOverdue: true }), '2011-01-05')
      .thenRefuses('LOAN.SECOND_SUPPORT_FIRST_LOAN_OVERDUE');
    given()
      .when(applySecond({ ...first, status: 'disbursed' }), '2011-01-05')
      .thenRefuses('LOAN.SECOND_SUPPORT_FIRST_LOAN_OPEN');
    given()
      .when(applySecond({ ...first, borrowerId: 'B2' }), '2011-01-05')
      .thenRefuses('LOAN.SECOND_SUPPORT_OTHER_BORROWER');
    given()
      .when(applySecond({ loanId: 'L0', exists: false }), '2011-01-05')
      .thenRefuses('LOAN.SECOND_SUPPORT_NEEDS_FIRST_LOAN');
    given([applied(second)])
      .when(grant(6, { ...first, projectName: '养猪' }), '2011-01-07')
      .thenRefuses('LOAN.SECOND_SUPPORT_OTHER_PROJECT');
    given([applied(second)])
      .when(grant(6, { ...first, everOverdue: true }), '2011-01-07')
      .thenRefuses('LOAN.SECOND_SUPPORT_FIRST_LOAN_OVERDUE');
  });

  it('confirms only a second-support application, once, before its guarantee', () => {
    given([applied()]).when(grant(5), '2011-01-07').thenRefuses('LOAN.NOT_SECOND_SUPPORT');
    given([applied(second), granted])
      .when(grant(5), '2011-01-08')
      .thenRefuses('LOAN.SECOND_SUPPORT_ALREADY_DECIDED');
  });

  it('in one request: with the jobs given, every condition is checked at once and the grant recorded with the application', () => {
    const atOnce = (jobsCreated: number, previousLoan: PreviousLoanFacts = first): LoanCommand =>
      ({ ...applySecond(previousLoan), jobsCreated }) as LoanCommand;
    const state = given()
      .when(atOnce(5), '2011-01-05')
      .then([applied(second), { ...granted, data: { ...granted.data, grantedOn: date('2011-01-05') } }]);
    expect(state).toMatchObject({ status: 'applied', secondSupportGranted: true });
    given().when(atOnce(4), '2011-01-05').thenRefuses('LOAN.SECOND_SUPPORT_TOO_FEW_JOBS');
    given()
      .when(atOnce(6, { ...first, projectName: '养猪' }), '2011-01-05')
      .thenRefuses('LOAN.SECOND_SUPPORT_OTHER_PROJECT');
    given()
      .when({ ...apply(), jobsCreated: 6 } as LoanCommand, '2011-01-05')
      .thenRefuses('LOAN.JOBS_CREATED_NOT_EXPECTED');
  });

  it('refuses a guarantee before the centre confirms second support', () => {
    given([applied(second)])
      .when(guarantee(yuan(300_000)), '2011-01-08')
      .thenRefuses('LOAN.SECOND_SUPPORT_NOT_GRANTED');
  });
});
