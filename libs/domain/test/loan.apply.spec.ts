import { LoanEvent, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, apply, date, disburse, guarantee, guaranteed, markOverdue, reject, repay, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const rejected: LoanEvent = {
  type: 'LoanApplicationRejected',
  data: { loanId: 'L1', borrowerId: 'B1', reasonCode: 'INCOMPLETE_FILE', rejectedOn: date('2011-01-07') },
};

describe('applying for a loan', () => {
  it('accepts a complete application and records its city, bank and date', () => {
    given().when(apply(), '2011-01-05').then([applied()]);
  });

  it.each([
    ['an individual loan above 50,000 yuan in 2011', apply({ amount: yuan(50_001) }), '2011-01-05'],
    ['an individual loan above 20,000 yuan under the 2002 pilot policy', apply({ amount: yuan(30_000) }), '2004-06-01'],
    ['a partnership above 200,000 yuan', apply({ kind: 'partnership', personsSupported: 4, amount: yuan(200_001) }), '2011-01-05'],
    ['an enterprise loan above 2,000,000 yuan', apply({ kind: 'enterprise', amount: yuan(2_000_001) }), '2011-01-05'],
  ])('refuses %s as over the cap', (_, command, on) => {
    given().when(command, on).thenRefuses('LOAN.CAP_EXCEEDED');
  });

  it('accepts each kind up to its cap under the policy in force', () => {
    given()
      .when(apply({ amount: yuan(20_000) }), '2004-06-01')
      .then([applied({ amount: yuan(20_000), appliedOn: date('2004-06-01') })]);
    const partnership = { kind: 'partnership' as const, personsSupported: 4, amount: yuan(200_000) };
    given()
      .when(apply(partnership), '2011-01-05')
      .then([applied(partnership)]);
  });

  it.each([
    ['a term over 24 months', apply({ termMonths: 25 }), 'LOAN.TERM_TOO_LONG'],
    ['a term of no months', apply({ termMonths: 0 }), 'LOAN.TERM_TOO_LONG'],
    ['no amount', apply({ amount: yuan(0) }), 'LOAN.AMOUNT_NOT_POSITIVE'],
    ['an unknown county', apply({ countyCode: '999999' }), 'REFERENCE.UNKNOWN_COUNTY'],
    ['a centre that does not serve the county', apply({ centreId: 'GC-360100' }), 'LOAN.CENTRE_NOT_RESPONSIBLE'],
    ['an unknown centre', apply({ centreId: 'GC-999999' }), 'REFERENCE.UNKNOWN_CENTRE'],
    ['a branch in another city', apply({ branchId: 'ABC-360102' }), 'LOAN.BRANCH_OUTSIDE_AREA'],
    ['an unknown branch', apply({ branchId: 'ABC-999999' }), 'REFERENCE.UNKNOWN_BRANCH'],
    ['no category', apply({ categories: [] }), 'LOAN.NO_CATEGORY'],
    ['no jobs planned', apply({ jobsPlanned: 0 }), 'LOAN.NO_PERSONS'],
    [
      'a joint guarantee of two households',
      apply({ counterGuarantee: { mode: 'joint_households', households: 2 } }),
      'LOAN.JOINT_GUARANTEE_TOO_FEW',
    ],
    [
      'a credit-community loan naming no community',
      apply({ counterGuarantee: { mode: 'credit_community' } }),
      'LOAN.CREDIT_COMMUNITY_MISSING',
    ],
    ['a partnership of one', apply({ kind: 'partnership', personsSupported: 1 }), 'LOAN.PARTNERSHIP_NEEDS_PARTNERS'],
    ['a first loan naming a previous loan', apply({ previousLoanId: 'L0' }), 'LOAN.PREVIOUS_LOAN_NOT_EXPECTED'],
  ])('refuses %s', (_, command, code) => {
    given().when(command, '2011-01-05').thenRefuses(code);
  });

  it('lets the provincial and city centres guarantee anywhere below them', () => {
    given()
      .when(apply({ centreId: 'GC-360000' }), '2011-01-05')
      .then([applied({ centreId: 'GC-360000' })]);
    given()
      .when(apply({ centreId: 'GC-360700', branchId: 'BOCOM-360700' }), '2011-01-05')
      .then([applied({ centreId: 'GC-360700', branchId: 'BOCOM-360700', bankCode: 'BOCOM' })]);
  });

  it('accepts a credit-community recommendation in place of a counter-guarantee, once it names the community', () => {
    const recommended = { counterGuarantee: { mode: 'credit_community' as const, creditCommunityId: 'CC-360721-012' } };
    given()
      .when(apply(recommended), '2011-01-05')
      .then([applied(recommended)]);
    given()
      .when(apply({ counterGuarantee: { mode: 'credit_community', creditCommunityId: '' } }), '2011-01-05')
      .thenRefuses('LOAN.CREDIT_COMMUNITY_MISSING');
  });

  it('refuses a second application on the same loan id', () => {
    given([applied()]).when(apply(), '2011-01-06').thenRefuses('LOAN.ALREADY_APPLIED');
  });

  it('knows no loan that was never applied for, and nothing dated before its application', () => {
    given().when(guarantee(), '2011-01-08').thenRefuses('LOAN.NOT_FOUND');
    given().when(markOverdue, '2011-01-08').thenRefuses('LOAN.NOT_FOUND');
    given([applied()]).when(reject(), '2011-01-04').thenRefuses('LOAN.DATE_BEFORE_APPLICATION');
  });
});

describe('rejecting an application', () => {
  it('rejects an open application, naming the borrower for the follow-up', () => {
    const state = given([applied()]).when(reject(), '2011-01-07').then([rejected]);
    expect(state.status).toBe('rejected');
  });

  it('rejects a guaranteed loan the bank declines, naming the fund whose exposure is released', () => {
    given([applied(), guaranteed()])
      .when({ type: 'RejectLoanApplication', data: { reasonCode: 'BANK_DECLINED', note: '项目不可行' } }, '2011-01-09')
      .then([
        {
          type: 'LoanApplicationRejected',
          data: {
            loanId: 'L1',
            borrowerId: 'B1',
            reasonCode: 'BANK_DECLINED',
            note: '项目不可行',
            rejectedOn: date('2011-01-09'),
            fundId: 'GC-360721',
          },
        },
      ]);
  });

  it('refuses to reject a disbursed loan', () => {
    given(running()).when(reject('X'), '2011-02-01').thenRefuses('LOAN.CANNOT_REJECT');
  });

  it('takes no further command once rejected', () => {
    const history = [applied(), rejected];
    given(history).when(reject(), '2011-01-08').thenRefuses('LOAN.CANNOT_REJECT');
    given(history).when(guarantee(), '2011-01-08').thenRefuses('LOAN.CANNOT_GUARANTEE');
    given(history).when(disburse(), '2011-01-10').thenRefuses('LOAN.NOT_GUARANTEED');
    given(history).when(repay(0, 1), '2011-03-20').thenRefuses('LOAN.NOT_REPAYABLE');
    given(history).when(markOverdue, '2011-03-21').thenNothingHappened();
  });
});
