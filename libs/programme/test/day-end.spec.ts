import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, bp, fen, loanDecider, loanStream, yuan } from '@app/domain';
import { OpenLoans, runDayEnd } from '@app/programme';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from '../../../test/support/programme';

/** Two processes run the same day-end at once: together they report exactly the marks recorded. */
describe('the day-end run in two processes at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'day-end-'));
  const path = join(dir, 'events.db');
  const a = programmeOn(openFile(path));
  const b = programmeOn(openFile(path));
  afterAll(async () => {
    await a.handler.store.close();
    await b.handler.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each mark once', async () => {
    await a.programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(1_000_000), reference: 'r' },
      envelope('f', '2011-01-02'),
    );
    for (let i = 0; i < 20; i++) {
      const id = `L${i}`;
      await a.programme.applyForLoan(applicationData(id, `P${i}`), envelope(`apply-${id}`, '2011-01-05'));
      await a.programme.issueGuarantee(id, guaranteeData(), envelope(`guarantee-${id}`, '2011-01-08'));
      const disbursement = {
        amount: yuan(50_000),
        contractRate: bp(600),
        repaymentMethod: 'interest_quarterly_principal_at_maturity' as const,
        bankContractNo: `C-${id}`,
        borrowerFees: fen(0),
      };
      await a.programme.disburse(id, disbursement, envelope(`disburse-${id}`, '2011-01-10'));
    }
    // Both know every loan (their caches are warm), then both run the day after the first interest fell due.
    const loansA = new OpenLoans(a.handler.store);
    const loansB = new OpenLoans(b.handler.store);
    await Promise.all([loansA.start(), loansB.start()]);
    for (const id of await loansB.list()) await b.handler.load(loanStream(id), loanDecider);
    const day = '2011-03-25' as BusinessDate;
    const [ra, rb] = await Promise.all([runDayEnd(a.programme, loansA, day), runDayEnd(b.programme, loansB, day)]);
    await Promise.all([loansA.stop(), loansB.stop()]);

    const marks = (await a.handler.store.readAll()).filter((e) => e.type === 'Overdue').length;
    expect(marks).toBe(20);
    expect(ra.markedOverdue + rb.markedOverdue).toBe(marks);
  });
});
