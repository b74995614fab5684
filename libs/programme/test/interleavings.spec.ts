import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, bp, borrowerDecider, borrowerStream, fen, fundDecider, fundStream, loanStream, yuan } from '@app/domain';
import { EventStore } from '@app/event-store';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store';
import { EsdbTestServer } from '@app/event-store/esdb/testing/test-server';
import { GatedStore, Outcome, interleave } from '../../../test/support/gated-store';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from '../../../test/support/programme';

/**
 * Two command handlers (two processes, as far as the store can tell) on one store, interleaved by hand:
 * handler A decides and its append is held until handler B has decided on the same state and appended.
 * Within one handler the keyed mutex would serialise the two commands; here nothing but the expected
 * revision of A's append can stop A from being recorded too. Each test fails if the command handler
 * appends with `expectedRevision: 'any'`.
 */
interface Backend {
  name: string;
  /** Whether cross-stream commands commit in one transaction (otherwise in steps, as on EventStoreDB). */
  transactions?: boolean;
  open(): Promise<{ a: EventStore; b: EventStore; close(): Promise<void> }>;
}

async function sqliteFile() {
  const dir = mkdtempSync(join(tmpdir(), 'interleave-'));
  const path = join(dir, 'events.db');
  const [a, b] = [openFile(path), openFile(path)];
  return {
    a,
    b,
    async close() {
      await Promise.all([a.close(), b.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const backends: Backend[] = [
  { name: 'one SQLite file through two connections, one transaction per command', transactions: true, open: sqliteFile },
  { name: 'one SQLite file through two connections, in steps', open: sqliteFile },
  {
    name: 'EventStoreDB (the in-process test server) through two clients',
    async open() {
      const server = new EsdbTestServer();
      await server.start();
      const [a, b] = [new EsdbEventStore(server.connectionString), new EsdbEventStore(server.connectionString)];
      return {
        a,
        b,
        async close() {
          await Promise.all([a.close(), b.close()]);
          await server.stop();
        },
      };
    },
  },
];

const disbursement = (contractNo: string) => ({
  amount: yuan(50_000),
  contractRate: bp(600),
  repaymentMethod: 'interest_quarterly_principal_at_maturity' as const,
  bankContractNo: contractNo,
  borrowerFees: fen(0),
});

const refusal = (o: Outcome<unknown>) => (o.ok ? 'accepted' : o.error instanceof DomainError ? o.error.code : String(o.error));

describe.each(backends)('two command handlers interleaved on $name', (backend) => {
  let close: () => Promise<void>;
  let a: ReturnType<typeof programmeOn> & { store: GatedStore };
  let b: ReturnType<typeof programmeOn> & { store: GatedStore };
  beforeEach(async () => {
    const opened = await backend.open();
    close = opened.close;
    const transactions = backend.transactions;
    const [sa, sb] = [new GatedStore(opened.a, { transactions }), new GatedStore(opened.b, { transactions })];
    a = { ...programmeOn(sa), store: sa };
    b = { ...programmeOn(sb), store: sb };
  });
  afterEach(() => close());

  /** The held append of A and B's append to the same stream expected the same revision: both decided on one state. */
  function expectSameStateDecided(streamName: string, held: { expectedRevision: unknown }) {
    const bFirst = b.store.appends.find((x) => x.streamName === streamName);
    expect(bFirst?.expectedRevision).toEqual(held.expectedRevision);
    expect(bFirst?.outcome).toBe('appended');
    // …and the store refused A's, which is what stopped it.
    expect(a.store.conflictsOn(streamName)).toHaveLength(1);
  }

  const contribute = (amountYuan: number) =>
    a.programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(amountYuan), reference: 'seed' },
      envelope('fund-seed', '2011-01-02'),
    );

  it('one open loan per person: two applications by one borrower at once, one BorrowerLoanOpened', async () => {
    const run = await interleave(
      a.store,
      borrowerStream('P'),
      () => a.programme.applyForLoan(applicationData('LA', 'P'), envelope('apply-A', '2011-01-05')),
      () => b.programme.applyForLoan(applicationData('LB', 'P'), envelope('apply-B', '2011-01-05')),
    );
    expect(run.held.types).toEqual(['BorrowerLoanOpened']);
    expect(refusal(run.second)).toBe('accepted');
    expect(refusal(run.first)).toBe('BORROWER.HAS_OPEN_LOAN');
    expectSameStateDecided(borrowerStream('P'), run.held);
    const borrower = await b.store.readStream(borrowerStream('P'));
    expect(borrower.map((e) => [e.type, (e.data as { loanId: string }).loanId])).toEqual([['BorrowerLoanOpened', 'LB']]);
    expect((await b.handler.load(borrowerStream('P'), borrowerDecider)).state.openLoanId).toBe('LB');
    expect(await b.store.readStream(loanStream('LA'))).toEqual([]);
  });

  it("the fund's 5 × leverage: two guarantees that fit only one at a time, one FundExposureReserved", async () => {
    await contribute(10_000); // 5 × 10,000 = 50,000 yuan: room for one guarantee of 50,000
    await a.programme.applyForLoan(applicationData('L1', 'P1'), envelope('apply-1', '2011-01-05'));
    await a.programme.applyForLoan(applicationData('L2', 'P2'), envelope('apply-2', '2011-01-05'));
    const run = await interleave(
      a.store,
      fundStream('GC-360721'),
      () => a.programme.issueGuarantee('L1', guaranteeData(), envelope('guarantee-1', '2011-01-08')),
      () => b.programme.issueGuarantee('L2', guaranteeData(), envelope('guarantee-2', '2011-01-08')),
    );
    expect(run.held.types).toEqual(['FundExposureReserved']);
    expect(refusal(run.second)).toBe('accepted');
    expect(refusal(run.first)).toBe('FUND.LEVERAGE_EXCEEDED');
    expectSameStateDecided(fundStream('GC-360721'), run.held);
    const fund = (await b.handler.load(fundStream('GC-360721'), fundDecider)).state;
    expect(fund.exposure).toBe(yuan(50_000));
    expect([...fund.reservations.keys()]).toEqual(['L2']);
    expect((await b.store.readStream(loanStream('L1'))).map((e) => e.type)).toEqual(['LoanApplied']);
  });

  it('compensation within the balance: two compensations the fund can pay only one of, one FundCompensationCharged', async () => {
    await contribute(60_000); // each compensation is 80 % of 50,000 yuan and its unpaid interest: about 40,600
    for (const id of ['L1', 'L2']) {
      await a.programme.applyForLoan(applicationData(id, `P-${id}`), envelope(`apply-${id}`, '2011-01-05'));
      await a.programme.issueGuarantee(id, guaranteeData(), envelope(`guarantee-${id}`, '2011-01-08'));
      await a.programme.disburse(id, disbursement(`C-${id}`), envelope(`disburse-${id}`, '2011-01-10'));
    }
    const run = await interleave(
      a.store,
      fundStream('GC-360721'),
      () => a.programme.payCompensation('L1', envelope('compensate-1', '2011-06-25')),
      () => b.programme.payCompensation('L2', envelope('compensate-2', '2011-06-25')),
    );
    expect(run.held.types).toEqual(['FundCompensationCharged']);
    expect(refusal(run.second)).toBe('accepted');
    expect(refusal(run.first)).toBe('FUND.INSUFFICIENT_BALANCE');
    expectSameStateDecided(fundStream('GC-360721'), run.held);
    const charged = (await b.store.readStream(fundStream('GC-360721'))).filter((e) => e.type === 'FundCompensationCharged');
    expect(charged.map((e) => (e.data as { loanId: string }).loanId)).toEqual(['L2']);
    const fund = (await b.handler.load(fundStream('GC-360721'), fundDecider)).state;
    expect(fund.balance).toBe(yuan(60_000) - (charged[0].data as { amount: number }).amount);
    expect((await b.store.readStream(loanStream('L1'))).map((e) => e.type)).not.toContain('CompensationPaid');
  });

  it('and within one stream: two disbursements of one loan, one Disbursed', async () => {
    await contribute(100_000);
    await a.programme.applyForLoan(applicationData('L1', 'P1'), envelope('apply-1', '2011-01-05'));
    await a.programme.issueGuarantee('L1', guaranteeData(), envelope('guarantee-1', '2011-01-08'));
    const run = await interleave(
      a.store,
      loanStream('L1'),
      () => a.programme.disburse('L1', disbursement('C-A'), envelope('disburse-A', '2011-01-10')),
      () => b.programme.disburse('L1', disbursement('C-B'), envelope('disburse-B', '2011-01-10')),
    );
    expect(run.held.types).toEqual(['Disbursed']);
    expect(refusal(run.second)).toBe('accepted');
    expect(refusal(run.first)).toBe('LOAN.ALREADY_DISBURSED');
    expectSameStateDecided(loanStream('L1'), run.held);
    expect((await b.store.readStream(loanStream('L1'))).filter((e) => e.type === 'Disbursed')).toHaveLength(1);
  });
});
