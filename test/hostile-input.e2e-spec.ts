import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_AMOUNT_FEN } from '@app/domain';
import { createApp } from '../apps/api/src/app';
import { loadConfig } from '../apps/api/src/config';
import { Api, application, contribution, guarantee, startApi } from './support/api';
import { FINANCE } from './support/auth';

/** Input a hostile or careless client can send: refused with a clear 4xx, and nothing is recorded. */
describe('hostile input over HTTP', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.stop());

  async function refused(send: () => Promise<{ status: number; body: any; contentType: string }>, status: number, code: string) {
    const before = await api.eventCount();
    const reply = await send();
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(await api.eventCount()).toBe(before);
    return reply.body;
  }
  const keyed = (key: string, headers = FINANCE) => ({ ...headers, 'idempotency-key': key });

  describe('amounts, rates and counts are bounded where they enter', () => {
    /** The body as a client writes it: a number JavaScript could not even hold exactly. */
    const withNumber = (body: object, field: string, literal: string) =>
      JSON.stringify({ ...body, [field]: 0 }).replace(`"${field}":0`, `"${field}":${literal}`);
    const postRaw = async (url: string, text: string) => {
      const res = await api.raw(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      return { status: res.status, body: await res.json(), contentType: res.headers.get('content-type') ?? '' };
    };

    it.each([
      ['past 2^53', '9007199254740993'],
      ['2^52, which two of would pass 2^53', '4503599627370496'],
      ['1e300', '1e300'],
      ['one fen over the bound', String(MAX_AMOUNT_FEN + 1)],
    ])('a contribution of %s is refused', async (_, literal) => {
      const body = withNumber(contribution(0), 'amountFen', literal);
      const problem = await refused(() => postRaw('/funds/GC-360722/contributions', body), 400, 'REQUEST.INVALID');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'amountFen' })]);
    });

    it('a fund never holds more than the bound, and stays readable', async () => {
      expect((await api.post('/funds/GC-360723/contributions', contribution(MAX_AMOUNT_FEN))).status).toBe(201);
      await refused(() => api.post('/funds/GC-360723/contributions', contribution(1)), 400, 'FUND.BALANCE_LIMIT');
      const fund = await api.get('/funds/GC-360723');
      expect(fund.status).toBe(200);
      expect(fund.body.balanceFen).toBe(MAX_AMOUNT_FEN);
      expect((await api.get('/bulletin?month=2011-01')).status).toBe(200);
    });

    it('a guarantee fee rate past 2^53 is refused', async () => {
      await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
      const { loanId } = (await api.post('/loans', application(900))).body;
      const body = withNumber(guarantee(), 'feeRateBp', '9007199254740993');
      await refused(() => postRaw(`/loans/${loanId}/guarantee`, body), 400, 'REQUEST.INVALID');
    });

    it('a target of 1e300 loans is refused', async () => {
      await refused(() => api.put('/targets/360000/2011', { loans: 1e300, amountFen: 1 }), 400, 'REQUEST.INVALID');
    });
  });

  describe('text is checked where it enters', () => {
    it.each([
      ['a NUL character', 'abc\u0000def'],
      ['a line break', 'abc\ndef'],
      ['only zero-width spaces', '\u200b\u200b'],
      ['only spaces', '   '],
      ['201 characters', '橙'.repeat(201)],
    ])('a project name with %s is refused', async (_, name) => {
      const problem = await refused(
        () => api.post('/loans', application(901, { project: { name, industry: 'agriculture' } })),
        400,
        'REQUEST.INVALID',
      );
      expect(problem.errors[0].field).toBe('project.name');
    });

    it('200 Chinese characters are 200 characters, and names are kept trimmed and in NFC', async () => {
      const reply = await api.post('/loans', application(902, { project: { name: ' Cafe\u0301 ' + '橙'.repeat(194), industry: 'x' } }));
      expect(reply.status).toBe(201);
      expect(reply.body.events[0].data.project.name).toBe('Café ' + '橙'.repeat(194));
    });

    it('a borrower category listed twice is refused', async () => {
      await refused(() => api.post('/loans', application(903, { categories: ['woman', 'woman'] })), 400, 'REQUEST.INVALID');
    });

    it('an extension to 2013-02-30 is refused', async () => {
      const problem = await refused(
        () => api.post('/loans/any/extension', { newMaturity: '2013-02-30', guarantorConsent: true, businessDate: '2011-01-05' }),
        400,
        'REQUEST.INVALID',
      );
      expect(problem.errors[0].field).toBe('newMaturity');
    });
  });

  it('businessDate: null is refused, not taken as today', async () => {
    await refused(() => api.post('/funds/GC-360721/contributions', { ...contribution(100), businessDate: null }), 400, 'REQUEST.INVALID');
  });

  it('a token naming a user of 10,000 characters is refused, and so is a bearer token of 10,000 characters', async () => {
    const contribute = (headers: Record<string, string>) => () => api.post('/funds/GC-360721/contributions', contribution(100), headers);
    await refused(contribute({ ...FINANCE, 'x-actor-user': 'u'.repeat(10_000) }), 401, 'AUTH.TOKEN_MALFORMED');
    await refused(contribute({ authorization: `Bearer ${'u'.repeat(10_000)}` }), 401, 'AUTH.MALFORMED');
  });

  it('an unknown loan is 404', async () => {
    const reply = await api.get('/loans/no-such-loan');
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 404, code: 'LOAN.NOT_FOUND' });
  });

  describe('idempotency keys', () => {
    it('a duplicate returns the first reply in full', async () => {
      const first = await api.post('/funds/GC-360721/contributions', contribution(500), keyed('same-reply-1'));
      const again = await api.post('/funds/GC-360721/contributions', contribution(500), keyed('same-reply-1'));
      expect(first.body.events).toHaveLength(1);
      expect(again.body).toEqual({ ...first.body, duplicate: true });
    });

    it('every reply says its key, so a client that sent none can retry', async () => {
      const res = await api.raw('/funds/GC-360721/contributions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(contribution(700)),
      });
      const key = res.headers.get('idempotency-key')!;
      const first = (await res.json()) as object;
      const again = await api.post('/funds/GC-360721/contributions', contribution(700), keyed(key));
      expect(again.body).toEqual({ ...first, duplicate: true });
    });

    it('a key reused on another fund, another endpoint or with another body is refused', async () => {
      await api.post('/funds/GC-360721/contributions', contribution(600), keyed('reused-key-1'));
      await refused(() => api.post('/funds/GC-360702/contributions', contribution(600), keyed('reused-key-1')), 409, 'COMMAND.ID_REUSED');
      const payment = { centralFen: 600, localFen: 0 };
      await refused(() => api.post('/subsidy-claims/ABC/2011-Q1/C1/payment', payment, keyed('reused-key-1')), 409, 'COMMAND.ID_REUSED');
      await refused(() => api.post('/funds/GC-360721/contributions', contribution(601), keyed('reused-key-1')), 409, 'COMMAND.ID_REUSED');
    });

    it("a key is the actor's own: another actor's request with the same key is a request of its own", async () => {
      const mine = await api.post('/funds/GC-360721/contributions', contribution(800), keyed('shared-key-1'));
      const theirs = await api.post(
        '/funds/GC-360721/contributions',
        contribution(800),
        keyed('shared-key-1', { ...FINANCE, 'x-actor-user': 'finance-02' }),
      );
      expect(theirs.status).toBe(201);
      expect(theirs.body.duplicate).toBe(false);
      expect(theirs.body.events[0].id).not.toBe(mine.body.events[0].id);
    });

    it('a request refused by validation leaves its key free for the corrected request', async () => {
      await refused(() => api.post('/funds/GC-360721/contributions', contribution(-1), keyed('corrected-1')), 400, 'REQUEST.INVALID');
      expect((await api.post('/funds/GC-360721/contributions', contribution(900), keyed('corrected-1'))).status).toBe(201);
    });
  });
});

describe('a data file that cannot be opened', () => {
  it('stops the API with a message naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loans-bad-file-'));
    const path = join(dir, 'events.db');
    writeFileSync(path, 'this is not a database, it is a letter to the bank'.repeat(100));
    try {
      await expect(createApp(loadConfig({ EVENT_STORE_PATH: path, DAY_END_AT: 'off' }), [])).rejects.toThrow(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
