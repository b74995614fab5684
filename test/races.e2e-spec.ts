import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { borrowerStream, fundDecider, fundStream, yuan } from '@app/domain';
import { Api, application, contribution, disbursement, guarantee, startApi } from './support/api';
import { applicationData, envelope, openFile, programmeOn } from './support/programme';
import { Raced, race } from './support/race';
import { as } from './support/auth';

/**
 * Many requests at once to one API: one process, whose keyed mutex runs the commands on a stream one at
 * a time. These hold the rules and the replies under load; the store's expected revision is put to the
 * test by the processes below (and by libs/programme/test/interleavings.spec.ts).
 */
describe('races over HTTP', () => {
  let api: Api;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => api.stop());
  /** The i-th of many clerks (of the bank, or of the county's centre), each with a request of its own. */
  const key = (i: number, role: 'bank_clerk' | 'centre_clerk') => ({
    ...as(`${role}-${i}`, role, role === 'bank_clerk' ? 'ABC' : 'GC-360721'),
    'idempotency-key': `race-${i}-${Date.now()}`,
  });

  it('50 concurrent disbursements of one loan: exactly one is recorded', async () => {
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    const { loanId } = (await api.post('/loans', application(1))).body;
    await api.post(`/loans/${loanId}/guarantee`, guarantee());
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.post(`/loans/${loanId}/disbursement`, disbursement(), key(i, 'bank_clerk'))),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409 && r.body.code === 'LOAN.ALREADY_DISBURSED')).toHaveLength(49);
    const events = (await api.get(`/loans/${loanId}/events`)).body.events;
    expect(events.filter((e: { type: string }) => e.type === 'Disbursed')).toHaveLength(1);
  });

  it('concurrent applications by one person at different centres: one open loan', async () => {
    const centres = ['GC-360721', 'GC-360700', 'GC-360000'];
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.post('/loans', application(5, { centreId: centres[i % 3], businessDate: '2011-01-05' }), key(i, 'centre_clerk')),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'BORROWER.HAS_OPEN_LOAN')).toBe(true);
    const borrower = (await api.get(`/borrowers/${replies.find((r) => r.status === 201)!.body.borrowerId}/events`)).body.events;
    expect(borrower.map((e: { type: string }) => e.type)).toEqual(['BorrowerLoanOpened']);
  });

  it('concurrent guarantees that together exceed 5 × the fund: the accepted total stays within the cap', async () => {
    await api.post('/funds/GC-360721/contributions', contribution(yuan(100_000))); // cap: 500,000 yuan
    const loans: string[] = [];
    for (let i = 0; i < 16; i++) loans.push((await api.post('/loans', application(100 + i))).body.loanId);
    const replies = await Promise.all(
      loans.map((id, i) => api.post(`/loans/${id}/guarantee`, guarantee(yuan(40_000)), key(i, 'centre_clerk'))),
    );
    const accepted = replies.filter((r) => r.status === 200).length;
    expect(accepted).toBe(12); // 12 × 40,000 = 480,000 ≤ 500,000 < 13 × 40,000
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'FUND.LEVERAGE_EXCEEDED')).toBe(true);
    expect((await api.get('/funds/GC-360721')).body.guaranteesOutstandingFen).toBe(accepted * yuan(40_000));
  });
});

/**
 * Four processes on one SQLite file. Each starts, folds the streams its commands need and waits at a
 * barrier (test/support/race.ts), so all four decide on the same state and append at once; within each
 * process the keyed mutex serialises nothing across processes, so only the expected revision of the
 * appends keeps the rule. Every process but the first to append is turned away at least once.
 */
describe('races between processes sharing the SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loans-race-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const conflictsOn = (results: Raced[], stream: string) => results.map((r) => r.conflicts[stream] ?? 0);

  it('guarantees from four processes at once never take the fund past 5 × its balance', async () => {
    const path = join(dir, 'events.db');
    const store = openFile(path);
    const { programme, handler } = programmeOn(store);
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(100_000), reference: 'r' },
      envelope('fund', '2011-01-02'),
    );
    const loanIds = Array.from({ length: 24 }, (_, i) => `L${i}`);
    for (const id of loanIds) await programme.applyForLoan(applicationData(id, `B${id}`), envelope(`apply-${id}`, '2011-01-05'));
    const fund = fundStream('GC-360721');
    const results = await race(
      dir,
      [0, 1, 2, 3].map((w) => ({ path, action: 'guarantee' as const, loanIds: loanIds.filter((_, i) => i % 4 === w) })),
    );
    // All four decided their first guarantee on the fund as it was before any of them wrote.
    expect(results.map((r) => r.folded[fund])).toEqual(['0', '0', '0', '0']);
    const outcomes = results.flatMap((r) => r.outcomes);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10); // 10 × 50,000 = 500,000 yuan
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'FUND.LEVERAGE_EXCEEDED')).toBe(true);
    expect(conflictsOn(results, fund).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    expect((await handler.load(fund, fundDecider)).state.exposure).toBe(yuan(500_000));
    await store.close();
  });

  it('one person applying from four processes at once gets one open loan', async () => {
    const path = join(dir, 'events.db');
    const borrower = borrowerStream('SAME');
    const results = await race(
      dir,
      [0, 1, 2, 3].map((w) => ({ path, action: 'apply' as const, borrowerId: 'SAME', loanIds: [`W${w}-a`, `W${w}-b`] })),
    );
    expect(results.map((r) => r.folded[borrower])).toEqual(['none', 'none', 'none', 'none']);
    const outcomes = results.flatMap((r) => r.outcomes);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'BORROWER.HAS_OPEN_LOAN')).toBe(true);
    expect(conflictsOn(results, borrower).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    const store = openFile(path);
    expect((await store.readAll()).filter((e) => e.type === 'LoanApplied')).toHaveLength(1);
    expect((await store.readStream(borrower)).map((e) => e.type)).toEqual(['BorrowerLoanOpened']);
    await store.close();
  });
});
