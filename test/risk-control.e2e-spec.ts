import { Api, application, caughtUp, contribution, guarantee, startApi } from './support/api';
import { BANK_ABC, OPERATOR } from './support/auth';
import { idNumber } from './support/ids';
import { SqliteEventStore } from '@app/event-store';

/**
 * Risk control through the API: the details are matched however the clerk typed them, the guarantee waits for
 * an officer's review, the day-end re-checks what still waits, and the business ledger lists what to review.
 */
describe('risk control', () => {
  let api: Api;
  const apply = async (n: number, over: Record<string, unknown>, businessDate = '2011-01-05') => {
    const reply = await api.post('/loans', application(n, { businessDate, ...over }));
    expect(reply.status).toBe(201);
    return reply.body.loanId as string;
  };
  const flags = async (loanId: string) =>
    (await api.get(`/loans/${loanId}/events`)).body.events
      .filter((e: { type: string }) => e.type === 'RiskFlagged')
      .map((e: { data: unknown }) => e.data);

  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
  });
  afterAll(() => api.stop());

  it('flags the same phone and bank account typed another way, and keeps the details sealed in the history', async () => {
    const first = await apply(1, { phone: '138-0795-1234', bankAccount: '6228 4800 1234 5678 901', address: '丰城市龙津路18号' });
    const second = await apply(2, { phone: '+86 138 0795 1234', bankAccount: '6228480012345678901' });
    expect(await flags(first)).toEqual([]);
    expect(await flags(second)).toEqual([
      {
        loanId: second,
        findings: [
          { reason: 'shared_contact', key: 'phone', loanIds: [first] },
          { reason: 'shared_contact', key: 'bank_account', loanIds: [first] },
        ],
        foundBy: 'application',
        foundOn: '2011-01-05',
      },
    ]);
    // The clerk sees the details; the stored history holds them sealed and the hashes only.
    expect((await api.get(`/loans/${first}`)).body.application).toMatchObject({
      contact: { phone: '138-0795-1234', bankAccount: '6228 4800 1234 5678 901', address: '丰城市龙津路18号' },
    });
    const store = new SqliteEventStore({ path: api.path });
    const stored = JSON.stringify((await store.readStream(`loan-${first}`)).map((e) => e.data));
    await store.close();
    expect(stored).toContain('riskKeys');
    for (const detail of ['0795', '6228', '龙津路']) expect(stored).not.toContain(detail);
  });

  it('holds the guarantee of a flagged application until an officer clears it, and rejects it when declined', async () => {
    const guarantorIdNumber = idNumber(900);
    const first = await apply(3, { guarantorIdNumber });
    const second = await apply(4, { guarantorIdNumber });
    const third = await apply(5, { guarantorIdNumber });
    expect((await flags(second))[0].findings).toEqual([{ reason: 'guarantor_over_limit', loanIds: [first] }]);

    const refused = await api.post(`/loans/${second}/guarantee`, guarantee());
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'RISK.REVIEW_PENDING' });

    const bank = await api.post(
      `/loans/${second}/risk-review`,
      { decision: 'cleared', note: '核实', businessDate: '2011-01-06' },
      BANK_ABC,
    );
    expect(bank.status).toBe(403);
    const noNote = await api.post(`/loans/${second}/risk-review`, { decision: 'cleared', businessDate: '2011-01-06' });
    expect(noNote.status).toBe(400);
    const cleared = await api.post(`/loans/${second}/risk-review`, {
      decision: 'cleared',
      note: '担保人为公务员，前笔贷款即将结清',
      businessDate: '2011-01-06',
    });
    expect(cleared.status).toBe(200);
    expect((await api.post(`/loans/${second}/guarantee`, guarantee())).status).toBe(200);

    await api.post(`/loans/${third}/risk-review`, { decision: 'declined', note: '担保人已为两人担保', businessDate: '2011-01-06' });
    expect((await api.get(`/loans/${third}`)).body.status).toBe('rejected');
  });

  it('refuses a borrower as their own guarantor, and a guarantor ID number that is not valid, recording nothing', async () => {
    const before = await api.eventCount();
    const own = await api.post('/loans', application(6, { guarantorIdNumber: idNumber(6) }));
    expect(own.status).toBe(400);
    expect(own.body.code).toBe('LOAN.OWN_GUARANTOR');
    const bad = await api.post('/loans', application(7, { guarantorIdNumber: '360721198001011230' }));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('LOAN.BAD_GUARANTOR_ID_NUMBER');
    expect(bad.body.detail).toContain("guarantor's ID number");
    expect((await api.post('/loans', application(8, { businessLicence: 'ABC' }))).body.detail).toContain('businessLicence');
    expect(await api.eventCount()).toBe(before);
  });

  it('re-checks at day-end an application still waiting, and lists the applications to review in the business ledger', async () => {
    const waiting = await apply(9, { businessLicence: '91360721MA35L2XB4Q', project: { name: '脐橙 加工', industry: 'agriculture' } });
    await apply(10, { businessLicence: '91360721ma35l2xb4q' }, '2011-01-07');
    expect(await flags(waiting)).toEqual([]);
    const report = (await api.post('/operations/day-end', { businessDate: '2011-01-07' }, OPERATOR)).body;
    expect(report.riskFlagged).toBeGreaterThanOrEqual(1);
    expect((await flags(waiting))[0]).toMatchObject({
      foundBy: 'day_end',
      findings: [{ reason: 'loan_in_other_name', key: 'business_licence' }],
    });

    await caughtUp(api);
    const pending = (await api.get('/ledgers/business?riskStatus=pending&pageSize=100')).body.rows;
    expect(pending.map((r: { loanId: string }) => r.loanId)).toContain(waiting);
    expect(pending.every((r: { riskStatus: string }) => r.riskStatus === 'pending')).toBe(true);
    expect((await api.get(`/ledgers/business/${waiting}`)).body).toMatchObject({
      riskStatus: 'pending',
      riskReasons: ['loan_in_other_name'],
      riskFlaggedOn: '2011-01-07',
    });
    expect((await api.get('/ledgers/business?riskStatus=maybe')).status).toBe(400);
  });
});
