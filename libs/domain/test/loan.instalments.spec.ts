import { LoanEvent, bp, loanDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, date, disburse, disbursed, extend, guaranteed, markOverdue, markedOverdue, money, repaid, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const instalment = (dueDate: string) => ({ dueDate: date(dueDate), principal: yuan(10_000) });
/** 50,000 yuan at 6 % from 10 January 2011, 10,000 yuan of principal due on each quarterly 20th and at maturity. */
const inInstalments = () => [
  applied(),
  guaranteed(),
  disbursed({
    repaymentMethod: 'equal_principal_quarterly',
    plan: ['2011-03-20', '2011-06-20', '2011-09-20', '2011-12-20', '2012-01-10'].map(instalment),
  }),
];
const extended = (newMaturity: string, extendedOn: string): LoanEvent => ({
  type: 'LoanExtended',
  data: { loanId: 'L1', previousMaturity: date('2012-01-10'), newMaturity: date(newMaturity), extendedOn: date(extendedOn) },
});

describe('a plan of equal instalments', () => {
  it('has a single instalment when maturity is the first quarterly settlement', () => {
    given([applied({ termMonths: 2 }), guaranteed()])
      .when(disburse(yuan(50_000), 600, 'equal_principal_quarterly'), '2011-01-20')
      .then([
        disbursed({
          disbursedOn: date('2011-01-20'),
          maturityDate: date('2011-03-20'),
          benchmarkRate: bp(535),
          repaymentMethod: 'equal_principal_quarterly',
          plan: [{ dueDate: date('2011-03-20'), principal: yuan(50_000) }],
        }),
      ]);
  });

  it('is marked overdue for an instalment left unpaid when the interest was paid, and again as more principal falls due', () => {
    const interestOnly = [...inInstalments(), repaid('2011-03-20', 58_333)];
    const first = markedOverdue({ overduePrincipal: yuan(10_000), overdueInterest: money(0) });
    given(interestOnly).when(markOverdue, '2011-03-21').then([first]);
    // 20 March – 21 June: 93 days
    given([...interestOnly, first, repaid('2011-06-20', 76_667)])
      .when(markOverdue, '2011-06-21')
      .then([markedOverdue({ asOf: date('2011-06-21'), overduePrincipal: yuan(20_000), overdueInterest: money(0), daysOverdue: 93 })]);
  });

  it('cannot be extended while an instalment is overdue, even with the interest paid', () => {
    given([...inInstalments(), repaid('2011-03-20', 58_333)])
      .when(extend('2012-06-10'), '2011-04-01')
      .thenRefuses('LOAN.EXTENSION_WHILE_OVERDUE');
  });
});

describe('extending a loan', () => {
  it('keeps the instalments due before the old maturity and moves the one due at it to the new maturity', () => {
    // Principal and interest paid each quarter: 58,333 on 5,000,000, then 61,333 on 4,000,000, 46,000 on 3,000,000
    const paidToSeptember = [
      ...inInstalments(),
      repaid('2011-03-20', 58_333, { principal: yuan(10_000), outstandingPrincipal: yuan(40_000) }),
      repaid('2011-06-20', 61_333, { principal: yuan(10_000), outstandingPrincipal: yuan(30_000) }),
      repaid('2011-09-20', 46_000, { principal: yuan(10_000), outstandingPrincipal: yuan(20_000) }),
    ];
    given(paidToSeptember)
      .when(extend('2012-06-10'), '2011-12-01')
      .then([extended('2012-06-10', '2011-12-01')]);
    const history = [...paidToSeptember, extended('2012-06-10', '2011-12-01')];
    // On 2,000,000: 91 days to 20 December → 30,333
    const december = markedOverdue({
      asOf: date('2011-12-21'),
      overduePrincipal: yuan(10_000),
      overdueInterest: money(30_333),
      dueDate: date('2011-12-20'),
    });
    given(history).when(markOverdue, '2011-12-21').then([december]);
    // Nothing more falls due at the old maturity.
    given([...history, december])
      .when(markOverdue, '2012-01-11')
      .thenNothingHappened();
    // Nothing paid since September: both instalments, and 30,333 + 30,333 (to 20 March) + 27,000 (81 days to 10 June)
    given(history)
      .when(markOverdue, '2012-06-11')
      .then([
        markedOverdue({
          asOf: date('2012-06-11'),
          overduePrincipal: yuan(20_000),
          overdueInterest: money(87_666),
          dueDate: date('2011-12-20'),
          daysOverdue: 174,
        }),
      ]);
  });

  it('moves only the principal still unpaid: what was paid early stays paid', () => {
    // 10,000 yuan paid early on 20 March; interest on 4,000,000 since: 61,333, 61,333, 60,667
    const paidToDecember = [
      ...running(),
      repaid('2011-03-20', 58_333, { principal: yuan(10_000), outstandingPrincipal: yuan(40_000) }),
      repaid('2011-06-20', 61_333, { outstandingPrincipal: yuan(40_000) }),
      repaid('2011-09-20', 61_333, { outstandingPrincipal: yuan(40_000) }),
      repaid('2011-12-20', 60_667, { outstandingPrincipal: yuan(40_000) }),
      extended('2012-06-10', '2011-12-25'),
    ];
    // 60,667 due 20 March 2012 and 54,000 (81 days) at the new maturity; 83 days since 20 March
    given(paidToDecember)
      .when(markOverdue, '2012-06-11')
      .then([
        markedOverdue({
          asOf: date('2012-06-11'),
          overduePrincipal: yuan(40_000),
          overdueInterest: money(114_667),
          dueDate: date('2012-03-20'),
          daysOverdue: 83,
        }),
      ]);
  });
});
