import { LoanCommand, LoanEvent, PreviousLoanFacts, bp, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import {
  applied,
  apply,
  compensate,
  compensated,
  date,
  defaulted,
  disburse,
  disbursed,
  guarantee,
  guaranteed,
  money,
  reject,
  repaid,
  repay,
  running,
} from './fixtures';

const given = DeciderSpecification.for(loanDecider);

/** Each limit is taken as far as it goes: the value on the limit is accepted, the one past it refused. */
describe('applying, on the limits', () => {
  it('takes a term of one month and of the 24 the policy allows', () => {
    given()
      .when(apply({ termMonths: 1 }), '2011-01-05')
      .then([applied({ termMonths: 1 })]);
    given()
      .when(apply({ termMonths: 24 }), '2011-01-05')
      .then([applied({ termMonths: 24 })]);
  });

  it('takes a partnership of two, one person supported, one job planned, a joint guarantee of three households', () => {
    const partnership = { kind: 'partnership' as const, personsSupported: 2, amount: yuan(100_000) };
    given()
      .when(apply(partnership), '2011-01-05')
      .then([applied(partnership)]);
    given()
      .when(apply({ jobsPlanned: 1 }), '2011-01-05')
      .then([applied({ jobsPlanned: 1 })]);
    const joint = { counterGuarantee: { mode: 'joint_households' as const, households: 3 } };
    given()
      .when(apply(joint), '2011-01-05')
      .then([applied(joint)]);
    given()
      .when(apply({ personsSupported: 0 }), '2011-01-05')
      .thenRefuses('LOAN.NO_PERSONS');
  });

  it('says by how much an amount exceeds the cap', () => {
    const error = given()
      .when(apply({ amount: yuan(50_001) }), '2011-01-05')
      .thenRefuses('LOAN.CAP_EXCEEDED');
    expect(error.details).toEqual({ capFen: yuan(50_000), amountFen: yuan(50_001) });
  });
});

describe('second support, on the limits', () => {
  const first: PreviousLoanFacts = {
    loanId: 'L0',
    exists: true,
    borrowerId: 'B1',
    status: 'settled',
    everOverdue: false,
    projectName: '脐橙种植',
  };
  const second = { kind: 'second_support' as const, previousLoanId: 'L0', amount: yuan(300_000) };
  const grant = (previousLoan: PreviousLoanFacts): LoanCommand => ({ type: 'GrantSecondSupport', data: { jobsCreated: 5 }, previousLoan });
  const granted: LoanEvent = {
    type: 'SecondSupportGranted',
    data: { loanId: 'L1', previousLoanId: 'L0', jobsCreated: 5, cap: yuan(300_000), grantedOn: date('2011-01-07') },
  };

  it('matches the project names as typed, spaces aside', () => {
    given([applied(second)])
      .when(grant({ ...first, projectName: ' 脐橙种植  ' }), '2011-01-07')
      .then([granted]);
    given([applied({ ...second, project: { name: '脐橙种植 ', industry: 'agriculture' } })])
      .when(grant(first), '2011-01-07')
      .then([granted]);
  });

  it('is not granted on an application already closed', () => {
    const rejected: LoanEvent = {
      type: 'LoanApplicationRejected',
      data: { loanId: 'L1', borrowerId: 'B1', reasonCode: 'X', rejectedOn: date('2011-01-06') },
    };
    given([applied(second), rejected])
      .when(grant(first), '2011-01-07')
      .thenRefuses('LOAN.SECOND_SUPPORT_ALREADY_DECIDED');
  });
});

describe('the days a step may be taken', () => {
  it('rejects an application on the day it was made', () => {
    given([applied()])
      .when(reject(), '2011-01-05')
      .then([
        {
          type: 'LoanApplicationRejected',
          data: { loanId: 'L1', borrowerId: 'B1', reasonCode: 'INCOMPLETE_FILE', rejectedOn: date('2011-01-05') },
        },
      ]);
  });

  it('disburses on the day of the guarantee, and takes a repayment on the day of the disbursement', () => {
    given([applied(), guaranteed()])
      .when(disburse(), '2011-01-08')
      .then([
        disbursed({
          disbursedOn: date('2011-01-08'),
          maturityDate: date('2012-01-08'),
          plan: [{ dueDate: date('2012-01-08'), principal: yuan(50_000) }],
        }),
      ]);
    given(running())
      .when(repay(1_000_000, 0), '2011-01-10')
      .then([repaid('2011-01-10', 0, { principal: money(1_000_000), outstandingPrincipal: money(4_000_000) })]);
  });

  it('compensates on a settlement day for what fell due before it, not on it', () => {
    // The June interest falls due on 20 June itself: the loss is the principal and March's 58,333, as on the 19th
    given(defaulted())
      .when(compensate(), '2011-06-20')
      .then([compensated({ daysOverdue: 92, paidOn: date('2011-06-20') })]);
  });
});

describe('amounts and rates that make no sense', () => {
  it('refuses a negative guarantee fee, a guarantee above the cap in force, and a disbursement of nothing', () => {
    given([applied()])
      .when(guarantee(yuan(50_000), -1), '2011-01-08')
      .thenRefuses('LOAN.GUARANTEE_FEE_TOO_HIGH');
    // An application for more than the cap in force when it is guaranteed (as if taken under a larger one)
    given([applied({ amount: yuan(60_000) })])
      .when(guarantee(yuan(60_000)), '2011-01-08')
      .thenRefuses('LOAN.CAP_EXCEEDED');
    given([applied(), guaranteed()])
      .when(disburse(yuan(0)), '2011-01-10')
      .thenRefuses('LOAN.DISBURSEMENT_EXCEEDS_GUARANTEE');
  });

  it('refuses a repayment with negative interest, whatever principal comes with it', () => {
    given(running()).when(repay(100, -1), '2011-03-20').thenRefuses('LOAN.REPAYMENT_EMPTY');
  });

  it('accepts a guarantee fee of nothing', () => {
    given([applied()])
      .when(guarantee(yuan(50_000), 0), '2011-01-08')
      .then([guaranteed({ feeRate: bp(0) })]);
  });
});
