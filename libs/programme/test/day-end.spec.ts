import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, fen, loanDecider, loanStream, yuan } from '@app/domain';
import { OpenLoans, runDayEnd } from '@app/programme';
import { applicationData, disbursedLoan, envelope, openFile, programmeOn } from '../../../test/support/programme';

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
      await disbursedLoan(a.programme, `L${i}`, `P${i}`);
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

/** Run every day, the day-end looks at what each day brings, not at the whole portfolio. */
describe('the day-end run every day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'day-end-index-'));
  const { programme, handler } = programmeOn(openFile(join(dir, 'events.db')));
  const open = new OpenLoans(handler.store);
  afterAll(async () => {
    await open.stop();
    await handler.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (day: string) => runDayEnd(programme, open, day as BusinessDate);

  it('looks at a loan after each due date and step deadline, and at every loan when a past day is run again', async () => {
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(1_000_000), reference: 'r' },
      envelope('f', '2011-01-02'),
    );
    for (let i = 0; i < 5; i++) {
      await disbursedLoan(programme, `L${i}`, `P${i}`);
    }
    await programme.applyForLoan(applicationData('W', 'PW'), envelope('apply-W', '2011-01-05')); // never decided
    await open.start();

    // Each loan once when it is new; then nothing until its deadline (25 January) or the first settlement (20 March).
    expect(await run('2011-01-11')).toMatchObject({ loansChecked: 5, waitingChecked: 1, markedOverdue: 0 });
    expect(await run('2011-01-20')).toMatchObject({ loansChecked: 0, waitingChecked: 0 });
    expect(await run('2011-01-26')).toMatchObject({ loansChecked: 0, waitingChecked: 1, stepsPastDeadline: 1 });
    expect(await run('2011-03-20')).toMatchObject({ loansChecked: 0, waitingChecked: 0 });
    // Four pay the March interest; the fifth is overdue the day after.
    for (let i = 0; i < 4; i++)
      await programme.repay(
        `L${i}`,
        { principal: fen(0), interest: fen(58_333), borrowerFees: fen(0) },
        envelope(`pay-L${i}`, '2011-03-20'),
      );
    expect(await run('2011-03-21')).toMatchObject({ loansChecked: 5, markedOverdue: 1 });
    expect(await run('2011-04-30')).toMatchObject({ loansChecked: 0, markedOverdue: 0 });
    // June's interest falls due for all five and none pays it (the fifth's overdue interest grows).
    expect(await run('2011-06-21')).toMatchObject({ loansChecked: 5, markedOverdue: 5 });
    // A past day run again looks at every loan, and finds nothing new.
    expect(await run('2011-03-21')).toMatchObject({ loansChecked: 5, waitingChecked: 1, markedOverdue: 0 });
  });
});
