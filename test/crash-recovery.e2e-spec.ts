import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bp, borrowerDecider, borrowerStream, fundDecider, fundStream, loanStream, yuan } from '@app/domain';
import { SqliteCheckpointStore, SqliteEventStore } from '@app/event-store';
import { Reconciler } from '@app/programme';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from './support/programme';
import { runChild } from './support/spawn';

/**
 * A process killed between the two writes of a cross-stream rule leaves nothing inconsistent once the
 * system restarts: the reconciler finishes the write, or takes the reservation back.
 */
describe('a process killed between the two writes of a cross-stream rule', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-crash-'));
    path = join(dir, 'events.db');
    store = openFile(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the API does at boot, in a fresh process's worth of objects. */
  async function restart(grace: { graceMs: number; now?: number } = { graceMs: 0 }) {
    const fresh = programmeOn(store);
    const checkpoints = new SqliteCheckpointStore(path);
    const report = await new Reconciler(fresh.programme, store, checkpoints).run(grace);
    checkpoints.close();
    return { ...fresh, report };
  }
  const types = async (stream: string) => (await store.readStream(stream)).map((e) => e.type);
  const killedAfter = async (job: object) => {
    const result = await runChild({ path, ...job });
    expect(result.signal).toBe('SIGKILL');
  };

  it('an application whose borrower was reserved is recorded on restart', async () => {
    await killedAfter({ action: 'apply', loanIds: ['L1'], borrowerId: 'B1', dieAfter: 'BorrowerLoanOpened' });
    expect(await types(loanStream('L1'))).toEqual([]);
    const { report } = await restart();
    expect(report.finished).toBe(1);
    expect(await types(loanStream('L1'))).toEqual(['LoanApplied']);
    expect(await types(borrowerStream('B1'))).toEqual(['BorrowerLoanOpened']);
    expect((await restart()).report.finished).toBe(0);
  });

  it('a half-done write younger than the grace period is left to its request, and finished once it is older', async () => {
    await killedAfter({ action: 'apply', loanIds: ['L1'], borrowerId: 'B1', dieAfter: 'BorrowerLoanOpened' });
    const [reserved] = await store.readStream(borrowerStream('B1'));
    const at = reserved.created.getTime();
    // A minute's grace: at the moment of the reservation, and 59 s later, the request may still finish it.
    for (const now of [at, at + 59_000]) {
      const { report } = await restart({ graceMs: 60_000, now });
      expect(report).toMatchObject({ scanned: 0, finished: 0 });
      expect(await types(loanStream('L1'))).toEqual([]);
    }
    const { report } = await restart({ graceMs: 60_000, now: at + 61_000 });
    expect(report.finished).toBe(1);
    expect(await types(loanStream('L1'))).toEqual(['LoanApplied']);
  });

  it('a retry of the interrupted request finishes it instead of reserving again', async () => {
    await killedAfter({ action: 'apply', loanIds: ['L1'], borrowerId: 'B1', dieAfter: 'BorrowerLoanOpened' });
    const { programme } = programmeOn(store);
    await programme.applyForLoan(applicationData('L1', 'B1'), envelope('apply-L1', '2011-01-05'));
    expect(await types(loanStream('L1'))).toEqual(['LoanApplied']);
    expect(await types(borrowerStream('B1'))).toEqual(['BorrowerLoanOpened']);
  });

  it('another request for the half-done loan is refused, and the interrupted one still finishes', async () => {
    await killedAfter({ action: 'apply', loanIds: ['L1'], borrowerId: 'B1', dieAfter: 'BorrowerLoanOpened' });
    const { programme } = programmeOn(store);
    await expect(programme.applyForLoan(applicationData('L1', 'B1'), envelope('another-key', '2011-01-06'))).rejects.toMatchObject({
      code: 'COMMAND.IN_PROGRESS',
    });
    await restart();
    const applied = await store.readStream(loanStream('L1'));
    expect(applied.map((e) => [e.type, (e.metadata as { commandId: string }).commandId])).toEqual([['LoanApplied', 'apply-L1']]);
  });

  it('a guarantee whose exposure was reserved is issued on restart, and the fund agrees', async () => {
    const { programme } = programmeOn(store);
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(100_000), reference: 'r' },
      envelope('fund', '2011-01-02'),
    );
    await programme.applyForLoan(applicationData('L1', 'B1'), envelope('apply-L1', '2011-01-05'));
    await killedAfter({ action: 'guarantee', loanIds: ['L1'], dieAfter: 'FundExposureReserved' });
    expect(await types(loanStream('L1'))).toEqual(['LoanApplied']);
    const { handler } = await restart();
    expect(await types(loanStream('L1'))).toEqual(['LoanApplied', 'GuaranteeIssued']);
    expect((await handler.load(fundStream('GC-360721'), fundDecider)).state.exposure).toBe(yuan(50_000));
  });

  it('a reservation the loan no longer accepts is taken back on restart', async () => {
    const { programme } = programmeOn(store);
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(100_000), reference: 'r' },
      envelope('fund', '2011-01-02'),
    );
    await programme.applyForLoan(applicationData('L1', 'B1'), envelope('apply-L1', '2011-01-05'));
    await killedAfter({ action: 'guarantee', loanIds: ['L1'], dieAfter: 'FundExposureReserved' });
    await programme.reject('L1', { reasonCode: 'FALSE_DOCUMENTS' }, envelope('reject-L1', '2011-01-09'));
    const { handler, report } = await restart();
    expect(report.undone).toBe(1);
    expect(await types(fundStream('GC-360721'))).toEqual(['GuaranteeFundContributed', 'FundExposureReserved', 'FundExposureReleased']);
    expect((await handler.load(fundStream('GC-360721'), fundDecider)).state.exposure).toBe(0);
    expect((await handler.load(borrowerStream('B1'), borrowerDecider)).state.openLoanId).toBeUndefined();
  });

  it('a settlement whose follow-ups were cut off releases the fund and the borrower on restart', async () => {
    const { programme } = programmeOn(store);
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(100_000), reference: 'r' },
      envelope('fund', '2011-01-02'),
    );
    await programme.applyForLoan(applicationData('L1', 'B1'), envelope('apply-L1', '2011-01-05'));
    await programme.issueGuarantee('L1', guaranteeData(), envelope('guarantee-L1', '2011-01-08'));
    await programme.disburse(
      'L1',
      {
        amount: yuan(50_000),
        contractRate: bp(600),
        repaymentMethod: 'interest_quarterly_principal_at_maturity',
        bankContractNo: 'C',
        borrowerFees: yuan(0),
      },
      envelope('disburse-L1', '2011-01-10'),
    );
    await killedAfter({ action: 'payOff', loanIds: ['L1'], dieAfter: 'Repaid' });
    expect((await types(loanStream('L1'))).slice(-2)).toEqual(['Repaid', 'LoanSettled']);
    expect(await types(borrowerStream('B1'))).toEqual(['BorrowerLoanOpened']);
    const { handler } = await restart();
    expect(await types(borrowerStream('B1'))).toEqual(['BorrowerLoanOpened', 'BorrowerLoanClosed']);
    expect((await handler.load(fundStream('GC-360721'), fundDecider)).state.exposure).toBe(0);
  });
});
