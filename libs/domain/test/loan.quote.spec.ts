import { BusinessDate, LoanEvent, addDays, bp, loanDecider, payoffQuote, repaymentSchedule, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, ctx, date, disbursed, guaranteed, quarterlyInterestPaid, repaid, repay, running } from './fixtures';

const given = DeciderSpecification.for(loanDecider);
const fold = (events: LoanEvent[]) => events.reduce(loanDecider.evolve, loanDecider.initialState());
const quote = (events: LoanEvent[], on: string) => payoffQuote(fold(events), date(on));

describe("a clerk's payoff quote and repayment schedule", () => {
  it('quotes the principal and the interest to the day, and what the subsidy covers; paying it that day settles the loan', () => {
    expect(quote(running(), '2011-03-20')).toEqual({
      loanId: 'L1',
      quotedFor: '2011-03-20',
      principalFen: 5_000_000,
      interestFen: 58_333,
      totalFen: 5_058_333,
      overdue: { principalFen: 0, interestFen: 0, since: null },
      subsidy: { subsidisableInterestFen: 58_333, centralFen: 58_333, localFen: 0 },
    });
    given(running())
      .when(repay(5_000_000, 58_333), '2011-03-20')
      .then([
        repaid('2011-03-20', 58_333, { principal: yuan(50_000), outstandingPrincipal: yuan(0) }),
        { type: 'LoanSettled', data: { loanId: 'L1', fundId: 'GC-360721', borrowerId: 'B1', settledOn: date('2011-03-20'), onTime: true } },
      ]);
  });

  it('names what is overdue, and quotes no subsidy for interest paid late or accrued while overdue', () => {
    // The first quarter's interest was not paid on 20 March; on 15 April it is overdue, and so is every day since.
    const q = quote(running(), '2011-04-15');
    expect(q.overdue).toEqual({ principalFen: 0, interestFen: 58_333, since: '2011-03-20' });
    // 58,333 to 20 March, then 5,000,000 × 6 % × 25 days (21 March – 14 April) / 360 = 20,833.33.
    expect(q.interestFen).toBe(58_333 + 20_833);
    expect(q.subsidy).toEqual({ subsidisableInterestFen: 0, centralFen: 0, localFen: 0 });
  });

  it.each([
    ['an individual loan, on time', running(), ['2011-01-10', '2011-05-31', '2011-06-20', '2011-06-21', '2011-12-20', '2012-01-10']],
    ['a loan late on its first quarter', running(), ['2011-03-21', '2011-07-01', '2012-02-01']],
    [
      'an enterprise loan, subsidy shared and capped, repaid in instalments',
      [
        applied({ kind: 'enterprise' }),
        guaranteed(),
        disbursed({
          amount: yuan(3_000_000),
          repaymentMethod: 'equal_principal_quarterly',
          plan: [
            { dueDate: date('2011-06-20'), principal: yuan(1_500_000) },
            { dueDate: date('2012-01-10'), principal: yuan(1_500_000) },
          ],
          subsidy: { scheme: 'enterprise_shared', centralShare: bp(2_500), principalCap: yuan(2_000_000) },
        }),
      ],
      ['2011-03-20', '2011-04-02', '2011-09-30'],
    ],
  ])('%s: on any day, paying the quote is accepted to the fen, settles the loan and earns the subsidy quoted', (_, history, days) => {
    for (const on of days) {
      const q = quote(history as LoanEvent[], on);
      const decided = loanDecider.decide(
        { type: 'RecordRepayment', data: { principal: q.principalFen, interest: q.interestFen, borrowerFees: yuan(0) } },
        fold(history as LoanEvent[]),
        ctx(on),
      );
      expect(decided.map((e) => e.type)).toEqual(['Repaid', 'LoanSettled']);
      expect(decided[0].data).toMatchObject({ subsidyCentral: q.subsidy.centralFen, subsidyLocal: q.subsidy.localFen });
    }
  });

  it('lays out the schedule: quarterly interest and principal at maturity, the interest to come projected', () => {
    expect(repaymentSchedule(fold(running()), date('2011-01-10'))).toEqual([
      line('2011-03-20', 0, 58_333, 'projected'),
      line('2011-06-20', 0, 76_667, 'projected'),
      line('2011-09-20', 0, 76_667, 'projected'),
      line('2011-12-20', 0, 75_833, 'projected'),
      // 21 December to 9 January: 20 days.
      line('2012-01-10', 5_000_000, 16_667, 'projected'),
    ]);
  });

  it('shows what was paid and what is overdue as it stands on the day', () => {
    const paid = repaymentSchedule(fold([...running(), ...quarterlyInterestPaid(1)]), date('2011-04-01'));
    expect(paid[0]).toEqual({ ...line('2011-03-20', 0, 58_333, 'paid'), paidInterestFen: 58_333 });
    expect(paid.slice(1).map((l) => l.state)).toEqual(['projected', 'projected', 'projected', 'projected']);
    const late = repaymentSchedule(fold(running()), date('2011-04-15'));
    expect(late[0]).toEqual(line('2011-03-20', 0, 58_333, 'overdue'));
  });

  it('past maturity, everything unpaid is overdue and the interest still accruing falls due at the next settlement', () => {
    const lines = repaymentSchedule(fold(running()), date('2012-02-01'));
    expect(lines.slice(0, -1).every((l) => l.state === 'overdue')).toBe(true);
    // 5,000,000 fen × 6 % / 360 × 70 days (10 January to 19 March 2012): the loan still owes its principal.
    expect(lines[lines.length - 1]).toEqual(line('2012-03-20', 0, 58_333, 'projected'));
  });

  it('following the schedule, every payment on its date is accepted and the last settles the loan on time', () => {
    let history = running();
    for (const l of repaymentSchedule(fold(history), date('2011-01-10'))) {
      const decided = loanDecider.decide(
        { type: 'RecordRepayment', data: { principal: l.principalFen, interest: l.interestFen, borrowerFees: yuan(0) } },
        fold(history),
        ctx(l.dueDate),
      );
      history = [...history, ...decided];
    }
    expect(history[history.length - 1]).toMatchObject({ type: 'LoanSettled', data: { onTime: true, settledOn: '2012-01-10' } });
  });

  it('is refused for a loan not paid out, and for a day before the disbursement', () => {
    expect(() => quote([applied(), guaranteed()], '2011-03-20')).toThrow(expect.objectContaining({ code: 'LOAN.NOT_REPAYABLE' }));
    expect(() => quote(running(), '2011-01-09')).toThrow(expect.objectContaining({ code: 'LOAN.DATE_BEFORE_DISBURSEMENT' }));
    const paidInJune = [...running(), ...quarterlyInterestPaid(2)];
    expect(() => quote(paidInJune, '2011-05-01')).toThrow(expect.objectContaining({ code: 'LOAN.DATE_BEFORE_LAST_REPAYMENT' }));
    expect(quote(paidInJune, '2011-06-20').interestFen).toBe(0);
    expect(() => repaymentSchedule(fold(running()), addDays(date('2011-01-10'), -1) as BusinessDate)).toThrow(
      expect.objectContaining({ code: 'LOAN.DATE_BEFORE_DISBURSEMENT' }),
    );
  });
});

function line(dueDate: string, principalFen: number, interestFen: number, state: string) {
  return { dueDate, principalFen, interestFen, paidPrincipalFen: 0, paidInterestFen: 0, state };
}
