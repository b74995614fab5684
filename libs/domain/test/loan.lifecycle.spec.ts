import { yuan } from '../src';
import { apply, disburse, given, guarantee, history, repay, runningLoan } from './fixtures';

const markOverdue = { type: 'MarkOverdue' as const };

describe('overdue (the day-end run)', () => {
  it('marks interest unpaid after its settlement day, with the due date and days overdue', () => {
    const [e] = given(...runningLoan()).when(markOverdue, '2011-03-21');
    expect(e).toMatchObject({
      type: 'Overdue',
      data: { overdueInterest: 58_333, overduePrincipal: 0, dueDate: '2011-03-20', daysOverdue: 1 },
    });
  });

  it('marks nothing on the settlement day itself, nothing before, and nothing when paid', () => {
    expect(given(...runningLoan()).when(markOverdue, '2011-03-20')).toEqual([]);
    expect(given(...history([...runningLoanSteps(), [repay(0, 58_333), '2011-03-20']])).when(markOverdue, '2011-03-21')).toEqual([]);
  });

  it('is idempotent for a date and only marks again when more falls due', () => {
    const marked = history([...runningLoanSteps(), [markOverdue, '2011-03-21']]);
    expect(given(...marked).when(markOverdue, '2011-03-21')).toEqual([]);
    expect(given(...marked).when(markOverdue, '2011-04-30')).toEqual([]);
    const [later] = given(...marked).when(markOverdue, '2012-01-11');
    expect(later.data).toMatchObject({ overduePrincipal: 5_000_000, dueDate: '2011-03-20' });
  });

  it('pays no subsidy on interest paid while overdue', () => {
    const marked = history([...runningLoanSteps(), [markOverdue, '2011-03-21']]);
    const [e] = given(...marked).when(repay(0, 58_333), '2011-03-25');
    expect(e.data).toMatchObject({ subsidisableInterest: 0, subsidyCentral: 0 });
  });
});

describe('extension (展期)', () => {
  const extend = (newMaturity: string, guarantorConsent = true) => ({
    type: 'ExtendLoan' as const,
    data: { newMaturity: newMaturity as never, guarantorConsent },
  });

  it("extends once by at most 12 months with the guarantor's consent", () => {
    const [e] = given(...paidToSeptember()).when(extend('2013-01-10'), '2011-12-01');
    expect(e).toMatchObject({ type: 'LoanExtended', data: { previousMaturity: '2012-01-10', newMaturity: '2013-01-10' } });
  });

  it('refuses a second extension, a longer one, one without consent, and one on an overdue loan', () => {
    const extended = history([...runningLoanSteps(), ...quarterlyInterest().slice(0, 3), [extend('2012-06-10'), '2011-12-01']]);
    expect(given(...extended).refuses(extend('2012-12-10'), '2012-01-05')).toBe('LOAN.ALREADY_EXTENDED');
    expect(given(...paidToSeptember()).refuses(extend('2013-01-11'), '2011-12-01')).toBe('LOAN.EXTENSION_TOO_LONG');
    expect(given(...paidToSeptember()).refuses(extend('2012-06-10', false), '2011-12-01')).toBe('LOAN.EXTENSION_NEEDS_CONSENT');
    expect(given(...runningLoan()).refuses(extend('2012-06-10'), '2011-04-01')).toBe('LOAN.EXTENSION_WHILE_OVERDUE');
  });

  const paidToSeptember = () => history([...runningLoanSteps(), ...quarterlyInterest().slice(0, 3)]);

  it('pays no subsidy on interest paid in the extension period', () => {
    const extended = history([...runningLoanSteps(), ...quarterlyInterest(), [extend('2012-06-10'), '2011-12-01']]);
    const [e] = given(...extended).when(repay(0, 100), '2012-02-01');
    expect(e.data).toMatchObject({ subsidisableInterest: 0 });
  });
});

describe('compensation, recovery and write-off', () => {
  const compensate = { type: 'PayCompensation' as const };
  const defaulted = () => history([...runningLoanSteps(), [markOverdue, '2011-03-21']]);

  it('refuses compensation until the loan is more than 90 days overdue', () => {
    expect(given(...defaulted()).refuses(compensate, '2011-06-18')).toBe('LOAN.NOT_OVERDUE_LONG_ENOUGH');
  });

  it('pays 80 % of the loss from the fund after 90 days, the bank bearing the rest', () => {
    const [e] = given(...defaulted()).when(compensate, '2011-06-19');
    // loss: 5,000,000 principal + 58,333 interest due 20 Mar (the June settlement is not yet due on 19 Jun)
    expect(e).toMatchObject({
      type: 'CompensationPaid',
      data: { daysOverdue: 91, loss: 5_058_333, amount: 4_046_666, bankShare: 1_011_667 },
    });
    expect(given(...defaulted()).refuses({ type: 'PayCompensation', amount: 1 as never }, '2011-06-19')).toBe('LOAN.COMPENSATION_CHANGED');
  });

  it('recovers at most what the fund paid, closing the loan when all is back', () => {
    const compensated = history([...defaultedSteps(), [compensate, '2011-06-19']]);
    expect(given(...compensated).refuses(recover(4_046_667), '2011-07-01')).toBe('LOAN.RECOVERY_EXCEEDS_CLAIM');
    const [e] = given(...compensated).when(recover(4_046_666), '2011-07-01');
    expect(e.data).toMatchObject({ remainingClaim: 0 });
    expect(given(...compensated, e).state.status).toBe('recovered');
  });

  it('writes off only a compensated loan, for what is still unrecovered', () => {
    expect(given(...runningLoan()).refuses(writeOff, '2011-07-01')).toBe('LOAN.CANNOT_WRITE_OFF');
    const partly = history([...defaultedSteps(), [compensate, '2011-06-19'], [recover(1_000_000), '2011-07-01']]);
    const [e] = given(...partly).when(writeOff, '2011-12-01');
    expect(e).toMatchObject({ type: 'LoanWrittenOff', data: { amount: 3_046_666, approvalRef: 'FIN-2011-88' } });
  });

  const recover = (amount: number) => ({
    type: 'CollectRecovery' as const,
    data: { amount: amount as never, source: 'counter_guarantor' as const },
  });
  const writeOff = { type: 'WriteOffLoan' as const, data: { approvalRef: 'FIN-2011-88' } };
  const defaultedSteps = () => [...runningLoanSteps(), [markOverdue, '2011-03-21']] as Parameters<typeof history>[0];
});

describe('second support (二次扶持)', () => {
  const first = { loanId: 'L0', exists: true, borrowerId: 'B1', status: 'settled' as const, everOverdue: false, projectName: '脐橙种植' };
  const applySecond = (previousLoan = first) =>
    ({ ...apply({ kind: 'second_support', previousLoanId: 'L0', amount: yuan(300_000) }), previousLoan }) as never;
  const grant = (jobsCreated: number, previousLoan = first) => ({
    type: 'GrantSecondSupport' as const,
    data: { jobsCreated },
    previousLoan,
  });

  it('accepts up to 300,000 yuan for a borrower whose first loan was repaid on time, then confirms with 5 jobs', () => {
    const applied = history([[applySecond(), '2011-01-05']]);
    const [e] = given(...applied).when(grant(5), '2011-01-07');
    expect(e).toMatchObject({ type: 'SecondSupportGranted', data: { previousLoanId: 'L0', jobsCreated: 5, cap: 30_000_000 } });
  });

  it('refuses second support with fewer than 5 jobs, with the first loan overdue or still open', () => {
    const applied = history([[applySecond(), '2011-01-05']]);
    expect(given(...applied).refuses(grant(4), '2011-01-07')).toBe('LOAN.SECOND_SUPPORT_TOO_FEW_JOBS');
    expect(given().refuses(applySecond({ ...first, everOverdue: true }), '2011-01-05')).toBe('LOAN.SECOND_SUPPORT_FIRST_LOAN_OVERDUE');
    expect(given().refuses(applySecond({ ...first, status: 'disbursed' } as never), '2011-01-05')).toBe(
      'LOAN.SECOND_SUPPORT_FIRST_LOAN_OPEN',
    );
    expect(given().refuses(applySecond({ ...first, borrowerId: 'B2' }), '2011-01-05')).toBe('LOAN.SECOND_SUPPORT_OTHER_BORROWER');
    expect(given(...applied).refuses(grant(6, { ...first, projectName: '养猪' }), '2011-01-07')).toBe('LOAN.SECOND_SUPPORT_OTHER_PROJECT');
  });

  it('refuses a guarantee before the centre confirms second support', () => {
    expect(given(...history([[applySecond(), '2011-01-05']])).refuses(guarantee(yuan(300_000)), '2011-01-08')).toBe(
      'LOAN.SECOND_SUPPORT_NOT_GRANTED',
    );
  });
});

function runningLoanSteps(): Parameters<typeof history>[0] {
  return [
    [apply(), '2011-01-05'],
    [guarantee(), '2011-01-08'],
    [disburse(), '2011-01-10'],
  ];
}

/** Interest paid on each quarterly 20th of 2011 (70, 92, 92, 91 days). */
function quarterlyInterest(): Parameters<typeof history>[0] {
  return [
    [repay(0, 58_333), '2011-03-20'],
    [repay(0, 76_667), '2011-06-20'],
    [repay(0, 76_667), '2011-09-20'],
    [repay(0, 75_833), '2011-12-20'],
  ];
}
