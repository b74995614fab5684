import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, LoanApplication, SYSTEM_ACTOR, erasureDecider, erasureStream, loanDecider, loanStream } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { OpenLoans, Programme, RiskRegister, runDayEnd } from '@app/programme';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from '../../../test/support/programme';

/** Risk control through the use cases on a real SQLite file, with the register following it as the API runs it. */
describe("risk control's register", () => {
  let dir: string;
  let store: SqliteEventStore;
  let handler: CommandHandler;
  let register: RiskRegister;
  let programme: Programme;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'risk-'));
    store = openFile(join(dir, 'events.db'));
    handler = programmeOn(store).handler;
    register = new RiskRegister(store);
    await register.start();
    programme = new Programme(handler, undefined, register);
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: 100_000_000 as never, reference: 'r' },
      envelope('f', '2011-01-02'),
    );
    await programme.contribute(
      'GC-360722',
      { source: 'county_finance', amount: 100_000_000 as never, reference: 'r' },
      envelope('g', '2011-01-02'),
    );
  });
  afterEach(async () => {
    await register.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const apply = (loanId: string, borrowerId: string, over: Partial<LoanApplication> = {}, on = '2011-01-05') =>
    programme.applyForLoan({ ...applicationData(loanId, borrowerId), ...over }, envelope(`apply-${loanId}`, on));
  const flagsOf = async (loanId: string) =>
    (await store.readStream(loanStream(loanId))).filter((e) => e.type === 'RiskFlagged').map((e) => e.data);
  const pending = async (loanId: string) => (await handler.load(loanStream(loanId), loanDecider)).state.risk.pending;

  it("flags an application that gives another borrower's phone, and holds its guarantee until an officer clears it", async () => {
    await apply('L1', 'P1', { riskKeys: { phone: 'h-phone' } });
    await apply('L2', 'P2', { riskKeys: { phone: 'h-phone' } });
    expect(await flagsOf('L1')).toEqual([]);
    expect(await flagsOf('L2')).toEqual([
      {
        loanId: 'L2',
        findings: [{ reason: 'shared_contact', key: 'phone', loanIds: ['L1'] }],
        foundBy: 'application',
        foundOn: '2011-01-05',
      },
    ]);
    await expect(programme.issueGuarantee('L2', guaranteeData(), envelope('g-L2', '2011-01-08'))).rejects.toMatchObject({
      code: 'RISK.REVIEW_PENDING',
    });
    // The refusal reserved nothing on the fund: the guarantee goes through once cleared.
    await programme.reviewRisk('L2', { decision: 'cleared', note: '夫妻共用电话' }, envelope('r-L2', '2011-01-06'));
    await programme.issueGuarantee('L2', guaranteeData(), envelope('g-L2b', '2011-01-08'));
    expect((await handler.load(loanStream('L2'), loanDecider)).state.status).toBe('guaranteed');
  });

  it('takes a retried application as the same request though the register learnt more since', async () => {
    await apply('L1', 'P1', { riskKeys: { phone: 'h-phone' } });
    const first = await apply('L2', 'P2', { riskKeys: { phone: 'h-phone' } });
    await apply('L3', 'P3', { riskKeys: { phone: 'h-phone' } });
    const retried = await apply('L2', 'P2', { riskKeys: { phone: 'h-phone' } });
    expect(retried.duplicate).toBe(true);
    expect(retried.appended.map((e) => e.id)).toEqual(first.appended.map((e) => e.id));
    // And the day-end's re-check, run twice on one day after the register changed, records once.
    const check = () => programme.checkRisk('L1', { actor: SYSTEM_ACTOR, businessDate: '2011-01-06' as BusinessDate });
    expect((await check()).appended).toHaveLength(1);
    await apply('L4', 'P4', { riskKeys: { phone: 'h-phone' } }, '2011-01-06');
    expect(await check()).toMatchObject({ duplicate: true });
  });

  it('does not match a borrower with their own earlier loans', async () => {
    await apply('L1', 'P1', { riskKeys: { phone: 'h-phone' } });
    await programme.reject('L1', { reasonCode: 'INCOMPLETE_FILE' }, envelope('rej', '2011-01-06'));
    await apply('L2', 'P1', { riskKeys: { phone: 'h-phone' } }, '2011-01-07');
    expect(await flagsOf('L2')).toEqual([]);
  });

  it('flags a guarantor behind an open loan, and no longer once that loan is closed', async () => {
    await apply('L1', 'P1', { guarantorId: 'G1' });
    await apply('L2', 'P2', { guarantorId: 'G1' });
    expect((await flagsOf('L2'))[0]).toMatchObject({ findings: [{ reason: 'guarantor_over_limit', loanIds: ['L1'] }] });
    await programme.reject('L1', { reasonCode: 'INCOMPLETE_FILE' }, envelope('rej', '2011-01-06'));
    await apply('L3', 'P3', { guarantorId: 'G1' });
    expect((await flagsOf('L3'))[0]).toMatchObject({ findings: [{ reason: 'guarantor_over_limit', loanIds: ['L2'] }] });
  });

  it('flags a borrower refused at another centre', async () => {
    await apply('L1', 'P1', { countyCode: '360722', centreId: 'GC-360722', branchId: 'ABC-360722' });
    await programme.reject('L1', { reasonCode: 'FALSE_DOCUMENTS' }, envelope('rej', '2011-01-06'));
    await apply('L2', 'P1', {}, '2011-01-07');
    expect((await flagsOf('L2'))[0]).toMatchObject({ findings: [{ reason: 'refused_elsewhere', loanIds: ['L1'] }] });
  });

  it('flags, at day-end, an application waiting for a decision that a later one shares details with, once', async () => {
    await apply('L1', 'P1', { riskKeys: { address: 'h-address' } });
    await apply('L2', 'P2', { riskKeys: { address: 'h-address' } }, '2011-01-06');
    const open = new OpenLoans(store);
    await open.start();
    try {
      // Both new applications are re-checked; the next day, with nothing new registered, none is.
      const report = await runDayEnd(programme, open, '2011-01-06' as BusinessDate);
      expect(report).toMatchObject({ riskRechecked: 2, riskFlagged: 1 });
      expect(await runDayEnd(programme, open, '2011-01-07' as BusinessDate)).toMatchObject({ riskRechecked: 0, riskFlagged: 0 });
    } finally {
      await open.stop();
    }
    expect(await flagsOf('L1')).toEqual([
      {
        loanId: 'L1',
        findings: [{ reason: 'shared_contact', key: 'address', loanIds: ['L2'] }],
        foundBy: 'day_end',
        foundOn: '2011-01-06',
      },
    ]);
    expect(await pending('L1')).toBe(true);
  });

  it('rebuilds the same register from the history in another process', async () => {
    await apply('L1', 'P1', { riskKeys: { phone: 'h-phone', business_licence: 'h-lic' }, guarantorId: 'G1' });
    await programme.reject('L1', { reasonCode: 'NO' }, envelope('rej', '2011-01-06'));
    await apply('L2', 'P2', { riskKeys: { business_licence: 'h-lic' }, guarantorId: 'G1' });
    const other = new RiskRegister(new SqliteEventStore({ path: join(dir, 'events.db') }));
    await other.start();
    try {
      const next = { loanId: 'L9', borrowerId: 'P1', riskKeys: { phone: 'h-phone', business_licence: 'h-lic' }, guarantorId: 'G1' };
      const facts = await register.factsFor(next);
      expect(await other.factsFor(next)).toEqual(facts);
      expect(facts).toEqual({
        sharing: [{ key: 'business_licence', loanId: 'L2', open: true }],
        guarantorLoans: ['L2'],
        refusals: [{ loanId: 'L1', centreId: 'GC-360721' }],
      });
    } finally {
      await other.stop();
    }
  });

  it("stops matching a person's details once their personal data is erased", async () => {
    await apply('L1', 'P1', { riskKeys: { phone: 'h-phone' } });
    await programme.reject('L1', { reasonCode: 'NO' }, envelope('rej', '2011-01-06'));
    const erasure = { borrowerId: 'P1', keyGenerations: [1], legalBasis: 'consent_withdrawn' as const, requestReference: 'R-1' };
    await handler.handle(
      erasureStream('P1'),
      erasureDecider,
      { type: 'RecordErasure', data: { ...erasure, erasedAt: '2011-01-07T00:00:00Z' } },
      {
        commandId: 'erase',
        actor: SYSTEM_ACTOR,
        businessDate: '2011-01-07' as BusinessDate,
      },
    );
    // The subscription delivers the erasure: until then the register may still match.
    await waitFor(
      async () => (await register.factsFor({ loanId: 'L9', borrowerId: 'P2', riskKeys: { phone: 'h-phone' } })).sharing.length === 0,
    );
    await apply('L2', 'P2', { riskKeys: { phone: 'h-phone' } }, '2011-01-08');
    expect(await flagsOf('L2')).toEqual([]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('the condition did not come true in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
