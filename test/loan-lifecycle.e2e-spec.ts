import { Api, application, contribution, disbursement, guarantee, startApi } from './support/api';

/**
 * A borrower's whole life with the programme, over HTTP: a first loan repaid on time with its interest
 * subsidised and claimed; then second support, which falls overdue and is compensated, partly recovered
 * and written off.
 */
describe("a loan's whole life over HTTP", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.stop());

  const ok = (r: { status: number; body: unknown }, status = 200) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as any;
  };

  it('runs from application to settlement, then through second support to write-off', async () => {
    const started = Date.now();
    ok(await api.post('/funds/GC-360721/contributions', contribution(100_000_000)), 201);
    ok(await api.put('/targets/360721/2011', { loans: 300, amountFen: 1_500_000_000, businessDate: '2011-01-02' }), 200);

    // The first loan: 50,000 yuan at 6 % for a year, interest each quarter, principal at maturity.
    const applied = ok(await api.post('/loans', application(1)), 201);
    const loanId = applied.loanId;
    expect(applied.events.map((e: any) => e.type)).toEqual(['LoanApplied']);
    expect(applied.events[0].data.maskedIdNumber).toMatch(/^360721\*{8}\d{3}[\dX]$/);
    expect(JSON.stringify(applied)).not.toContain(application(1).idNumber);

    ok(await api.post(`/loans/${loanId}/guarantee`, guarantee()));
    ok(await api.post(`/loans/${loanId}/disbursement`, disbursement()));
    for (const [date, interest] of [
      ['2011-03-20', 58_333],
      ['2011-06-20', 76_667],
      ['2011-09-20', 76_667],
      ['2011-12-20', 75_833],
    ] as const) {
      ok(await api.post(`/loans/${loanId}/repayments`, { principalFen: 0, interestFen: interest, businessDate: date }));
    }
    const dayEnd = ok(await api.post('/operations/day-end', { businessDate: '2011-12-21' }));
    expect(dayEnd).toMatchObject({ loansChecked: 1, markedOverdue: 0 });
    // 21 Dec – 9 Jan: 20 days × 5,000,000 × 6 % / 360 = 16,666.67 → 16,667
    const settled = ok(
      await api.post(`/loans/${loanId}/repayments`, { principalFen: 5_000_000, interestFen: 16_667, businessDate: '2012-01-10' }),
    );
    expect(settled.events.map((e: any) => e.type)).toEqual(['Repaid', 'LoanSettled']);
    expect(settled.status).toBe('settled');

    const loan = ok(await api.get(`/loans/${loanId}/events`));
    expect(loan.events.map((e: any) => e.type)).toEqual([
      'LoanApplied',
      'GuaranteeIssued',
      'Disbursed',
      'Repaid',
      'Repaid',
      'Repaid',
      'Repaid',
      'Repaid',
      'LoanSettled',
    ]);
    expect(loan.events[1].metadata).toMatchObject({
      actor: { userId: 'clerk-01', role: 'centre_clerk', organisationId: 'GC-360721' },
      businessDate: '2011-01-08',
      policyVersion: 'JX-2008',
    });
    for (const e of loan.events)
      expect(e.metadata).toEqual(
        expect.objectContaining({ correlationId: expect.any(String), causationId: expect.any(String), commandId: expect.any(String) }),
      );
    // Recorded when it was entered (the system clock), whatever business date it carries.
    expect(Date.parse(loan.events[0].recordedAt)).toBeGreaterThanOrEqual(started);
    expect(Date.parse(loan.events[0].recordedAt)).toBeLessThanOrEqual(Date.now());

    // The fund stood behind the loan until it was repaid; the borrower's loan is closed.
    const fund = ok(await api.get('/funds/GC-360721'));
    expect(fund).toMatchObject({ balanceFen: 100_000_000, guaranteesOutstandingFen: 0 });
    const borrower = ok(await api.get(`/borrowers/${applied.borrowerId}/events`));
    expect(borrower.events.map((e: any) => [e.type, e.data.outcome])).toEqual([
      ['BorrowerLoanOpened', undefined],
      ['BorrowerLoanClosed', 'settled'],
    ]);

    // The bank claims the Q1 subsidy; it cannot claim more than the ledger shows due.
    const over = await api.post('/subsidy-claims', {
      claimId: 'ABC-2011Q1-1',
      bankCode: 'ABC',
      quarter: '2011-Q1',
      items: [{ loanId, centralFen: 58_334, localFen: 0 }],
      businessDate: '2011-04-05',
    });
    expect(over).toMatchObject({ status: 409, body: { code: 'SUBSIDY.EXCEEDS_DUE' } });
    ok(
      await api.post('/subsidy-claims', {
        claimId: 'ABC-2011Q1-1',
        bankCode: 'ABC',
        quarter: '2011-Q1',
        items: [{ loanId, centralFen: 58_333, localFen: 0 }],
        businessDate: '2011-04-05',
      }),
      201,
    );
    ok(
      await api.post('/subsidy-claims/ABC/2011-Q1/ABC-2011Q1-1/payment', { centralFen: 58_333, localFen: 0, businessDate: '2011-05-10' }),
      201,
    );

    // Second support for the same person and project.
    const second = ok(
      await api.post(
        '/loans',
        application(1, {
          kind: 'second_support',
          amountFen: 30_000_000,
          previousLoanId: loanId,
          jobsPlanned: 8,
          businessDate: '2012-02-01',
        }),
      ),
      201,
    );
    const secondId = second.loanId;
    expect(second.borrowerId).toBe(applied.borrowerId);
    ok(await api.post(`/loans/${secondId}/second-support`, { jobsCreated: 6, businessDate: '2012-02-03' }));
    ok(await api.post(`/loans/${secondId}/guarantee`, guarantee(30_000_000, '2012-02-05')));
    ok(await api.post(`/loans/${secondId}/disbursement`, disbursement('2012-02-10', 30_000_000)));

    // Nothing is paid; the day-end run marks it overdue after the March settlement.
    const marked = ok(await api.post('/operations/day-end', { businessDate: '2012-03-21' }));
    expect(marked).toMatchObject({ loansChecked: 1, markedOverdue: 1 });
    const overdue = ok(await api.get(`/loans/${secondId}/events`)).events.find((e: any) => e.type === 'Overdue');
    expect(overdue.metadata.actor).toMatchObject({ userId: 'operator-01', role: 'operator' }); // who ran it, not "system"
    expect(ok(await api.post('/operations/day-end', { businessDate: '2012-03-21' }))).toMatchObject({ markedOverdue: 0 });

    const early = await api.post(`/loans/${secondId}/compensation`, { businessDate: '2012-06-18' });
    expect(early).toMatchObject({ status: 409, body: { code: 'LOAN.NOT_OVERDUE_LONG_ENOUGH' } });
    const compensated = ok(await api.post(`/loans/${secondId}/compensation`, { businessDate: '2012-06-19' }));
    const paid = compensated.events[0].data;
    expect(paid.amount).toBe(Math.round(paid.loss * 0.8));
    expect(ok(await api.get('/funds/GC-360721'))).toMatchObject({ balanceFen: 100_000_000 - paid.amount, guaranteesOutstandingFen: 0 });

    ok(await api.post(`/loans/${secondId}/recoveries`, { amountFen: 1_000_000, source: 'counter_guarantor', businessDate: '2012-08-01' }));
    const writtenOff = ok(await api.post(`/loans/${secondId}/write-off`, { approvalRef: 'FIN-2012-17', businessDate: '2012-12-01' }));
    expect(writtenOff.events[0].data.amount).toBe(paid.amount - 1_000_000);
    expect(ok(await api.get('/funds/GC-360721')).balanceFen).toBe(100_000_000 - paid.amount + 1_000_000);

    // A person whose loan was written off cannot be guaranteed again.
    const again = await api.post('/loans', application(1, { businessDate: '2013-01-05' }));
    expect(again).toMatchObject({ status: 409, body: { code: 'BORROWER.DEFAULTED' } });

    // Written off the books, kept on file (账销案存): money recovered later still comes back to the fund.
    const late = ok(
      await api.post(`/loans/${secondId}/recoveries`, { amountFen: 500_000, source: 'collateral', businessDate: '2013-03-01' }),
    );
    expect(late.events[0].data).toMatchObject({ amount: 500_000, afterWriteOff: true, remainingClaim: paid.amount - 1_500_000 });
    expect(ok(await api.get('/funds/GC-360721')).balanceFen).toBe(100_000_000 - paid.amount + 1_500_000);
    expect(ok(await api.get(`/loans/${secondId}`)).status).toBe('written_off');
    const beyond = await api.post(`/loans/${secondId}/recoveries`, {
      amountFen: paid.amount,
      source: 'collateral',
      businessDate: '2013-04-01',
    });
    expect(beyond).toMatchObject({ status: 409, body: { code: 'LOAN.RECOVERY_EXCEEDS_CLAIM' } });
  });

  it('records a retried request once: the same Idempotency-Key returns the same result', async () => {
    const headers = {
      'x-actor-user': 'clerk-02',
      'x-actor-role': 'centre_clerk',
      'x-actor-org': 'GC-360721',
      'idempotency-key': 'apply-person-77-2011',
    };
    const before = await api.eventCount();
    const first = ok(await api.post('/loans', application(77), headers), 201);
    const retry = ok(await api.post('/loans', application(77), headers), 201);
    expect(retry.loanId).toBe(first.loanId);
    expect(retry.duplicate).toBe(true);
    expect(await api.eventCount()).toBe(before + 2); // BorrowerLoanOpened and LoanApplied, once
    const reused = await api.post('/loans', application(78), headers);
    expect(reused).toMatchObject({ status: 409, body: { code: 'COMMAND.ID_REUSED' } });
  });
});
