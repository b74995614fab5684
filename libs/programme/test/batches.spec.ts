import { BusinessDate, Fen, bp, fen, loanDecider, loanStream, payoffOn, yuan } from '@app/domain';
import { EventStore, SqliteEventStore, StreamWrite } from '@app/event-store';
import { LineOutcome, LoanLine } from '@app/programme';
import { GatedStore } from '../../../test/support/gated-store';
import { applicationData, envelope, guaranteeData, programmeOn } from '../../../test/support/programme';

const terms = { contractRate: bp(600), repaymentMethod: 'equal_principal_quarterly' as const, borrowerFees: fen(0) };
const PAID_ON = '2011-04-10' as BusinessDate;
const repayment = (loanId: string, line: number, principalYuan: number, interest = fen(0)): LoanLine => ({
  loanId,
  command: { type: 'RecordRepayment', data: { principal: yuan(principalYuan), interest, borrowerFees: fen(0) } },
  env: envelope(`upload-1:line-${line}`, PAID_ON),
});

/** A bank's batch of repayments: each line decided on its own, the accepted ones recorded, a second upload recording nothing. */
describe.each([
  { name: 'SQLite, in one commit', transactions: true },
  { name: 'a store without transactions, line by line', transactions: false },
])('a batch of loan commands on $name', ({ transactions }) => {
  let inner: SqliteEventStore;
  let store: EventStore;
  let commits: number;
  let p: ReturnType<typeof programmeOn>['programme'];
  let interestDue: Fen;
  beforeEach(async () => {
    inner = new SqliteEventStore({ path: ':memory:' });
    commits = 0;
    const together = inner.appendToStreams.bind(inner);
    inner.appendToStreams = (writes: StreamWrite[]) => (commits++, together(writes));
    store = new GatedStore(inner, { transactions });
    const on = programmeOn(store);
    p = on.programme;
    await p.contribute('GC-360721', { source: 'county_finance', amount: yuan(100_000), reference: 'r' }, envelope('f', '2011-01-02'));
    for (const id of ['L1', 'L2']) {
      await p.applyForLoan(applicationData(id, `P-${id}`), envelope(`apply-${id}`, '2011-01-05'));
      await p.issueGuarantee(id, guaranteeData(), envelope(`guarantee-${id}`, '2011-01-08'));
      await p.disburse(id, { amount: yuan(50_000), ...terms, bankContractNo: `C-${id}` }, envelope(`disburse-${id}`, '2011-01-10'));
    }
    interestDue = payoffOn((await on.handler.load(loanStream('L1'), loanDecider)).state.account!, PAID_ON).interest;
  });
  afterEach(() => store.close());

  const batch = () => [
    repayment('L1', 1, 20_000, interestDue),
    repayment('L9', 2, 1_000), // no such loan
    repayment('L1', 3, 30_000), // settles L1 (its follow-ups release the guarantee and close the borrower's loan)
    repayment('L2', 4, 60_000), // more than is owed
    repayment('L2', 5, 10_000),
  ];

  const FIRST_UPLOAD = ['recorded', 'LOAN.NOT_FOUND', 'recorded', 'LOAN.REPAYMENT_EXCEEDS_OUTSTANDING', 'recorded'];
  const outcomesOf = (outcomes: LineOutcome[]) => outcomes.map((o) => (o.outcome === 'refused' ? o.error.code : o.outcome));

  it('records the good lines, refuses the others with their reasons, and a second upload records nothing more', async () => {
    const before = (await store.readAll()).length;
    commits = 0;
    const outcomes = await p.recordLines(batch());
    expect(outcomesOf(outcomes)).toEqual(FIRST_UPLOAD);
    if (transactions) expect(commits).toBe(1);
    const recorded = (await store.readAll()).slice(before).map((e) => `${e.streamName} ${e.type}`);
    expect(recorded).toEqual([
      'loan-L1 Repaid',
      'loan-L1 Repaid',
      'loan-L1 LoanSettled',
      'fund-GC-360721 FundExposureReleased',
      'borrower-P-L1 BorrowerLoanClosed',
      'loan-L2 Repaid',
    ]);

    const again = await p.recordLines(batch());
    expect(outcomesOf(again)).toEqual(FIRST_UPLOAD.map((o) => (o === 'recorded' ? 'recorded_before' : o)));
    expect((await store.readAll()).length).toBe(before + recorded.length);
  });

  it('decides the same on a handler that has nothing cached (another process, or after a restart)', async () => {
    const cold = programmeOn(store).programme;
    const outcomes = await cold.recordLines(batch());
    expect(outcomesOf(outcomes)).toEqual(FIRST_UPLOAD);
  });
});
