import { LoanEvent, bp, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, date, disbursed, guaranteed, money, quarterlyInterestPaid, repaid, repay, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const settled = (settledOn: string, onTime: boolean): LoanEvent => ({
  type: 'LoanSettled',
  data: { loanId: 'L1', fundId: 'GC-360721', borrowerId: 'B1', settledOn: date(settledOn), onTime },
});
const unsubsidised = { subsidisableInterest: money(0), subsidyCentral: money(0) };
const instalment = (dueDate: string) => ({ dueDate: date(dueDate), principal: yuan(10_000) });
const inInstalments = () => [
  applied(),
  guaranteed(),
  disbursed({
    repaymentMethod: 'equal_principal_quarterly',
    plan: ['2011-03-20', '2011-06-20', '2011-09-20', '2011-12-20', '2012-01-10'].map(instalment),
  }),
];

describe('settling late, without a day-end run having marked it', () => {
  it('is not on time, and pays no subsidy, when interest was overdue', () => {
    // 58,333 due 20 March, and 11 days (21–31 March) → 9,167
    given(running())
      .when(repay(5_000_000, 67_500), '2011-04-01')
      .then([
        repaid('2011-04-01', 67_500, { principal: yuan(50_000), outstandingPrincipal: money(0), ...unsubsidised }),
        settled('2011-04-01', false),
      ]);
  });

  it('is not on time, and pays no subsidy, when an instalment of principal was overdue and the interest paid', () => {
    // The interest paid on 20 March, the instalment of 10,000 yuan not; 3 days (21–23 March) → 2,500
    given([...inInstalments(), repaid('2011-03-20', 58_333)])
      .when(repay(5_000_000, 2_500), '2011-03-24')
      .then([
        repaid('2011-03-24', 2_500, { principal: yuan(50_000), outstandingPrincipal: money(0), ...unsubsidised }),
        settled('2011-03-24', false),
      ]);
  });
});

describe('settling at maturity', () => {
  it('is on time and subsidised on the maturity day itself', () => {
    // 21 December – 9 January: 20 days → 16,666.67 → 16,667
    given([...running(), ...quarterlyInterestPaid(4)])
      .when(repay(5_000_000, 16_667), '2012-01-10')
      .then([repaid('2012-01-10', 16_667, { principal: yuan(50_000), outstandingPrincipal: money(0) }), settled('2012-01-10', true)]);
  });
});

describe('enterprise subsidy', () => {
  const enterprise = (amount: number, principalCap: number) => [
    applied({ kind: 'enterprise', amount: yuan(amount), personsSupported: 30, jobsPlanned: 40 }),
    guaranteed({ guaranteedAmount: yuan(amount) }),
    disbursed({
      amount: yuan(amount),
      plan: [{ dueDate: date('2012-01-10'), principal: yuan(amount) }],
      subsidy: { scheme: 'enterprise_shared', centralShare: bp(2_500), principalCap: yuan(principalCap) },
    }),
  ];

  it('is on all the interest of a loan within the principal cap: a quarter central, the rest local', () => {
    // 100,000,000 fen × 6 % × 22 / 360 = 366,666.67 → 366,667; a quarter: 91,666.75 → 91,667
    given(enterprise(1_000_000, 2_000_000))
      .when(repay(0, 366_667), '2011-02-01')
      .then([
        repaid('2011-02-01', 366_667, {
          outstandingPrincipal: yuan(1_000_000),
          subsidyCentral: money(91_667),
          subsidyLocal: money(275_000),
        }),
      ]);
  });

  it('is on the share of the interest that the principal cap recorded at disbursement covers', () => {
    // 200,000,000 fen for 3 days: 100,000 interest; a cap of half the principal: 50,000 eligible, 12,500 central
    given(enterprise(2_000_000, 1_000_000))
      .when(repay(0, 100_000), '2011-01-13')
      .then([
        repaid('2011-01-13', 100_000, {
          outstandingPrincipal: yuan(2_000_000),
          subsidisableInterest: money(100_000),
          subsidyCentral: money(12_500),
          subsidyLocal: money(37_500),
        }),
      ]);
  });
});
