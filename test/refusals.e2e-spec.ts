import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JIANGXI_POLICIES, MAX_COUNT, Quarter, bp, fen, yuan } from '@app/domain';
import { EventStore, SqliteEventStore, WrongExpectedVersionError } from '@app/event-store';
import { createApp } from '../apps/api/src/app';
import { loadConfig } from '../apps/api/src/config';
import { EVENT_STORE } from '../apps/api/src/tokens';
import { Api, CLERK, Reply, application, contribution, disbursement, guarantee, startApi } from './support/api';
import { FINANCE } from './support/auth';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from './support/programme';

/**
 * Every refusal the API can give, brought about over HTTP: its status, its code, a problem+json body, and
 * nothing recorded. The codes the edge already keeps out of reach (a rule whose input validation refuses
 * first) are shown refused at the edge, and then produced below it, through the programme, to show that the
 * rule still holds there. Codes other suites already produce over HTTP (bad-requests, hostile-input,
 * http-edge, loan-lifecycle, races, ledgers) are not repeated here.
 */

/** Sends a request that must be refused: checks its status, code and body, and that nothing was recorded. */
const refusing =
  (api: () => Api) =>
  async (send: () => Promise<Reply>, status: number, code: string): Promise<any> => {
    const before = await api().eventCount();
    const reply = await send();
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ type: `urn:problem:${code}`, status, title: expect.any(String), detail: expect.any(String) });
    expect(await api().eventCount()).toBe(before);
    return reply.body;
  };

/** A reply that must have succeeded, with its body. */
function ok(reply: Reply, status = 200): any {
  if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const keyed = (key: string) => ({ ...CLERK, 'idempotency-key': key });

/** Loans in the states the rules care about, each for a person of its own (`n` is the person). */
function loansOn(api: () => Api) {
  const applied = async (n: number, over: Record<string, unknown> = {}) => ok(await api().post('/loans', application(n, over)), 201).loanId;
  const guaranteed = async (n: number, over: Record<string, unknown> = {}) => {
    const loanId = await applied(n, over);
    ok(await api().post(`/loans/${loanId}/guarantee`, guarantee()));
    return loanId;
  };
  const disbursed = async (n: number, over: Record<string, unknown> = {}) => {
    const loanId = await guaranteed(n, over);
    ok(await api().post(`/loans/${loanId}/disbursement`, disbursement()));
    return loanId;
  };
  /** Repaid in full and on time on 2011-02-01: 22 days' interest on 50,000 yuan at 6 %. */
  const settled = async (n: number) => {
    const loanId = await disbursed(n);
    const paid = ok(
      await api().post(`/loans/${loanId}/repayments`, { principalFen: 5_000_000, interestFen: 18_333, businessDate: '2011-02-01' }),
    );
    expect(paid.status).toBe('settled');
    return loanId;
  };
  /** A second-support application by the person whose first loan was `first`. */
  const secondSupport = async (n: number, first: string, over: Record<string, unknown> = {}) =>
    applied(n, {
      kind: 'second_support',
      amountFen: 30_000_000,
      previousLoanId: first,
      jobsPlanned: 8,
      businessDate: '2011-03-01',
      ...over,
    });
  return { applied, guaranteed, disbursed, settled, secondSupport };
}

describe('refusals over HTTP: status, code, and nothing recorded', () => {
  let api: Api;
  const refused = refusing(() => api);
  const loans = loansOn(() => api);
  /** Loan ids by what they are. */
  const L: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi();
    ok(await api.post('/funds/GC-360721/contributions', contribution(1_000_000_000)), 201);
    // 瑞金's fund holds 10,000 yuan: enough to stand behind one 50,000-yuan loan (5×), not to pay for its default.
    ok(await api.post('/funds/GC-360781/contributions', contribution(1_000_000)), 201);

    L.applied = await loans.applied(1);
    L.guaranteed = await loans.guaranteed(2);
    L.disbursed = await loans.disbursed(3);
    L.settled = await loans.settled(4);
    L.secondSupport = await loans.secondSupport(4, L.settled);
    L.granted = await loans.secondSupport(5, await loans.settled(5));
    ok(await api.post(`/loans/${L.granted}/second-support`, { jobsCreated: 6, businessDate: '2011-03-02' }));
    L.otherProject = await loans.secondSupport(6, await loans.settled(6), { project: { name: '养猪', industry: 'agriculture' } });
    L.firstOf13 = await loans.settled(13);
    L.compensated = await loans.disbursed(7);
    ok(await api.post(`/loans/${L.compensated}/compensation`, { businessDate: '2011-06-19' }));
    L.extended = await loans.disbursed(8);
    ok(await api.post(`/loans/${L.extended}/extension`, { newMaturity: '2012-06-10', guarantorConsent: true, businessDate: '2011-02-01' }));
    L.ruijin = await loans.disbursed(9, { countyCode: '360781', centreId: 'GC-360781', branchId: 'ABC-360781' });
    // A loan whose first quarter's interest was paid: 58,333 fen of central subsidy due for 2011-Q1, 10,000 of it claimed.
    L.subsidised = await loans.disbursed(10);
    ok(await api.post(`/loans/${L.subsidised}/repayments`, { principalFen: 0, interestFen: 58_333, businessDate: '2011-03-20' }));
    ok(await api.post('/subsidy-claims', claim('ABC-2011Q1-1', [{ loanId: L.subsidised, centralFen: 10_000, localFen: 0 }])), 201);
  });
  afterAll(async () => api.stop());

  function claim(claimId: string, items: Array<{ loanId: string; centralFen: number; localFen: number }>, over: object = {}) {
    return { claimId, bankCode: 'ABC', quarter: '2011-Q1', items, businessDate: '2011-04-05', ...over };
  }

  describe('an application', () => {
    const cases: Array<[string, () => Record<string, unknown>, number, string]> = [
      ['on the id of a loan that exists', () => application(11, { loanId: L.applied }), 409, 'LOAN.ALREADY_APPLIED'],
      ['through a bank branch in another city', () => application(11, { branchId: 'ABC-360102' }), 400, 'LOAN.BRANCH_OUTSIDE_AREA'],
      [
        "at a centre that does not serve the borrower's county",
        () => application(11, { centreId: 'GC-360100' }),
        400,
        'LOAN.CENTRE_NOT_RESPONSIBLE',
      ],
      [
        'with a joint guarantee of two households (three are needed)',
        () => application(11, { counterGuarantee: { mode: 'joint_households', households: 2 } }),
        409,
        'LOAN.JOINT_GUARANTEE_TOO_FEW',
      ],
      [
        'for a partnership of one',
        () => application(11, { kind: 'partnership', personsSupported: 1 }),
        400,
        'LOAN.PARTNERSHIP_NEEDS_PARTNERS',
      ],
      [
        'recommended by a credit community it does not name',
        () => application(11, { counterGuarantee: { mode: 'credit_community' } }),
        400,
        'LOAN.CREDIT_COMMUNITY_MISSING',
      ],
      [
        'for a first loan naming a previous loan',
        () => application(11, { previousLoanId: L.settled }),
        400,
        'LOAN.PREVIOUS_LOAN_NOT_EXPECTED',
      ],
      [
        'for second support naming a loan that does not exist',
        () => application(11, { kind: 'second_support', amountFen: 30_000_000, previousLoanId: 'no-such-loan' }),
        409,
        'LOAN.SECOND_SUPPORT_NEEDS_FIRST_LOAN',
      ],
      [
        "for second support naming another person's loan",
        () => application(12, { kind: 'second_support', amountFen: 30_000_000, previousLoanId: L.settled }),
        409,
        'LOAN.SECOND_SUPPORT_OTHER_BORROWER',
      ],
      [
        'for second support while the first loan is still being repaid',
        () => application(3, { kind: 'second_support', amountFen: 30_000_000, previousLoanId: L.disbursed, businessDate: '2011-03-01' }),
        409,
        'LOAN.SECOND_SUPPORT_FIRST_LOAN_OPEN',
      ],
      [
        'for second support in one request, with fewer than 5 people employed (checked before anything is recorded)',
        () => oneRequest(4),
        409,
        'LOAN.SECOND_SUPPORT_TOO_FEW_JOBS',
      ],
      [
        'for second support in one request, for another project',
        () => oneRequest(6, { project: { name: '养猪', industry: 'agriculture' } }),
        409,
        'LOAN.SECOND_SUPPORT_OTHER_PROJECT',
      ],
      ['with people employed, not being second support', () => application(14, { jobsCreated: 6 }), 400, 'LOAN.JOBS_CREATED_NOT_EXPECTED'],
    ];
    /** Second support for person 13, whose first loan was repaid on time, with the jobs given at once. */
    const oneRequest = (jobsCreated: number, over: Record<string, unknown> = {}) =>
      application(13, {
        kind: 'second_support',
        amountFen: 30_000_000,
        previousLoanId: L.firstOf13,
        businessDate: '2011-03-01',
        jobsCreated,
        ...over,
      });
    it.each(cases)('%s is refused', async (_, body, status, code) => {
      await refused(() => api.post('/loans', body()), status, code);
    });

    it('second support in one request, every condition met, is granted with the application and can be guaranteed at once', async () => {
      const second = ok(await api.post('/loans', oneRequest(6)), 201);
      expect(second.events.map((e: { type: string }) => e.type)).toEqual(['LoanApplied', 'SecondSupportGranted']);
      expect(second.events[1].data).toMatchObject({ previousLoanId: L.firstOf13, jobsCreated: 6, cap: 30_000_000 });
      ok(await api.post(`/loans/${second.loanId}/guarantee`, guarantee(30_000_000, '2011-03-02')));
    });
  });

  describe('a command on a loan', () => {
    const cases: Array<[string, () => Promise<Reply>, number, string]> = [
      // second support
      [
        'confirming second support of a first loan',
        () => api.post(`/loans/${L.applied}/second-support`, { jobsCreated: 6 }),
        409,
        'LOAN.NOT_SECOND_SUPPORT',
      ],
      [
        'confirming second support twice',
        () => api.post(`/loans/${L.granted}/second-support`, { jobsCreated: 7, businessDate: '2011-03-03' }),
        409,
        'LOAN.SECOND_SUPPORT_ALREADY_DECIDED',
      ],
      [
        'confirming second support for another project',
        () => api.post(`/loans/${L.otherProject}/second-support`, { jobsCreated: 6, businessDate: '2011-03-02' }),
        409,
        'LOAN.SECOND_SUPPORT_OTHER_PROJECT',
      ],
      [
        'confirming second support with four jobs (five are needed)',
        () => api.post(`/loans/${L.secondSupport}/second-support`, { jobsCreated: 4, businessDate: '2011-03-02' }),
        409,
        'LOAN.SECOND_SUPPORT_TOO_FEW_JOBS',
      ],
      // guarantee
      ['guaranteeing a loan twice', () => api.post(`/loans/${L.guaranteed}/guarantee`, guarantee()), 409, 'LOAN.CANNOT_GUARANTEE'],
      [
        'guaranteeing second support before it is confirmed',
        () => api.post(`/loans/${L.secondSupport}/guarantee`, guarantee(30_000_000, '2011-03-05')),
        409,
        'LOAN.SECOND_SUPPORT_NOT_GRANTED',
      ],
      [
        'a guarantee fee above 1 % a year',
        () => api.post(`/loans/${L.applied}/guarantee`, { ...guarantee(), feeRateBp: 101 }),
        409,
        'LOAN.GUARANTEE_FEE_TOO_HIGH',
      ],
      [
        'a guarantee dated before the application',
        () => api.post(`/loans/${L.applied}/guarantee`, guarantee(5_000_000, '2011-01-04')),
        400,
        'LOAN.DATE_BEFORE_APPLICATION',
      ],
      // disbursement
      [
        'paying out more than the guarantee',
        () => api.post(`/loans/${L.guaranteed}/disbursement`, disbursement('2011-01-10', 5_000_001)),
        409,
        'LOAN.DISBURSEMENT_EXCEEDS_GUARANTEE',
      ],
      [
        'a disbursement dated before the guarantee',
        () => api.post(`/loans/${L.guaranteed}/disbursement`, disbursement('2011-01-07')),
        400,
        'LOAN.DISBURSED_BEFORE_GUARANTEE',
      ],
      [
        'a contract rate above the benchmark plus 3 points (5.81 % + 3 = 8.81 %)',
        () => api.post(`/loans/${L.guaranteed}/disbursement`, { ...disbursement(), contractRateBp: 882 }),
        409,
        'LOAN.RATE_TOO_HIGH',
      ],
      // repayments
      [
        'a repayment on a loan not disbursed',
        () => api.post(`/loans/${L.applied}/repayments`, { principalFen: 0, interestFen: 100, businessDate: '2011-02-01' }),
        409,
        'LOAN.NOT_REPAYABLE',
      ],
      [
        'a repayment dated before the disbursement',
        () => api.post(`/loans/${L.disbursed}/repayments`, { principalFen: 0, interestFen: 100, businessDate: '2011-01-09' }),
        400,
        'LOAN.REPAID_BEFORE_DISBURSEMENT',
      ],
      [
        'a repayment of nothing',
        () => api.post(`/loans/${L.disbursed}/repayments`, { principalFen: 0, interestFen: 0, businessDate: '2011-02-01' }),
        400,
        'LOAN.REPAYMENT_EMPTY',
      ],
      [
        'more principal than is outstanding',
        () => api.post(`/loans/${L.disbursed}/repayments`, { principalFen: 5_000_001, interestFen: 0, businessDate: '2011-02-01' }),
        409,
        'LOAN.REPAYMENT_EXCEEDS_OUTSTANDING',
      ],
      [
        'more interest than is owed',
        () => api.post(`/loans/${L.disbursed}/repayments`, { principalFen: 0, interestFen: 18_334, businessDate: '2011-02-01' }),
        409,
        'LOAN.INTEREST_EXCEEDS_OWED',
      ],
      // extension
      [
        'extending a loan not disbursed',
        () => api.post(`/loans/${L.applied}/extension`, { newMaturity: '2012-06-10', guarantorConsent: true, businessDate: '2011-02-01' }),
        409,
        'LOAN.CANNOT_EXTEND',
      ],
      [
        'extending a loan twice',
        () => api.post(`/loans/${L.extended}/extension`, { newMaturity: '2012-12-10', guarantorConsent: true, businessDate: '2011-02-02' }),
        409,
        'LOAN.ALREADY_EXTENDED',
      ],
      [
        "extending without the guarantor's consent",
        () =>
          api.post(`/loans/${L.disbursed}/extension`, { newMaturity: '2012-06-10', guarantorConsent: false, businessDate: '2011-02-01' }),
        409,
        'LOAN.EXTENSION_NEEDS_CONSENT',
      ],
      [
        'extending after the maturity date',
        () =>
          api.post(`/loans/${L.disbursed}/extension`, { newMaturity: '2012-06-10', guarantorConsent: true, businessDate: '2012-01-11' }),
        409,
        'LOAN.EXTENSION_AFTER_MATURITY',
      ],
      [
        'extending a loan whose interest is overdue',
        () =>
          api.post(`/loans/${L.disbursed}/extension`, { newMaturity: '2012-06-10', guarantorConsent: true, businessDate: '2011-06-01' }),
        409,
        'LOAN.EXTENSION_WHILE_OVERDUE',
      ],
      [
        'extending by more than 12 months',
        () =>
          api.post(`/loans/${L.disbursed}/extension`, { newMaturity: '2013-01-11', guarantorConsent: true, businessDate: '2011-02-01' }),
        409,
        'LOAN.EXTENSION_TOO_LONG',
      ],
      // rejection, compensation, recovery, write-off
      [
        'rejecting a disbursed loan',
        () => api.post(`/loans/${L.disbursed}/rejection`, { reasonCode: 'FALSE_DOCUMENTS' }),
        409,
        'LOAN.CANNOT_REJECT',
      ],
      [
        'compensating a loan never disbursed',
        () => api.post(`/loans/${L.applied}/compensation`, { businessDate: '2011-06-19' }),
        409,
        'LOAN.CANNOT_COMPENSATE',
      ],
      [
        'compensation the fund cannot pay (10,000 yuan against a 40,000-yuan loss)',
        () => api.post(`/loans/${L.ruijin}/compensation`, { businessDate: '2011-06-19' }),
        409,
        'FUND.INSUFFICIENT_BALANCE',
      ],
      [
        'a recovery on a loan never compensated',
        () => api.post(`/loans/${L.disbursed}/recoveries`, { amountFen: 100, source: 'borrower' }),
        409,
        'LOAN.NOT_COMPENSATED',
      ],
      [
        'recovering more than the fund paid',
        () => api.post(`/loans/${L.compensated}/recoveries`, { amountFen: 5_000_000, source: 'borrower', businessDate: '2011-07-01' }),
        409,
        'LOAN.RECOVERY_EXCEEDS_CLAIM',
      ],
      [
        'writing off a loan never compensated',
        () => api.post(`/loans/${L.disbursed}/write-off`, { approvalRef: 'FIN-2011-1' }),
        409,
        'LOAN.CANNOT_WRITE_OFF',
      ],
    ];
    it.each(cases)('%s is refused', async (_, send, status, code) => {
      await refused(send, status, code);
    });
  });

  describe('a subsidy claim or payment', () => {
    const cases: Array<[string, () => Promise<Reply>, number, string]> = [
      [
        'filing a claim id twice',
        () => api.post('/subsidy-claims', claim('ABC-2011Q1-1', [{ loanId: L.subsidised, centralFen: 1_000, localFen: 0 }])),
        409,
        'SUBSIDY.CLAIM_EXISTS',
      ],
      [
        'claiming for a quarter not yet ended',
        () =>
          api.post(
            '/subsidy-claims',
            claim('ABC-2011Q2-1', [{ loanId: L.subsidised, centralFen: 1, localFen: 0 }], { quarter: '2011-Q2' }),
          ),
        409,
        'SUBSIDY.QUARTER_NOT_ENDED',
      ],
      [
        'listing a loan twice',
        () =>
          api.post(
            '/subsidy-claims',
            claim('ABC-2011Q1-2', [
              { loanId: L.subsidised, centralFen: 0, localFen: 0 },
              { loanId: L.subsidised, centralFen: 0, localFen: 0 },
            ]),
          ),
        400,
        'SUBSIDY.LOAN_TWICE',
      ],
      [
        "claiming for another bank's loan",
        () =>
          api.post('/subsidy-claims', claim('CCB-2011Q1-1', [{ loanId: L.subsidised, centralFen: 1, localFen: 0 }], { bankCode: 'CCB' })),
        409,
        'SUBSIDY.NOT_THIS_BANKS_LOAN',
      ],
      [
        'paying a claim never filed',
        () => api.post('/subsidy-claims/ABC/2011-Q1/NO-SUCH-CLAIM/payment', { centralFen: 1, localFen: 0, businessDate: '2011-05-10' }),
        409,
        'SUBSIDY.UNKNOWN_CLAIM',
      ],
      [
        'paying more than was claimed',
        () => api.post('/subsidy-claims/ABC/2011-Q1/ABC-2011Q1-1/payment', { centralFen: 10_001, localFen: 0, businessDate: '2011-05-10' }),
        409,
        'SUBSIDY.PAYMENT_EXCEEDS_CLAIM',
      ],
    ];
    it.each(cases)('%s is refused', async (_, send, status, code) => {
      await refused(send, status, code);
    });

    it('a quarter of the year 50 is refused, and nothing is recorded', async () => {
      // The years 0000-0099 have no calendar dates here (JavaScript reads the year 50 as 1950).
      const problem = await refused(
        () =>
          api.post(
            '/subsidy-claims',
            claim('ABC-0050Q1-1', [{ loanId: L.subsidised, centralFen: 0, localFen: 0 }], { quarter: '0050-Q1' }),
          ),
        400,
        'REQUEST.INVALID',
      );
      expect(JSON.stringify(problem)).toContain('quarter must be a quarter written like 2011-Q1');
    });
  });

  describe('targets, streams and headers', () => {
    it.each([
      ['a year before the programme', '/targets/360721/1999'],
      ['a year that is not a number', '/targets/360721/MMXI'],
    ])('a target for %s is refused', async (_, url) => {
      await refused(() => api.put(url, { loans: 10, amountFen: 50_000_000, businessDate: '2011-01-02' }), 400, 'TARGET.BAD_YEAR');
    });

    it.each([
      '/streams/no-such-stream/events',
      '/loans/no-such-loan/events',
      '/funds/GC-360722/events',
      '/borrowers/no-such-borrower/events',
      '/subsidy-claims/ABC/2011-Q4/events',
      '/targets/360721/2011/events',
    ])('GET %s of a stream with no events is 404', async (url) => {
      const problem = await refused(() => api.get(url), 404, 'STREAM.NOT_FOUND');
      expect(problem.detail).toMatch(/^There is no .+ with that id\.$/);
    });

    it('a malformed X-Correlation-Id is refused', async () => {
      await refused(
        () => api.post('/funds/GC-360721/contributions', contribution(100), { ...FINANCE, 'x-correlation-id': 'x' }),
        400,
        'REQUEST.BAD_CORRELATION_ID',
      );
      // Well formed, it is recorded as the correlation id.
      const done = ok(
        await api.post('/funds/GC-360721/contributions', contribution(100), { ...FINANCE, 'x-correlation-id': 'batch-2011-01' }),
        201,
      );
      expect(done.events[0].metadata.correlationId).toBe('batch-2011-01');
    });
  });
});

describe('refusals that need a first loan that fell overdue', () => {
  let api: Api;
  const refused = refusing(() => api);
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.stop());

  it('second support after a first loan that was ever overdue is refused', async () => {
    ok(await api.post('/funds/GC-360721/contributions', contribution(100_000_000)), 201);
    const first = await loansOn(() => api).disbursed(1);
    expect(ok(await api.post('/operations/day-end', { businessDate: '2011-03-21' }))).toMatchObject({ markedOverdue: 1 });
    await refused(
      () =>
        api.post(
          '/loans',
          application(1, { kind: 'second_support', amountFen: 30_000_000, previousLoanId: first, businessDate: '2011-04-01' }),
        ),
      409,
      'LOAN.SECOND_SUPPORT_FIRST_LOAN_OVERDUE',
    );
  });
});

describe('refusals that only a race or a busy store brings about', () => {
  let api: Api;
  let store: EventStore;
  const refused = refusing(() => api);
  const loans = loansOn(() => api);
  beforeAll(async () => {
    api = await startApi();
    store = api.app.get<EventStore>(EVENT_STORE);
    ok(await api.post('/funds/GC-360721/contributions', contribution(100_000_000)), 201);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => api.stop());

  /**
   * Another writer keeps moving the stream on: every append to it meets a revision it did not expect. (Real
   * contention that outlasts twelve attempts cannot be arranged reliably; the store is made to answer as if.)
   */
  function busy(streamName: string) {
    const append = store.appendToStream.bind(store);
    jest.spyOn(store, 'appendToStream').mockImplementation((name, events, options) => {
      if (name === streamName) return Promise.reject(new WrongExpectedVersionError(name, options.expectedRevision, 99n));
      return append(name, events, options);
    });
    const together = store.appendToStreams!.bind(store);
    jest.spyOn(store, 'appendToStreams').mockImplementation((writes) => {
      const moved = writes.find((w) => w.streamName === streamName);
      if (moved) return Promise.reject(new WrongExpectedVersionError(streamName, moved.expectedRevision, 99n));
      return together(writes);
    });
  }

  it('a contribution to a fund that stays too busy is refused after its retries', async () => {
    busy('fund-GC-360721');
    const problem = await refused(() => api.post('/funds/GC-360721/contributions', contribution(500)), 409, 'COMMAND.TOO_MUCH_CONTENTION');
    expect(problem.detail).toMatch(/try again/);
    jest.restoreAllMocks();
    expect(ok(await api.post('/funds/GC-360721/contributions', contribution(500)), 201).events).toHaveLength(1);
  });

  // Taken back and cancelled, or overtaken between its steps, on EventStoreDB: libs/programme/test/in-steps.spec.ts.
  it('a guarantee whose loan stays too busy is refused and records nothing, and its retry is recorded', async () => {
    const loanId = await loans.applied(2);
    const fundBefore = ok(await api.get('/funds/GC-360721'));
    const fundEventsBefore = ok(await api.get('/funds/GC-360721/events')).events.length;
    busy(`loan-${loanId}`);
    const first = await api.post(`/loans/${loanId}/guarantee`, guarantee(), keyed('guarantee-busy-1'));
    expect({ status: first.status, code: first.body.code }).toEqual({ status: 409, code: 'COMMAND.TOO_MUCH_CONTENTION' });
    jest.restoreAllMocks();
    // The reservation and the guarantee are one commit: neither was recorded.
    expect(ok(await api.get('/funds/GC-360721'))).toMatchObject({ guaranteesOutstandingFen: fundBefore.guaranteesOutstandingFen });
    expect(ok(await api.get('/funds/GC-360721/events')).events).toHaveLength(fundEventsBefore);
    expect(ok(await api.get(`/loans/${loanId}`)).status).toBe('applied');
    // The same request again, with the same key, is recorded once.
    expect(ok(await api.post(`/loans/${loanId}/guarantee`, guarantee(), keyed('guarantee-busy-1'))).status).toBe('guaranteed');
    expect(ok(await api.get('/funds/GC-360721/events')).events).toHaveLength(fundEventsBefore + 1);
  });
});

describe('refusals under a policy table of its own (POLICY_FILE)', () => {
  let api: Api;
  let dir: string;
  const refused = refusing(() => api);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-policy-'));
    const file = join(dir, 'policies.json');
    // In force from 2011 only.
    const policy = {
      ...JIANGXI_POLICIES[1],
      version: 'TEST-2011',
      effectiveFrom: '2011-01-01',
      benchmarkRates: [{ from: '2011-01-01', upTo6Months: 585, upTo12Months: 631, upTo36Months: 640 }],
    };
    writeFileSync(file, JSON.stringify([policy]));
    api = await startApi({ POLICY_FILE: file });
    ok(await api.post('/funds/GC-360721/contributions', contribution(100_000_000)), 201);
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a contribution or an application dated before any policy is refused', async () => {
    await refused(() => api.post('/funds/GC-360721/contributions', contribution(100, '2010-12-31')), 409, 'POLICY.NONE_IN_FORCE');
    await refused(() => api.post('/loans', application(1, { businessDate: '2010-12-31' })), 409, 'POLICY.NONE_IN_FORCE');
  });

  it('a policy table whose benchmark rates start after the policy does is refused at boot, naming the gap', async () => {
    // Else no loan could be paid out between the two dates (POLICY.NO_BENCHMARK_RATE for each).
    const file = join(dir, 'gap.json');
    const gap = { ...JIANGXI_POLICIES[1], version: 'TEST-GAP', effectiveFrom: '2011-01-01' };
    writeFileSync(
      file,
      JSON.stringify([{ ...gap, benchmarkRates: [{ from: '2011-06-01', upTo6Months: 585, upTo12Months: 631, upTo36Months: 640 }] }]),
    );
    await expect(startApi({ POLICY_FILE: file })).rejects.toThrow(
      /policy TEST-GAP: benchmarkRates must have a rate in force on 2011-01-01, when the policy starts \(the first is from 2011-06-01\)/,
    );
  });
});

describe('a ledger asked for before the ledgers are first built', () => {
  let api: Api;
  const refused = refusing(() => api);
  const logged: string[] = [];
  beforeAll(async () => {
    api = await startApi({ PROJECTIONS: 'off' }); // the projector, run on its own, has not built them yet
    jest.spyOn(process.stderr, 'write').mockImplementation((line) => logged.push(String(line)) > 0);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.stop();
  });

  it.each(['/ledgers/business', '/ledgers/funds', '/bulletin?month=2011-01'])('GET %s is 503, to try again shortly', async (url) => {
    const problem = await refused(() => api.get(url), 503, 'LEDGER.BUILDING');
    expect(problem.detail).toMatch(/being built for the first time; try again shortly/);
  });

  it('is not logged as an error with a stack: it is expected, not a failure', () => {
    expect(logged.filter((line) => line.includes('LEDGER.BUILDING') || line.includes('ServiceUnavailable'))).toEqual([]);
  });
});

describe('a client too slow to send its request', () => {
  it('is answered 408 REQUEST.TIMEOUT as problem+json, and nothing is recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loans-timeout-'));
    const path = join(dir, 'events.db');
    const app = await createApp(loadConfig({ EVENT_STORE_PATH: path, DAY_END_AT: 'off', PORT: '0', PROJECTIONS: 'off' }), ['error']);
    const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
    // A request is given a minute (Fastify's own default is never); a head, Node's 60 s. Checked every 30 s: shortened here.
    expect([server.requestTimeout, server.headersTimeout]).toEqual([60_000, 60_000]);
    server.connectionsCheckingInterval = 50;
    server.headersTimeout = 300;
    server.requestTimeout = 300;
    await app.listen(0, '127.0.0.1');
    const reader = new SqliteEventStore({ path });
    try {
      const port = Number(new URL(await app.getUrl()).port);
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(text));
        // The head of a command, never finished.
        socket.write(
          `POST /funds/GC-360721/contributions HTTP/1.1\r\nHost: test\r\ncontent-type: application/json\r\nx-actor-user: clerk-01\r\n`,
        );
      });
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(head).toContain('Content-Type: application/problem+json; charset=utf-8');
      expect(JSON.parse(body)).toMatchObject({ type: 'urn:problem:REQUEST.TIMEOUT', status: 408, code: 'REQUEST.TIMEOUT' });
      expect(await reader.readAll()).toHaveLength(0);
    } finally {
      await reader.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Rules whose input the edge refuses first: over HTTP the request is refused as REQUEST.INVALID (400) before
 * any rule is asked, so the rule's own code can only be produced below HTTP. Each is shown both ways: the
 * request refused at the edge, and the same input refused by the programme with the rule's code, over a real
 * SQLite file that is left as it was.
 */
describe('rules the edge keeps out of reach of HTTP', () => {
  let api: Api;
  let dir: string;
  let store: SqliteEventStore;
  let programme: ReturnType<typeof programmeOn>['programme'];
  const refusedOverHttp = refusing(() => api);
  const at = (id: string, on = '2011-01-05') => envelope(id, on);

  beforeAll(async () => {
    api = await startApi({ PROJECTIONS: 'off' });
    dir = mkdtempSync(join(tmpdir(), 'loans-below-http-'));
    store = openFile(join(dir, 'events.db'));
    programme = programmeOn(store).programme;
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(1_000_000), reference: 'r' },
      at('fund', '2011-01-02'),
    );
    // L1: guaranteed. L2: compensated (its first quarter's interest unpaid for 91 days).
    await programme.applyForLoan(applicationData('L1', 'B1'), at('apply-L1'));
    await programme.issueGuarantee('L1', guaranteeData(), at('guarantee-L1', '2011-01-08'));
    await programme.applyForLoan(applicationData('L2', 'B2'), at('apply-L2'));
    await programme.issueGuarantee('L2', guaranteeData(), at('guarantee-L2', '2011-01-08'));
    await programme.disburse('L2', disbursed(600), at('disburse-L2', '2011-01-10'));
    await programme.payCompensation('L2', at('compensate-L2', '2011-06-19'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await api.stop();
  });

  function disbursed(rateBp: number) {
    return {
      amount: yuan(50_000),
      contractRate: bp(rateBp),
      repaymentMethod: 'interest_quarterly_principal_at_maturity' as const,
      bankContractNo: 'C',
      borrowerFees: fen(0),
    };
  }

  /** The programme refuses with the code, and the store is left as it was. */
  async function refusedBelow(run: () => Promise<unknown>, code: string) {
    const before = (await store.readAll()).length;
    await expect(run()).rejects.toMatchObject({ name: 'DomainError', code });
    expect((await store.readAll()).length).toBe(before);
  }

  const edge = (send: () => Promise<Reply>, field: string) => async () => {
    const problem = await refusedOverHttp(send, 400, 'REQUEST.INVALID');
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('FUND.AMOUNT_NOT_POSITIVE: a contribution of nothing', async () => {
    await edge(() => api.post('/funds/GC-360721/contributions', contribution(0)), 'amountFen')();
    await refusedBelow(
      () => programme.contribute('GC-360721', { source: 'county_finance', amount: fen(0), reference: 'r' }, at('fund-0', '2011-01-02')),
      'FUND.AMOUNT_NOT_POSITIVE',
    );
  });

  it('LOAN.AMOUNT_NOT_POSITIVE: an application for nothing', async () => {
    await edge(() => api.post('/loans', application(1, { amountFen: 0 })), 'amountFen')();
    await refusedBelow(
      () => programme.applyForLoan({ ...applicationData('L3', 'B3'), amount: fen(0) }, at('apply-L3-0')),
      'LOAN.AMOUNT_NOT_POSITIVE',
    );
  });

  it('LOAN.NO_CATEGORY: an application naming no borrower category', async () => {
    await edge(() => api.post('/loans', application(1, { categories: [] })), 'categories')();
    await refusedBelow(
      () => programme.applyForLoan({ ...applicationData('L3', 'B3'), categories: [] }, at('apply-L3-cat')),
      'LOAN.NO_CATEGORY',
    );
  });

  it('LOAN.NO_PERSONS: an application supporting no one', async () => {
    await edge(() => api.post('/loans', application(1, { personsSupported: 0 })), 'personsSupported')();
    await refusedBelow(
      () => programme.applyForLoan({ ...applicationData('L3', 'B3'), personsSupported: 0 }, at('apply-L3-persons')),
      'LOAN.NO_PERSONS',
    );
  });

  it('LOAN.RATE_NOT_POSITIVE: a disbursement at no interest', async () => {
    await edge(() => api.post('/loans/L1/disbursement', { ...disbursement(), contractRateBp: 0 }), 'contractRateBp')();
    await refusedBelow(() => programme.disburse('L1', disbursed(0), at('disburse-L1-0', '2011-01-10')), 'LOAN.RATE_NOT_POSITIVE');
  });

  it('LOAN.WRITE_OFF_NEEDS_APPROVAL: a write-off whose approval is blank', async () => {
    await edge(() => api.post('/loans/L2/write-off', { approvalRef: '   ' }), 'approvalRef')();
    await refusedBelow(
      () => programme.writeOff('L2', { approvalRef: '   ' }, at('write-off-L2', '2011-12-01')),
      'LOAN.WRITE_OFF_NEEDS_APPROVAL',
    );
  });

  it('SUBSIDY.NO_LOANS: a subsidy claim listing no loan', async () => {
    await edge(
      () => api.post('/subsidy-claims', { claimId: 'C-0', bankCode: 'ABC', quarter: '2011-Q1', items: [], businessDate: '2011-04-05' }),
      'items',
    )();
    await refusedBelow(
      () =>
        programme.claimSubsidy({ claimId: 'C-0', bankCode: 'ABC', quarter: '2011-Q1' as Quarter, items: [] }, at('claim-0', '2011-04-05')),
      'SUBSIDY.NO_LOANS',
    );
  });

  it('TARGET.NOT_POSITIVE: a target of no loans', async () => {
    await edge(() => api.put('/targets/360721/2011', { loans: 0, amountFen: 50_000_000, businessDate: '2011-01-02' }), 'loans')();
    await refusedBelow(
      () => programme.setAnnualTarget('360721', 2011, { loans: 0, amount: yuan(500_000) }, at('target-0', '2011-01-02')),
      'TARGET.NOT_POSITIVE',
    );
  });

  it('TARGET.TOO_LARGE: a target of more loans than any programme could make', async () => {
    await edge(
      () => api.put('/targets/360721/2011', { loans: MAX_COUNT + 1, amountFen: 50_000_000, businessDate: '2011-01-02' }),
      'loans',
    )();
    await refusedBelow(
      () => programme.setAnnualTarget('360721', 2011, { loans: MAX_COUNT + 1, amount: yuan(500_000) }, at('target-big', '2011-01-02')),
      'TARGET.TOO_LARGE',
    );
  });
});
