import { bp, fen, yuan } from '@app/domain';
import { SqliteEventStore, StreamWrite } from '@app/event-store';
import { applicationData, envelope, guaranteeData, programmeOn } from '../../../test/support/programme';

/** On the embedded store, a command that spans streams is recorded in one commit: all of it or nothing. */
describe('cross-stream commands on SQLite', () => {
  let store: SqliteEventStore;
  let commits: string[][];
  let p: ReturnType<typeof programmeOn>['programme'];
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    commits = [];
    const together = store.appendToStreams.bind(store);
    store.appendToStreams = (writes: StreamWrite[]) => {
      commits.push(writes.map((w) => `${w.streamName}: ${w.events.map((e) => e.type).join(', ')}`));
      return together(writes);
    };
    p = programmeOn(store).programme;
  });
  afterEach(() => store.close());

  const fund = () =>
    p.contribute('GC-360721', { source: 'county_finance', amount: yuan(100_000), reference: 'r' }, envelope('f', '2011-01-02'));

  it('records the reservation, the loan step and its follow-ups in one write, in that order', async () => {
    await fund();
    await p.applyForLoan(applicationData('L1', 'P1'), envelope('apply', '2011-01-05'));
    await p.issueGuarantee('L1', guaranteeData(), envelope('guarantee', '2011-01-08'));
    const terms = {
      contractRate: bp(600),
      repaymentMethod: 'equal_principal_quarterly' as const,
      bankContractNo: 'C1',
      borrowerFees: fen(0),
    };
    await p.disburse('L1', { amount: yuan(50_000), ...terms }, envelope('disburse', '2011-01-10'));
    await p.repay('L1', { principal: yuan(50_000), interest: fen(8_333), borrowerFees: fen(0) }, envelope('repay', '2011-01-20'));
    expect(commits).toEqual([
      ['fund-GC-360721: GuaranteeFundContributed'],
      ['borrower-P1: BorrowerLoanOpened', 'loan-L1: LoanApplied'],
      ['fund-GC-360721: FundExposureReserved', 'loan-L1: GuaranteeIssued'],
      ['loan-L1: Disbursed'],
      ['loan-L1: Repaid, LoanSettled', 'fund-GC-360721: FundExposureReleased', 'borrower-P1: BorrowerLoanClosed'],
    ]);
  });

  it('records nothing of a command whose second stream refuses it, and answers with the refusal', async () => {
    await p.applyForLoan(applicationData('L1', 'P1'), envelope('apply-1', '2011-01-05'));
    const before = await store.readAll();
    await expect(p.applyForLoan(applicationData('L2', 'P1'), envelope('apply-2', '2011-01-05'))).rejects.toMatchObject({
      code: 'BORROWER.HAS_OPEN_LOAN',
    });
    expect(await store.readAll()).toEqual(before);
  });

  it('answers a repeated request with what the first recorded, and records nothing more', async () => {
    const first = await p.applyForLoan(applicationData('L1', 'P1'), envelope('apply', '2011-01-05'));
    const again = await p.applyForLoan(applicationData('L1', 'P1'), envelope('apply', '2011-01-05'));
    expect(again.duplicate).toBe(true);
    expect(again.appended.map((e) => e.id)).toEqual(first.appended.map((e) => e.id));
    expect((await store.readAll()).map((e) => e.type)).toEqual(['BorrowerLoanOpened', 'LoanApplied']);
  });

  it('refuses an application for a loan that another process recorded, though it took the loan as new without reading it', async () => {
    await p.applyForLoan(applicationData('L1', 'P1'), envelope('apply-1', '2011-01-05'));
    const second = programmeOn(store).programme; // a handler with nothing cached, as another process has
    await expect(second.applyForLoan(applicationData('L1', 'P2'), envelope('apply-2', '2011-01-05'))).rejects.toMatchObject({
      code: expect.stringMatching(/^LOAN\./),
    });
    expect((await store.readAll()).map((e) => e.streamName)).toEqual(['borrower-P1', 'loan-L1']);
  });
});
