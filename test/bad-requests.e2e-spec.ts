import { Api, CLERK, application, contribution, disbursement, guarantee, startApi } from './support/api';
import { idNumber } from './support/ids';

/** Malformed and rule-breaking requests get a 4xx with a stable code and change nothing. */
describe('bad requests over HTTP', () => {
  let api: Api;
  let loanId: string;
  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(1_000_000));
    loanId = (await api.post('/loans', application(1))).body.loanId;
  });
  afterAll(async () => api.stop());

  const cases: Array<[string, () => Promise<{ status: number; body: any; contentType: string }>, number, string]> = [
    ['no sign-in', () => api.post('/loans', application(2), { authorization: '' }), 401, 'AUTH.REQUIRED'],
    [
      'a token with an unknown role',
      () => api.post('/loans', application(2), { ...CLERK, 'x-actor-role': 'janitor' }),
      401,
      'AUTH.TOKEN_UNKNOWN_ROLE',
    ],
    [
      'an ID number with a wrong check digit',
      () => api.post('/loans', application(2, { idNumber: '11010519491231002X'.slice(0, 17) + '1' })),
      400,
      'BORROWER.BAD_ID_NUMBER',
    ],
    ['an unknown field', () => api.post('/loans', application(2, { discount: 5 })), 400, 'REQUEST.INVALID'],
    ['an amount in fractions of a fen', () => api.post('/loans', application(2, { amountFen: 100.5 })), 400, 'REQUEST.INVALID'],
    ['an unknown borrower category', () => api.post('/loans', application(2, { categories: ['astronaut'] })), 400, 'REQUEST.INVALID'],
    ['a date that is not a date', () => api.post('/loans', application(2, { businessDate: '2011-02-30' })), 400, 'REQUEST.BAD_DATE'],
    ['a date in the future', () => api.post('/loans', application(2, { businessDate: '2999-01-01' })), 400, 'REQUEST.FUTURE_DATE'],
    ['an unknown county', () => api.post('/loans', application(2, { countyCode: '360799' })), 400, 'REFERENCE.UNKNOWN_COUNTY'],
    ['an unknown bank branch', () => api.post('/loans', application(2, { branchId: 'XYZ-360721' })), 400, 'REFERENCE.UNKNOWN_BRANCH'],
    ['an amount over the cap', () => api.post('/loans', application(2, { amountFen: 5_000_100 })), 409, 'LOAN.CAP_EXCEEDED'],
    ['a term over 24 months', () => api.post('/loans', application(2, { termMonths: 36 })), 409, 'LOAN.TERM_TOO_LONG'],
    [
      'a second open loan for the same person',
      () => api.post('/loans', application(1, { centreId: 'GC-360700' })),
      409,
      'BORROWER.HAS_OPEN_LOAN',
    ],
    [
      // 360721 850101 001 is the first-generation card of 360721 19850101 001X's holder: one person, one borrower.
      'the same person again, by the 15 digits of a first-generation card',
      () => api.post('/loans', application(2, { idNumber: idNumber(1).slice(0, 6) + idNumber(1).slice(8, 17), centreId: 'GC-360700' })),
      409,
      'BORROWER.HAS_OPEN_LOAN',
    ],
    [
      'a first-generation number whose region is no province',
      () => api.post('/loans', application(2, { idNumber: '990721850101001' })),
      400,
      'BORROWER.BAD_ID_NUMBER',
    ],
    ['a guarantee on an unknown loan', () => api.post('/loans/nope/guarantee', guarantee()), 404, 'LOAN.NOT_FOUND'],
    ['disbursing without a guarantee', () => api.post(`/loans/${loanId}/disbursement`, disbursement()), 409, 'LOAN.NOT_GUARANTEED'],
    [
      'a guarantee above the amount applied for',
      () => api.post(`/loans/${loanId}/guarantee`, guarantee(5_000_001)),
      409,
      'LOAN.GUARANTEE_EXCEEDS_APPLICATION',
    ],
    [
      'a guarantee fee charged to the borrower',
      () => api.post(`/loans/${loanId}/guarantee`, { ...guarantee(), feePaidBy: 'borrower' }),
      409,
      'LOAN.FEES_FORBIDDEN',
    ],
    [
      'a contribution to an unknown fund',
      () => api.post('/funds/GC-000000/contributions', contribution(100)),
      400,
      'REFERENCE.UNKNOWN_CENTRE',
    ],
    ['a target for an unknown region', () => api.put('/targets/999999/2011', { loans: 1, amountFen: 1 }), 400, 'REFERENCE.UNKNOWN_REGION'],
    // A date alone would be midnight UTC in the recording clock: an empty bulletin for a history recorded later.
    ['a knownAt that is a date, not a moment', () => api.get('/bulletin?month=2011-06&knownAt=2011-06-30'), 400, 'REQUEST.INVALID'],
    ['a knownAt without its time zone', () => api.get('/ledgers/business?knownAt=2011-06-30T08:00:00'), 400, 'REQUEST.INVALID'],
    [
      'a malformed Idempotency-Key',
      () => api.post('/loans', application(2), { ...CLERK, 'idempotency-key': 'x' }),
      400,
      'REQUEST.BAD_IDEMPOTENCY_KEY',
    ],
  ];

  it.each(cases)('refuses %s with the right status and code, and records nothing', async (_, send, status, code) => {
    const before = await api.eventCount();
    const reply = await send();
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
    expect(reply.contentType).toContain('application/problem+json');
    expect(typeof reply.body.detail).toBe('string');
    expect(await api.eventCount()).toBe(before);
  });

  it('refuses a guarantee the fund cannot carry (5 × 10,000 yuan = 50,000 yuan) without reserving anything', async () => {
    const other = (await api.post('/loans', application(3))).body.loanId;
    await api.post(`/loans/${loanId}/guarantee`, guarantee(5_000_000));
    const before = await api.eventCount();
    const reply = await api.post(`/loans/${other}/guarantee`, guarantee(100));
    expect(reply).toMatchObject({ status: 409, body: { code: 'FUND.LEVERAGE_EXCEEDED' } });
    expect(await api.eventCount()).toBe(before);
  });

  it('names each invalid field', async () => {
    const reply = await api.post('/loans', { ...application(2), amountFen: 'lots', project: { name: '' } });
    expect(reply.status).toBe(400);
    const fields = reply.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['amountFen', 'project.name', 'project.industry']));
  });

  it('answers health and serves the OpenAPI document', async () => {
    expect((await api.get('/health')).body.status).toBe('ok');
    const docs = await api.get('/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/loans', '/loans/{loanId}/disbursement', '/loans/{loanId}/events']),
    );
  });
});
