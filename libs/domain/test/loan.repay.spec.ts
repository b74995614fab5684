import { LoanEvent, bp, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, date, defaulted, disbursed, guaranteed, money, repaid, repay, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const settled = (settledOn: string, onTime: boolean): LoanEvent => ({
  type: 'LoanSettled',
  data: { loanId: 'L1', fundId: 'GC-360721', borrowerId: 'B1', settledOn: date(settledOn), onTime },
});

describe('repaying', () => {
  // 5,000,000 fen × 6 % × 70 days (10 Jan – 20 Mar inclusive) / 360 = 58,333.33 → 58,333 fen
  it('owes interest to the quarterly settlement day, rounded half-up to the fen, and subsidises it in full', () => {
    given(running())
      .when(repay(0, 58_333), '2011-03-20')
      .then([repaid('2011-03-20', 58_333)]);
    given(running()).when(repay(0, 58_334), '2011-03-20').thenRefuses('LOAN.INTEREST_EXCEEDS_OWED');
  });

  it('takes principal before maturity and counts it off the outstanding balance', () => {
    given(running())
      .when(repay(1_000_000, 58_333), '2011-03-20')
      .then([repaid('2011-03-20', 58_333, { principal: money(1_000_000), outstandingPrincipal: money(4_000_000) })]);
  });

  it('refuses more principal than is outstanding, an empty or negative repayment, and a fee', () => {
    given(running()).when(repay(5_000_001, 0), '2011-03-20').thenRefuses('LOAN.REPAYMENT_EXCEEDS_OUTSTANDING');
    given(running()).when(repay(0, 0), '2011-03-20').thenRefuses('LOAN.REPAYMENT_EMPTY');
    given(running()).when(repay(-1, 100), '2011-03-20').thenRefuses('LOAN.REPAYMENT_EMPTY');
    given(running())
      .when(repay(0, 100, 1), '2011-03-20')
      .thenRefuses('LOAN.FEES_FORBIDDEN');
  });

  it('takes repayments only on a disbursed loan, and not before the disbursement', () => {
    given([applied(), guaranteed()]).when(repay(0, 100), '2011-03-20').thenRefuses('LOAN.NOT_REPAYABLE');
    given([applied(), guaranteed({ issuedOn: date('2011-01-06') }), disbursed({ disbursedOn: date('2011-01-10') })])
      .when(repay(0, 100), '2011-01-09')
      .thenRefuses('LOAN.REPAID_BEFORE_DISBURSEMENT');
  });

  it('settles the loan, on time, when principal and interest are all paid', () => {
    // Early payoff on 1 Feb: 22 days × 5,000,000 × 6 % / 360 = 18,333.33 → 18,333 fen
    const state = given(running())
      .when(repay(5_000_000, 18_333), '2011-02-01')
      .then([repaid('2011-02-01', 18_333, { principal: yuan(50_000), outstandingPrincipal: money(0) }), settled('2011-02-01', true)]);
    expect(state.status).toBe('settled');
    given([
      ...running(),
      repaid('2011-02-01', 18_333, { principal: yuan(50_000), outstandingPrincipal: money(0) }),
      settled('2011-02-01', true),
    ])
      .when(repay(0, 1), '2011-02-02')
      .thenRefuses('LOAN.NOT_REPAYABLE');
  });

  it('settles only once the interest is paid too', () => {
    const principalBack = repaid('2011-02-01', 18_000, { principal: yuan(50_000), outstandingPrincipal: money(0) });
    given(running()).when(repay(5_000_000, 18_000), '2011-02-01').then([principalBack]);
    // the 333 fen left unpaid fall due at the next settlement, 20 March; nothing accrues on a zero balance
    given([...running(), principalBack])
      .when(repay(0, 334), '2011-02-05')
      .thenRefuses('LOAN.INTEREST_EXCEEDS_OWED');
    given([...running(), principalBack])
      .when(repay(0, 333), '2011-02-05')
      .then([repaid('2011-02-05', 333, { outstandingPrincipal: money(0) }), settled('2011-02-05', true)]);
  });

  it('settles a loan that was overdue as not on time, without subsidy', () => {
    // 58,333 due 20 March, and 11 days (21–31 March) × 5,000,000 × 6 % / 360 = 9,166.67 → 9,167
    given(defaulted())
      .when(repay(5_000_000, 67_500), '2011-04-01')
      .then([
        repaid('2011-04-01', 67_500, {
          principal: yuan(50_000),
          outstandingPrincipal: money(0),
          subsidisableInterest: money(0),
          subsidyCentral: money(0),
        }),
        settled('2011-04-01', false),
      ]);
  });

  describe('subsidy follows the periods the interest accrued in (no subsidy for overdue periods)', () => {
    // The first quarter's 58,333 (due 20 March) is paid late, on 10 April: no subsidy for it.
    const curedLate = [...defaulted(), repaid('2011-04-10', 58_333, { subsidisableInterest: money(0), subsidyCentral: money(0) })];

    it('interest for an in-term period paid late earns none, even when nothing else is overdue by then', () => {
      given([...running(), repaid('2011-03-20', 30_000)])
        .when(repay(0, 28_333), '2011-03-25')
        .then([repaid('2011-03-25', 28_333, { subsidisableInterest: money(0), subsidyCentral: money(0) })]);
    });

    it('interest that accrued while the loan was overdue never earns it, even paid on time after the loan is cured', () => {
      // 20 June's 76,667 covers 21 March – 20 June (92 days); the loan was overdue 21 March – 9 April (20 days):
      // 72 days × 5,000,000 × 6 % / 360 = 60,000 earn subsidy, the other 16,667 never do.
      given(curedLate)
        .when(repay(0, 76_667), '2011-06-20')
        .then([repaid('2011-06-20', 76_667, { subsidisableInterest: money(60_000), subsidyCentral: money(60_000) })]);
    });

    it('takes what earns subsidy first: a part paid on time keeps it, a rest paid late loses it', () => {
      const partly = given(curedLate)
        .when(repay(0, 50_000), '2011-06-20')
        .then([repaid('2011-06-20', 50_000, { subsidisableInterest: money(50_000), subsidyCentral: money(50_000) })]);
      expect(partly.status).toBe('disbursed');
      given([...curedLate, repaid('2011-06-20', 50_000)])
        .when(repay(0, 26_667), '2011-06-30')
        .then([repaid('2011-06-30', 26_667, { subsidisableInterest: money(0), subsidyCentral: money(0) })]);
    });
  });

  it('subsidises enterprise interest a quarter from central and three quarters from local finance', () => {
    const big = yuan(2_000_000);
    const enterprise = [
      applied({ kind: 'enterprise', amount: big, personsSupported: 30, jobsPlanned: 40 }),
      guaranteed({ guaranteedAmount: big }),
      disbursed({
        amount: big,
        plan: [{ dueDate: date('2012-01-10'), principal: big }],
        subsidy: { scheme: 'enterprise_shared', centralShare: bp(2_500), principalCap: yuan(2_000_000) },
      }),
    ];
    // 200,000,000 fen × 6 % × 22 / 360 = 733,333.33 → 733,333; central 25 % = 183,333.25 → 183,333
    given(enterprise)
      .when(repay(0, 733_333), '2011-02-01')
      .then([
        repaid('2011-02-01', 733_333, {
          outstandingPrincipal: big,
          subsidyCentral: money(183_333),
          subsidyLocal: money(550_000),
        }),
      ]);
  });

  it('pays no subsidy on a loan that is not micro-profit', () => {
    given([applied({ microProfit: false }), guaranteed(), disbursed({ subsidy: { scheme: 'none', centralShare: bp(0) } })])
      .when(repay(0, 58_333), '2011-03-20')
      .then([repaid('2011-03-20', 58_333, { subsidyCentral: money(0) })]);
  });
});
