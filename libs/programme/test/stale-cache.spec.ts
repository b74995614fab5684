import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, bp, fen, fundDecider, fundStream, loanStream, yuan } from '@app/domain';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from '../../../test/support/programme';

const disbursal = (contractNo: string) => ({
  amount: yuan(50_000),
  contractRate: bp(631),
  repaymentMethod: 'interest_quarterly_principal_at_maturity' as const,
  bankContractNo: contractNo,
  borrowerFees: fen(0),
});

/** Two processes on one file: each decides on what it last knew, and must notice what the other did. */
describe('a command handler whose cache another process has overtaken', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'stale-')), 'events.db');
  const a = programmeOn(openFile(path));
  const b = programmeOn(openFile(path));
  afterAll(async () => {
    await a.handler.store.close();
    await b.handler.store.close();
  });

  beforeAll(() =>
    a.programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(100_000), reference: 'seed' },
      envelope('fund-1', '2011-03-01'),
    ),
  );

  it('accepts a command the other process made possible, instead of refusing it on what it last knew', async () => {
    await a.programme.applyForLoan(applicationData('L1', 'P1'), envelope('apply-1', '2011-03-01'));
    await b.programme.issueGuarantee('L1', guaranteeData(), envelope('guarantee-1', '2011-03-03'));
    const disbursed = await a.programme.disburse('L1', disbursal('C1'), envelope('disburse-1', '2011-03-05'));
    expect(disbursed.state.status).toBe('disbursed');
    expect(disbursed.revision).toBe(2n);
  });

  it('decides on what the other process appended: a rejection after its guarantee releases the exposure', async () => {
    await a.programme.applyForLoan(applicationData('L2', 'P2'), envelope('apply-2', '2011-03-01'));
    await b.programme.issueGuarantee('L2', guaranteeData(), envelope('guarantee-2', '2011-03-03'));
    const rejected = await a.programme.reject('L2', { reasonCode: 'incomplete_file' }, envelope('reject-2', '2011-03-04'));
    expect(rejected.revision).toBe(2n);
    expect((await a.handler.store.readStream(loanStream('L2'))).map((e) => e.type)).toEqual([
      'LoanApplied',
      'GuaranteeIssued',
      'LoanApplicationRejected',
    ]);
    expect((await b.handler.load(fundStream('GC-360721'), fundDecider)).state.reservations.has('L2')).toBe(false);
  });

  it('refuses a command the other process made impossible, and appends nothing', async () => {
    await a.programme.applyForLoan(applicationData('L3', 'P3'), envelope('apply-3', '2011-03-01'));
    await a.programme.issueGuarantee('L3', guaranteeData(), envelope('guarantee-3', '2011-03-03'));
    await b.programme.reject('L3', { reasonCode: 'incomplete_file' }, envelope('reject-3', '2011-03-04'));
    await expect(a.programme.disburse('L3', disbursal('C3'), envelope('disburse-3', '2011-03-05'))).rejects.toBeInstanceOf(DomainError);
    expect((await a.handler.store.readStream(loanStream('L3'))).map((e) => e.type)).toEqual([
      'LoanApplied',
      'GuaranteeIssued',
      'LoanApplicationRejected',
    ]);
  });
});
