import ExcelJS from 'exceljs';
import { EventStore } from '@app/event-store';
import { Api, CLERK, Reply, application, contribution, disbursement, guarantee, startApi, until } from './support/api';
import { idNumber } from './support/ids';
import { applicationData, envelope, openFile, programmeOn } from './support/programme';

/**
 * Every endpoint, called as a clerk, a bank or an analyst would, and checked for what they need from it: the
 * status and the essential body. Commands that other suites exercise step by step (the loan's life, the
 * ledgers' filters) are used here to build a small programme, whose reads are then checked against it.
 */

function ok(reply: Reply, status = 200): any {
  if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const types = (body: { events: Array<{ type: string }> }) => body.events.map((e) => e.type);

describe('every endpoint, as its users call it', () => {
  let api: Api;
  /** A: running, its first quarter's interest paid and subsidised. B: guaranteed, then rejected. C: running, then extended. */
  let A: { loanId: string; borrowerId: string };
  let B: string;
  let C: string;

  beforeAll(async () => {
    api = await startApi();
    ok(await api.post('/funds/GC-360721/contributions', contribution(100_000_000)), 201);
    A = ok(await api.post('/loans', application(1)), 201);
    ok(await api.post(`/loans/${A.loanId}/guarantee`, guarantee()));
    ok(await api.post(`/loans/${A.loanId}/disbursement`, disbursement()));
    ok(await api.post(`/loans/${A.loanId}/repayments`, { principalFen: 0, interestFen: 58_333, businessDate: '2011-03-20' }));
    B = ok(await api.post('/loans', application(2)), 201).loanId;
    ok(await api.post(`/loans/${B}/guarantee`, guarantee()));
    C = ok(await api.post('/loans', application(3)), 201).loanId;
    ok(await api.post(`/loans/${C}/guarantee`, guarantee()));
    ok(await api.post(`/loans/${C}/disbursement`, disbursement()));
  });
  afterAll(async () => api.stop());

  describe('commands', () => {
    it('POST /loans/{loanId}/rejection rejects a guaranteed application, releasing the fund and closing the borrower', async () => {
      const before = ok(await api.get('/funds/GC-360721')).guaranteesOutstandingFen;
      const rejected = ok(
        await api.post(`/loans/${B}/rejection`, { reasonCode: 'FALSE_DOCUMENTS', note: '营业执照伪造', businessDate: '2011-01-20' }),
      );
      expect(rejected).toMatchObject({ loanId: B, status: 'rejected', duplicate: false });
      expect(rejected.events).toEqual([
        expect.objectContaining({
          type: 'LoanApplicationRejected',
          data: expect.objectContaining({
            loanId: B,
            reasonCode: 'FALSE_DOCUMENTS',
            note: '营业执照伪造',
            fundId: 'GC-360721',
            rejectedOn: '2011-01-20',
          }),
        }),
      ]);
      expect(ok(await api.get('/funds/GC-360721')).guaranteesOutstandingFen).toBe(before - 5_000_000);
      const borrower = ok(await api.get(`/borrowers/${rejected.events[0].data.borrowerId}/events`));
      expect(borrower.events.map((e: any) => [e.type, e.data.outcome])).toEqual([
        ['BorrowerLoanOpened', undefined],
        ['BorrowerLoanClosed', 'rejected'],
      ]);
    });

    it('POST /loans/{loanId}/extension moves the maturity once, with the guarantor’s consent', async () => {
      const extended = ok(
        await api.post(`/loans/${C}/extension`, { newMaturity: '2012-06-10', guarantorConsent: true, businessDate: '2011-02-01' }),
      );
      expect(extended).toMatchObject({ loanId: C, status: 'disbursed' });
      expect(extended.events).toEqual([
        expect.objectContaining({
          type: 'LoanExtended',
          data: { loanId: C, previousMaturity: '2012-01-10', newMaturity: '2012-06-10', extendedOn: '2011-02-01' },
        }),
      ]);
      expect(ok(await api.get(`/loans/${C}`))).toMatchObject({ maturityDate: '2012-06-10', extended: true });
    });

    it('PUT /targets/{regionCode}/{year} sets and revises a target; GET …/events lists every revision', async () => {
      const set = ok(await api.put('/targets/360721/2011', { loans: 300, amountFen: 1_500_000_000, businessDate: '2011-01-02' }));
      expect(set).toMatchObject({
        regionCode: '360721',
        year: 2011,
        events: [{ type: 'AnnualTargetSet', data: { loans: 300, amount: 1_500_000_000 } }],
      });
      // The same target again changes nothing; a revision is recorded.
      expect(
        ok(await api.put('/targets/360721/2011', { loans: 300, amountFen: 1_500_000_000, businessDate: '2011-01-03' })).events,
      ).toEqual([]);
      ok(await api.put('/targets/360721/2011', { loans: 350, amountFen: 1_750_000_000, businessDate: '2011-06-30' }));
      const history = ok(await api.get('/targets/360721/2011/events'));
      expect(history).toMatchObject({ streamName: 'target-360721-2011', revision: '1' });
      expect(history.events.map((e: any) => [e.data.loans, e.data.setOn, e.metadata.businessDate])).toEqual([
        [300, '2011-01-02', '2011-01-02'],
        [350, '2011-06-30', '2011-06-30'],
      ]);
    });

    it("POST /subsidy-claims and …/payment record a bank's claim and finance's payment; GET …/events lists both", async () => {
      const claimed = ok(
        await api.post('/subsidy-claims', {
          claimId: 'ABC-2011Q1-1',
          bankCode: 'ABC',
          quarter: '2011-Q1',
          items: [{ loanId: A.loanId, centralFen: 58_333, localFen: 0 }],
          businessDate: '2011-04-05',
        }),
        201,
      );
      expect(claimed).toMatchObject({
        claimId: 'ABC-2011Q1-1',
        events: [{ type: 'InterestSubsidyClaimed', data: { central: 58_333, local: 0 } }],
      });
      const paid = ok(
        await api.post('/subsidy-claims/ABC/2011-Q1/ABC-2011Q1-1/payment', { centralFen: 58_333, localFen: 0, businessDate: '2011-05-10' }),
        201,
      );
      expect(paid.events).toEqual([
        expect.objectContaining({ type: 'InterestSubsidyPaid', data: expect.objectContaining({ central: 58_333, paidOn: '2011-05-10' }) }),
      ]);
      const stream = ok(await api.get('/subsidy-claims/ABC/2011-Q1/events'));
      expect(stream).toMatchObject({ streamName: 'subsidy-ABC-2011-Q1', revision: '1' });
      expect(types(stream)).toEqual(['InterestSubsidyClaimed', 'InterestSubsidyPaid']);
      expect(stream.events[0].data.items).toEqual([{ loanId: A.loanId, central: 58_333, local: 0 }]);
    });

    it('POST /borrowers/lookup finds a person’s borrower id from their ID number, keeps nothing and shows no number', async () => {
      const before = await api.eventCount();
      const found = ok(await api.post('/borrowers/lookup', { idNumber: idNumber(1) }), 201);
      expect(found).toEqual({ borrowerId: A.borrowerId, maskedIdNumber: expect.stringMatching(/^360721\*{8}\d{3}[\dX]$/) });
      expect(JSON.stringify(found)).not.toContain(idNumber(1));
      // Someone who never applied gets an id all the same (the hash of their number), with no events behind it.
      const stranger = ok(await api.post('/borrowers/lookup', { idNumber: idNumber(99) }), 201);
      expect(stranger.borrowerId).not.toBe(A.borrowerId);
      expect((await api.get(`/borrowers/${stranger.borrowerId}/events`)).status).toBe(404);
      expect(await api.eventCount()).toBe(before);
    });
  });

  describe('reads of the record', () => {
    it('GET /loans/{loanId} shows the loan as its events make it, without the ID number', async () => {
      const loan = ok(await api.get(`/loans/${A.loanId}`));
      expect(loan).toMatchObject({
        loanId: A.loanId,
        status: 'disbursed',
        outstandingPrincipalFen: 5_000_000,
        maturityDate: '2012-01-10',
        extended: false,
        everOverdue: false,
        guarantee: { fundId: 'GC-360721', amountFen: 5_000_000, issuedOn: '2011-01-08' },
        application: { borrowerId: A.borrowerId, centreId: 'GC-360721', bankCode: 'ABC', appliedOn: '2011-01-05' },
      });
      expect(loan.revision).toBe('3'); // applied, guaranteed, disbursed, repaid: revisions 0 to 3
      expect(JSON.stringify(loan)).not.toContain(idNumber(1));
    });

    it('GET /loans/{loanId}/events and GET /streams/{streamName}/events show the same events with their metadata', async () => {
      const events = ok(await api.get(`/loans/${A.loanId}/events`));
      expect(types(events)).toEqual(['LoanApplied', 'GuaranteeIssued', 'Disbursed', 'Repaid']);
      expect(ok(await api.get(`/streams/loan-${A.loanId}/events`))).toEqual(events);
      const [applied] = events.events;
      expect(applied).toMatchObject({ streamName: `loan-${A.loanId}`, revision: '0', position: expect.stringMatching(/^\d+\/\d+$/) });
      expect(applied.metadata).toMatchObject({
        actor: { userId: 'clerk-01', role: 'centre_clerk' },
        businessDate: '2011-01-05',
        policyVersion: 'JX-2008',
      });
    });

    it('GET /loans/{loanId}/payoff-quote and …/repayment-schedule give what pays the loan off on a day and what falls due when', async () => {
      const quote = ok(await api.get(`/loans/${A.loanId}/payoff-quote?date=2011-06-20`));
      // 5,000,000 fen × 6 % × 92 days (21 March – 20 June) / 360 = 76,666.67.
      expect(quote).toEqual({
        loanId: A.loanId,
        quotedFor: '2011-06-20',
        principalFen: 5_000_000,
        interestFen: 76_667,
        totalFen: 5_076_667,
        overdue: { principalFen: 0, interestFen: 0, since: null },
        subsidy: { subsidisableInterestFen: 76_667, centralFen: 76_667, localFen: 0 },
      });
      const schedule = ok(await api.get(`/loans/${A.loanId}/repayment-schedule?date=2011-06-20`));
      expect(schedule.lines.map((l: { dueDate: string; state: string }) => [l.dueDate, l.state])).toEqual([
        ['2011-03-20', 'paid'],
        ['2011-06-20', 'projected'],
        ['2011-09-20', 'projected'],
        ['2011-12-20', 'projected'],
        ['2012-01-10', 'projected'],
      ]);
      expect((await api.get(`/loans/${A.loanId}/payoff-quote?date=2011-6-20`)).body.code).toBe('REQUEST.INVALID');
      expect((await api.get(`/loans/${B}/payoff-quote?date=2011-06-20`)).body).toMatchObject({ status: 409, code: 'LOAN.NOT_REPAYABLE' });
      expect((await api.get(`/loans/${A.loanId}/repayment-schedule?date=2010-12-31`)).body.code).toBe('LOAN.DATE_BEFORE_DISBURSEMENT');
      expect((await api.get('/loans/6f1c3d52-8a7e-4f7b-9a55-2b1c0e7d9f10/payoff-quote')).status).toBe(404);
    });

    it('GET /funds/{fundId} gives the balance, guarantees outstanding and headroom; GET /funds/{fundId}/events the movements', async () => {
      const fund = ok(await api.get('/funds/GC-360721'));
      const outstanding = fund.guaranteesOutstandingFen;
      expect(fund).toMatchObject({
        fundId: 'GC-360721',
        balanceFen: 100_000_000,
        leverageMultiple: 5,
        headroomFen: 500_000_000 - outstanding,
      });
      const events = ok(await api.get('/funds/GC-360721/events'));
      expect(events.streamName).toBe('fund-GC-360721');
      expect(types(events).slice(0, 4)).toEqual([
        'GuaranteeFundContributed',
        'FundExposureReserved',
        'FundExposureReserved',
        'FundExposureReserved',
      ]);
      expect(events.events[0].data).toMatchObject({ source: 'county_finance', amount: 100_000_000, reference: '赣县财政 2011' });
      // What the events add up to is what the fund shows.
      const reserved = events.events.reduce(
        (s: number, e: any) =>
          s + (e.type === 'FundExposureReserved' ? e.data.amount : e.type === 'FundExposureReleased' ? -e.data.amount : 0),
        0,
      );
      expect(reserved).toBe(outstanding);
    });

    it('GET /borrowers/{borrowerId}/events shows the person’s open loan', async () => {
      const borrower = ok(await api.get(`/borrowers/${A.borrowerId}/events`));
      expect(borrower.events.map((e: any) => [e.type, e.data.loanId])).toEqual([['BorrowerLoanOpened', A.loanId]]);
    });

    it('GET /reference lists the regions, centres, banks and branches the programme knows', async () => {
      const reference = ok(await api.get('/reference'));
      expect(reference.regions).toEqual(expect.arrayContaining([expect.objectContaining({ code: '360721', name: '赣县' })]));
      expect(reference.centres).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'GC-360721' })]));
      expect(reference.banks).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'ABC' })]));
      expect(reference.branches).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: 'ABC-360721', bankCode: 'ABC', regionCode: '360721' })]),
      );
    });

    it('GET /health says the API can record, and where the store is', async () => {
      const health = ok(await api.get('/health'));
      expect(health).toMatchObject({
        status: 'ok',
        eventStore: { writable: true, lastPosition: expect.stringMatching(/^\d+\/\d+$/) },
        reconciler: { failed: [] },
      });
    });
  });

  describe('the ledgers, the bulletin and their exports', () => {
    beforeAll(async () => {
      // The projections run beside the API: wait until they have seen everything above.
      await until(async () => {
        const status = ok(await api.get('/projections'));
        return (
          status.every((p: any) => p.state === 'live' && p.lag === 0) &&
          ok(await api.get('/ledgers/subsidy/banks')).rows[0]?.centralPaidFen === 58_333
        );
      });
    });

    it('GET /ledgers/business has a row per loan; GET /ledgers/business/{loanId} one of them', async () => {
      const ledger = ok(await api.get('/ledgers/business?sort=appliedOn&order=asc'));
      expect(ledger.total).toBe(3);
      const byLoan = Object.fromEntries(ledger.rows.map((r: any) => [r.loanId, r]));
      expect(byLoan[A.loanId]).toMatchObject({
        status: 'disbursed',
        disbursedAmountFen: 5_000_000,
        interestPaidFen: 58_333,
        outstandingPrincipalFen: 5_000_000,
      });
      expect(byLoan[B]).toMatchObject({ status: 'rejected', rejectReason: 'FALSE_DOCUMENTS' });
      expect(byLoan[C]).toMatchObject({ status: 'extended', extended: true, maturityDate: '2012-06-10' });
      expect(ok(await api.get(`/ledgers/business/${C}`))).toEqual(byLoan[C]);
    });

    it("GET /ledgers/funds and /ledgers/fund-movements show the fund's balance, exposure and every movement", async () => {
      const [fund] = ok(await api.get('/ledgers/funds')).rows;
      expect(fund).toMatchObject({ fundId: 'GC-360721', balanceFen: 100_000_000, exposureFen: 10_000_000, guaranteesOpen: 2 });
      const movements = ok(await api.get('/ledgers/fund-movements?fundId=GC-360721&sort=seq'));
      expect(movements.rows[0]).toMatchObject({ kind: expect.any(String), cashInFen: 100_000_000, balanceAfterFen: 100_000_000 });
      expect(movements.rows.every((m: any) => m.balanceAfterFen === 100_000_000)).toBe(true); // guarantees move no cash
    });

    it('GET /ledgers/subsidy/loans and /ledgers/subsidy/banks show the subsidy due, claimed and paid', async () => {
      const loans = ok(await api.get(`/ledgers/subsidy/loans?loanId=${A.loanId}`));
      expect(loans.rows).toEqual([
        expect.objectContaining({
          quarter: '2011-Q1',
          bankCode: 'ABC',
          interestPaidFen: 58_333,
          centralDueFen: 58_333,
          centralClaimedFen: 58_333,
          localDueFen: 0,
        }),
      ]);
      const banks = ok(await api.get('/ledgers/subsidy/banks?bankCode=ABC&quarter=2011-Q1'));
      expect(banks.rows).toEqual([
        expect.objectContaining({ centralDueFen: 58_333, centralClaimedFen: 58_333, centralPaidFen: 58_333, claims: 1 }),
      ]);
    });

    it('GET /ledgers/journal is in double entry, and GET /ledgers/trial-balance sums to zero', async () => {
      const journal = ok(await api.get('/ledgers/journal?book=GC-360721&pageSize=1000'));
      expect(journal.total).toBeGreaterThan(0);
      const sum = (k: string) => journal.rows.reduce((s: number, r: any) => s + r[k], 0);
      expect(sum('debitFen')).toBe(sum('creditFen'));
      const tb = ok(await api.get('/ledgers/trial-balance?book=GC-360721&month=2011-01'));
      expect(tb).toMatchObject({ book: 'GC-360721', month: '2011-01', totalFen: 0 });
      expect(tb.accounts.find((a: any) => a.account === '1001')).toMatchObject({ balanceFen: 100_000_000 });
    });

    it('GET /bulletin counts the month’s loans for a county', async () => {
      const bulletin = ok(await api.get('/bulletin?month=2011-01&region=360721'));
      expect(bulletin).toMatchObject({ month: '2011-01', region: '360721' });
      const county = bulletin.rows.find((r: any) => r.regionCode === '360721');
      expect(county.disbursed.month).toMatchObject({ loans: 2, amountFen: 10_000_000 });
    });

    it('GET /exports/{ledger} gives each ledger as CSV, Markdown, JSON and XLSX', async () => {
      const csv = await api.raw(`/exports/business?format=csv`);
      expect(csv.headers.get('content-disposition')).toContain('business.csv');
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines).toHaveLength(4); // the heading and three loans
      expect(lines[0]).toContain('贷款编号');
      const md = await api.raw(`/exports/funds?format=md`);
      expect(md.headers.get('content-type')).toContain('text/markdown');
      expect(await md.text()).toContain('| 赣县小额担保贷款担保中心 |');
      const json = ok(await api.get(`/exports/subsidy-loans?format=json&loanId=${A.loanId}`));
      expect(json).toEqual([expect.objectContaining({ loanId: A.loanId, centralDueFen: 58_333 })]);
      const xlsx = await api.raw(`/exports/fund-movements?format=xlsx`);
      expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await xlsx.arrayBuffer()) as never);
      expect(book.worksheets[0].rowCount).toBeGreaterThan(3);
      for (const ledger of ['subsidy-banks', 'journal']) expect((await api.raw(`/exports/${ledger}`)).status).toBe(200);
    });

    it('GET /exports/bulletin gives the bulletin as CSV, Markdown and JSON', async () => {
      const json = ok(await api.get('/exports/bulletin?month=2011-01&region=360721&format=json'));
      expect(json.find((r: any) => r.regionCode === '360721').disbursed.month.loans).toBe(2);
      const md = await api.raw(`/exports/bulletin?month=2011-01&region=360721&format=md`);
      expect(md.headers.get('content-disposition')).toContain('bulletin-2011-01-360721.md');
      expect(await md.text()).toContain('2011-01 小额担保贷款工作通报');
      const csv = await api.raw(`/exports/bulletin?month=2011-01&region=360721`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
    });

    it('GET /projections reports each projection; POST /projections/rebuild rebuilds them all to the same rows', async () => {
      const status = ok(await api.get('/projections'));
      expect(status.map((p: any) => [p.name, p.state, p.lag])).toEqual([
        ['business-ledger', 'live', 0],
        ['fund-ledger', 'live', 0],
        ['subsidy-ledger', 'live', 0],
        ['financial-ledger', 'live', 0],
        ['assessment', 'live', 0],
        ['bulletin', 'live', 0],
      ]);
      const rows = async () => [
        ok(await api.get('/ledgers/business?sort=loanId')).rows,
        ok(await api.get('/ledgers/fund-movements?sort=seq')).rows,
        ok(await api.get('/ledgers/subsidy/banks')).rows,
      ];
      const before = await rows();
      const generation = Object.fromEntries(status.map((p: any) => [p.name, p.generation]));
      const rebuild = ok(await api.post('/projections/rebuild', {}), 202);
      expect(rebuild.rebuilding).toEqual(status.map((p: any) => p.name));
      await until(async () => ok(await api.get('/projections')).every((p: any) => p.state === 'live' && p.generation > generation[p.name]));
      expect(await rows()).toEqual(before);
    });
  });
});

describe('POST /operations/reconcile', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({ PROJECTIONS: 'off' });
  });
  afterAll(async () => api.stop());

  it('finishes an application a crash cut in half: the borrower reserved, the loan never recorded', async () => {
    // Another process reserves the borrower and dies before recording the loan, two minutes ago.
    const store = openFile(api.path);
    const crashing: EventStore = {
      appendToStream: (name, events, options) =>
        name.startsWith('loan-') ? Promise.reject(new Error('the process died here')) : store.appendToStream(name, events, options),
      readStream: (name, options) => store.readStream(name, options),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options) => store.subscribeToAll(options),
      close: () => store.close(),
    };
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now - 120_000);
    try {
      await expect(
        programmeOn(crashing).programme.applyForLoan(applicationData('L1', 'B1'), envelope('apply-L1', '2011-01-05')),
      ).rejects.toThrow('the process died here');
    } finally {
      jest.restoreAllMocks();
      await store.close();
    }
    expect((await api.get('/loans/L1')).status).toBe(404);
    expect(types(ok(await api.get('/borrowers/B1/events')))).toEqual(['BorrowerLoanOpened']);

    // The reconciler leaves alone what is younger than 30 s (a request may still be finishing it); this is older.
    const report = ok(await api.post('/operations/reconcile', {}));
    expect(report).toEqual({ scanned: 1, finished: 1, undone: 0, failed: [] });
    expect(ok(await api.get('/loans/L1'))).toMatchObject({ status: 'applied', application: { borrowerId: 'B1' } });
    const applied = ok(await api.get('/loans/L1/events')).events;
    expect(applied.map((e: any) => [e.type, e.metadata.commandId])).toEqual([['LoanApplied', 'apply-L1']]);

    // Run again, there is nothing left to do; and only a signed-in operator may run it.
    expect(ok(await api.post('/operations/reconcile', {}))).toMatchObject({ finished: 0, undone: 0, failed: [] });
    const anonymous = await fetch(`${await api.app.getUrl()}/operations/reconcile`, { method: 'POST' });
    expect([anonymous.status, ((await anonymous.json()) as { code: string }).code]).toEqual([401, 'AUTH.REQUIRED']);
    expect(await api.post('/operations/reconcile', {}, CLERK)).toMatchObject({ status: 403, body: { code: 'ACCESS.DENIED' } });
  });
});
