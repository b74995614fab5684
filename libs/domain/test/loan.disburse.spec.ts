import { LoanEvent, bp, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, date, disburse, disbursed, guarantee, guaranteed, money, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);

describe('guaranteeing', () => {
  it("issues a guarantee on the centre's fund under the policy in force", () => {
    const state = given([applied()]).when(guarantee(), '2011-01-08').then([guaranteed()]);
    expect(state.status).toBe('guaranteed');
    given([applied({ amount: yuan(20_000), appliedOn: date('2004-06-01') })])
      .when(guarantee(yuan(15_000), 0), '2004-06-03')
      .then([guaranteed({ guaranteedAmount: yuan(15_000), feeRate: bp(0), issuedOn: date('2004-06-03'), policyVersion: 'JX-2002' })]);
  });

  it('refuses a fee charged to the borrower, a fee above 1 % and a guarantee above the application or of nothing', () => {
    given([applied()])
      .when(guarantee(yuan(50_000), 100, 'borrower'), '2011-01-08')
      .thenRefuses('LOAN.FEES_FORBIDDEN');
    given([applied()])
      .when(guarantee(yuan(50_000), 101), '2011-01-08')
      .thenRefuses('LOAN.GUARANTEE_FEE_TOO_HIGH');
    given([applied()])
      .when(guarantee(yuan(50_001)), '2011-01-08')
      .thenRefuses('LOAN.GUARANTEE_EXCEEDS_APPLICATION');
    given([applied()])
      .when(guarantee(yuan(0)), '2011-01-08')
      .thenRefuses('LOAN.GUARANTEE_EXCEEDS_APPLICATION');
  });

  it('guarantees a loan once', () => {
    given([applied(), guaranteed()]).when(guarantee(), '2011-01-09').thenRefuses('LOAN.CANNOT_GUARANTEE');
  });
});

describe('disbursing', () => {
  it('fixes maturity, plan, benchmark and subsidy terms at disbursement', () => {
    const state = given([applied(), guaranteed()]).when(disburse(), '2011-01-10').then([disbursed()]);
    expect([state.status, state.account?.outstanding]).toEqual(['disbursed', yuan(50_000)]);
  });

  it('refuses to disburse a loan without a guarantee, or twice', () => {
    given([applied()]).when(disburse(), '2011-01-10').thenRefuses('LOAN.NOT_GUARANTEED');
    given(running()).when(disburse(), '2011-01-11').thenRefuses('LOAN.ALREADY_DISBURSED');
  });

  it('splits equal instalments over the quarterly 20ths, the rest at maturity', () => {
    const instalment = (dueDate: string) => ({ dueDate: date(dueDate), principal: yuan(10_000) });
    given([applied(), guaranteed()])
      .when(disburse(yuan(50_000), 600, 'equal_principal_quarterly'), '2011-01-10')
      .then([
        disbursed({
          repaymentMethod: 'equal_principal_quarterly',
          plan: ['2011-03-20', '2011-06-20', '2011-09-20', '2011-12-20', '2012-01-10'].map(instalment),
        }),
      ]);
  });

  it('gives the last instalment what the division leaves over', () => {
    const amount = money(102);
    given([applied({ amount }), guaranteed({ guaranteedAmount: amount })])
      .when(disburse(amount, 600, 'equal_principal_quarterly'), '2011-01-10')
      .then([
        disbursed({
          amount,
          repaymentMethod: 'equal_principal_quarterly',
          plan: [
            { dueDate: date('2011-03-20'), principal: money(20) },
            { dueDate: date('2011-06-20'), principal: money(20) },
            { dueDate: date('2011-09-20'), principal: money(20) },
            { dueDate: date('2011-12-20'), principal: money(20) },
            { dueDate: date('2012-01-10'), principal: money(22) },
          ],
        }),
      ]);
  });

  it('takes the benchmark for the term: up to 6 months, up to a year, beyond', () => {
    given([applied({ termMonths: 6 }), guaranteed()])
      .when(disburse(), '2011-01-10')
      .then([
        disbursed({
          maturityDate: date('2011-07-10'),
          benchmarkRate: bp(535),
          plan: [{ dueDate: date('2011-07-10'), principal: yuan(50_000) }],
        }),
      ]);
    given([applied({ termMonths: 24 }), guaranteed()])
      .when(disburse(), '2011-01-10')
      .then([
        disbursed({
          maturityDate: date('2013-01-10'),
          benchmarkRate: bp(585),
          plan: [{ dueDate: date('2013-01-10'), principal: yuan(50_000) }],
        }),
      ]);
  });

  it('refuses a rate above benchmark plus 3 points for an individual, more than the guarantee, and any fee', () => {
    const guaranteedLoan = given([applied(), guaranteed()]);
    guaranteedLoan.when(disburse(yuan(50_000), 882), '2011-01-10').thenRefuses('LOAN.RATE_TOO_HIGH');
    guaranteedLoan.when(disburse(yuan(50_000), 881), '2011-01-10').then([disbursed({ contractRate: bp(881) })]);
    guaranteedLoan.when(disburse(yuan(50_000), 0), '2011-01-10').thenRefuses('LOAN.RATE_NOT_POSITIVE');
    guaranteedLoan.when(disburse(yuan(50_001)), '2011-01-10').thenRefuses('LOAN.DISBURSEMENT_EXCEEDS_GUARANTEE');
    guaranteedLoan
      .when(disburse(yuan(50_000), 600, 'interest_quarterly_principal_at_maturity', 100), '2011-01-10')
      .thenRefuses('LOAN.FEES_FORBIDDEN');
    guaranteedLoan.when(disburse(), '2011-01-07').thenRefuses('LOAN.DISBURSED_BEFORE_GUARANTEE');
  });

  it('pays out less than the guarantee when the bank lends less', () => {
    given([applied(), guaranteed()])
      .when(disburse(yuan(40_000)), '2011-01-10')
      .then([disbursed({ amount: yuan(40_000), plan: [{ dueDate: date('2012-01-10'), principal: yuan(40_000) }] })]);
  });

  it('lets an enterprise agree its own rate, with the subsidy shared and capped; no subsidy without micro-profit', () => {
    const big = yuan(2_000_000);
    given([applied({ kind: 'enterprise', amount: big, personsSupported: 30, jobsPlanned: 40 }), guaranteed({ guaranteedAmount: big })])
      .when(disburse(big, 1_000), '2011-01-10')
      .then([
        disbursed({
          amount: big,
          contractRate: bp(1_000),
          plan: [{ dueDate: date('2012-01-10'), principal: big }],
          subsidy: { scheme: 'enterprise_shared', centralShare: bp(2_500), principalCap: yuan(2_000_000) },
        }),
      ]);
    given([applied({ microProfit: false }), guaranteed()])
      .when(disburse(), '2011-01-10')
      .then([disbursed({ subsidy: { scheme: 'none', centralShare: bp(0) } })]);
  });

  it('sets no subsidy on a partnership or a second-support loan that is not micro-profit either', () => {
    const none = { subsidy: { scheme: 'none' as const, centralShare: bp(0) } };
    given([applied({ kind: 'partnership', personsSupported: 2, microProfit: false }), guaranteed()])
      .when(disburse(), '2011-01-10')
      .then([disbursed(none)]);
    const granted: LoanEvent = {
      type: 'SecondSupportGranted',
      data: { loanId: 'L1', previousLoanId: 'L0', jobsCreated: 5, cap: yuan(300_000), grantedOn: date('2011-01-07') },
    };
    given([applied({ kind: 'second_support', previousLoanId: 'L0', amount: yuan(300_000), microProfit: false }), granted, guaranteed()])
      .when(disburse(), '2011-01-10')
      .then([disbursed(none)]);
  });
});
