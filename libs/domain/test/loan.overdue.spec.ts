import { LoanEvent, addDays, loanDecider, nextFallingDue, overdueOn, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import {
  applied,
  date,
  defaulted,
  disbursed,
  extend,
  guaranteed,
  markOverdue,
  markedOverdue,
  money,
  quarterlyInterestPaid,
  repaid,
  running,
} from './fixtures';

const given = DeciderSpecification.for(loanDecider);

describe('overdue (the day-end run)', () => {
  it('marks interest unpaid after its settlement day, with the due date and days overdue', () => {
    const state = given(running()).when(markOverdue, '2011-03-21').then([markedOverdue()]);
    expect(state.everOverdue).toBe(true);
  });

  it('marks nothing on the settlement day itself, nothing before, and nothing when paid', () => {
    given(running()).when(markOverdue, '2011-03-20').thenNothingHappened();
    given(running()).when(markOverdue, '2011-02-01').thenNothingHappened();
    given([...running(), repaid('2011-03-20', 58_333)])
      .when(markOverdue, '2011-03-21')
      .thenNothingHappened();
  });

  it("does not make a loan paid out on a settlement day overdue the next day: that day's interest falls due at the next settlement", () => {
    const onThe20th = [
      applied(),
      guaranteed(),
      disbursed({
        disbursedOn: date('2011-03-20'),
        maturityDate: date('2012-03-20'),
        plan: [{ dueDate: date('2012-03-20'), principal: yuan(50_000) }],
      }),
    ];
    given(onThe20th).when(markOverdue, '2011-03-21').thenNothingHappened();
    // Unpaid, it is overdue after the next settlement: 20 March to 20 June inclusive, 93 days on 50,000 at 6 %.
    given(onThe20th)
      .when(markOverdue, '2011-06-21')
      .then([
        markedOverdue({
          asOf: date('2011-06-21'),
          overduePrincipal: yuan(0),
          overdueInterest: money(77_500),
          dueDate: date('2011-06-20'),
          daysOverdue: 1,
        }),
      ]);
  });

  it('is idempotent for a date and only marks again when more falls due', () => {
    given(defaulted()).when(markOverdue, '2011-03-21').thenNothingHappened();
    given(defaulted()).when(markOverdue, '2011-04-30').thenNothingHappened();
    // every quarter's interest and the maturity's (20 days: 16,667) unpaid, and the principal: 297 days since 20 March
    given(defaulted())
      .when(markOverdue, '2012-01-11')
      .then([
        markedOverdue({
          asOf: date('2012-01-11'),
          overduePrincipal: yuan(50_000),
          overdueInterest: money(58_333 + 76_667 + 76_667 + 75_833 + 16_667),
          daysOverdue: 297,
        }),
      ]);
  });

  it('marks an instalment and its interest unpaid', () => {
    given([
      applied(),
      guaranteed(),
      disbursed({
        repaymentMethod: 'equal_principal_quarterly',
        plan: ['2011-03-20', '2011-06-20', '2011-09-20', '2011-12-20', '2012-01-10'].map((d) => ({
          dueDate: date(d),
          principal: yuan(10_000),
        })),
      }),
    ])
      .when(markOverdue, '2011-03-22')
      .then([markedOverdue({ asOf: date('2011-03-22'), overduePrincipal: yuan(10_000), daysOverdue: 2 })]);
  });

  it('tells the day-end run when to look again: nothing more can be overdue before the day after the next due date', () => {
    const instalments = disbursed({
      repaymentMethod: 'equal_principal_quarterly',
      plan: ['2011-03-20', '2011-06-20', '2011-09-20', '2011-12-20', '2012-01-10'].map((d) => ({
        dueDate: date(d),
        principal: yuan(10_000),
      })),
    });
    const histories = {
      running: running(),
      defaulted: defaulted(),
      instalments: [applied(), guaranteed(), instalments],
      interestPaid: [...running(), ...quarterlyInterestPaid(2)],
      extended: [
        ...running(),
        ...quarterlyInterestPaid(4),
        {
          type: 'LoanExtended',
          data: { loanId: 'L1', previousMaturity: date('2012-01-10'), newMaturity: date('2012-06-10'), extendedOn: date('2011-12-01') },
        } as LoanEvent,
      ],
    };
    for (const [name, events] of Object.entries(histories)) {
      const account = events.reduce(loanDecider.evolve, loanDecider.initialState()).account!;
      for (let from = date('2011-01-11'); from < '2012-09-01'; from = addDays(from, 3)) {
        const next = nextFallingDue(account, from);
        if (!next) continue;
        const now = overdueOn(account, from);
        for (let day = addDays(from, 1); day <= next; day = addDays(day, 1))
          expect({ name, from, day, overdue: overdueOn(account, day) }).toEqual({ name, from, day, overdue: now });
      }
      // While principal is owed something always falls due again.
      expect(nextFallingDue(account, date('2013-01-01'))).toBeDefined();
    }
  });

  it('looks only at disbursed loans', () => {
    given([applied(), guaranteed()]).when(markOverdue, '2011-03-21').thenNothingHappened();
  });

  it('pays no subsidy on interest paid while overdue', () => {
    given(defaulted())
      .when({ type: 'RecordRepayment', data: { principal: money(0), interest: money(58_333), borrowerFees: money(0) } }, '2011-03-25')
      .then([repaid('2011-03-25', 58_333, { subsidisableInterest: money(0), subsidyCentral: money(0) })]);
  });
});

describe('extension (展期)', () => {
  const paidToSeptember = () => [...running(), ...quarterlyInterestPaid(3)];
  const extended = (newMaturity: string, extendedOn = '2011-12-01'): LoanEvent => ({
    type: 'LoanExtended',
    data: { loanId: 'L1', previousMaturity: date('2012-01-10'), newMaturity: date(newMaturity), extendedOn: date(extendedOn) },
  });

  it("extends once by at most 12 months with the guarantor's consent", () => {
    const state = given(paidToSeptember())
      .when(extend('2013-01-10'), '2011-12-01')
      .then([extended('2013-01-10')]);
    expect(state.account?.maturity).toBe('2013-01-10');
    given([...running(), ...quarterlyInterestPaid(4)])
      .when(extend('2012-01-11'), '2012-01-10')
      .then([extended('2012-01-11', '2012-01-10')]);
  });

  it('refuses a second extension, a longer one, one without consent, a late one, and one on an overdue loan', () => {
    given([...paidToSeptember(), extended('2012-06-10')])
      .when(extend('2012-12-10'), '2012-01-05')
      .thenRefuses('LOAN.ALREADY_EXTENDED');
    given(paidToSeptember()).when(extend('2013-01-11'), '2011-12-01').thenRefuses('LOAN.EXTENSION_TOO_LONG');
    given(paidToSeptember()).when(extend('2012-01-10'), '2011-12-01').thenRefuses('LOAN.EXTENSION_TOO_LONG');
    given(paidToSeptember()).when(extend('2012-06-10', false), '2011-12-01').thenRefuses('LOAN.EXTENSION_NEEDS_CONSENT');
    given([...running(), ...quarterlyInterestPaid(4)])
      .when(extend('2012-06-10'), '2012-01-11')
      .thenRefuses('LOAN.EXTENSION_AFTER_MATURITY');
    given(running()).when(extend('2012-06-10'), '2011-04-01').thenRefuses('LOAN.EXTENSION_WHILE_OVERDUE');
    given([applied(), guaranteed()]).when(extend('2012-06-10'), '2011-04-01').thenRefuses('LOAN.CANNOT_EXTEND');
  });

  it('moves the principal to the new maturity, and pays no subsidy on interest for the extension period', () => {
    const history = [...running(), ...quarterlyInterestPaid(4), extended('2012-06-10')];
    given(history).when(markOverdue, '2012-01-11').thenNothingHappened();
    // 20 March 2012 settles 21 December – 20 March (91 days, 75,833); of them 21 December – 9 January (20 days,
    // 16,667) were in the original term and earn subsidy, the 71 days of the extension do not.
    given(history)
      .when({ type: 'RecordRepayment', data: { principal: money(0), interest: money(75_833), borrowerFees: money(0) } }, '2012-03-20')
      .then([repaid('2012-03-20', 75_833, { subsidisableInterest: money(16_667), subsidyCentral: money(16_667) })]);
  });
});
