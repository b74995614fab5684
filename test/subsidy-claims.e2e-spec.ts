import { nameBasedUuid } from '@app/event-store';
import { CLAIM_ITEMS_PER_PART, Programme } from '@app/programme';
import { Api, startApi } from './support/api';
import { QUARTER_SUBSIDY_DUE, loansWithSubsidyDue } from './support/programme';

const BANK = { 'x-actor-user': 'bank-01', 'x-actor-role': 'bank_clerk', 'x-actor-org': 'ABC-360721' };
const claim = (items: Array<{ loanId: string; centralFen: number; localFen: number }>, claimId = 'ABC-2011-Q1-1') => ({
  claimId,
  bankCode: 'ABC',
  quarter: '2011-Q1',
  businessDate: '2011-04-05',
  items,
});

/**
 * A bank's claim of more loans than one append takes, over HTTP: the body is read past the 1 MB other
 * requests are held to and validated whole; the claim is recorded in parts and answered as one, and a
 * retry with the same Idempotency-Key records nothing more. (A retry finishing a claim interrupted between
 * parts is shown below HTTP, in libs/programme/test/subsidy-claim.spec.ts.)
 */
describe('POST /subsidy-claims for a claim longer than one part', () => {
  let api: Api;
  // The loans are made through the use cases in the API's own process: over HTTP they would take minutes.
  const ids = Array.from({ length: CLAIM_ITEMS_PER_PART + 500 }, (_, i) => nameBasedUuid(`e2e claim loan ${i}`));
  beforeAll(async () => {
    api = await startApi();
    await loansWithSubsidyDue(api.app.get(Programme), ids);
  }, 60_000);
  afterAll(async () => api.stop());

  it('reads a body over 1 MB, validates every loan in it, and decides on it without recording a refused claim', async () => {
    const before = await api.eventCount();
    const big = Array.from({ length: 15_000 }, (_, i) => ({ loanId: String(i).padStart(64, 'x'), centralFen: 1, localFen: 0 }));
    expect(Buffer.byteLength(JSON.stringify(claim(big)))).toBeGreaterThan(1024 * 1024);
    const invalid = await api.post('/subsidy-claims', claim([...big.slice(1), { ...big[0], centralFen: -1 }]), BANK);
    expect(invalid).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(JSON.stringify(invalid.body.errors)).toContain('centralFen');
    const unknown = await api.post('/subsidy-claims', claim(big), BANK);
    expect(unknown).toMatchObject({ status: 409, body: { code: 'SUBSIDY.NOT_THIS_BANKS_LOAN' } });
    expect(await api.eventCount()).toBe(before);
  });

  it('records the claim in parts, answers for the whole claim, and a retry with the same key records nothing more', async () => {
    const items = ids.map((loanId) => ({ loanId, centralFen: QUARTER_SUBSIDY_DUE, localFen: 0 }));
    const total = ids.length * QUARTER_SUBSIDY_DUE;
    const headers = { ...BANK, 'idempotency-key': 'abc-2011-q1-claim-1' };
    const first = await api.post('/subsidy-claims', claim(items), headers);
    expect(first).toMatchObject({ status: 201, body: { claimId: 'ABC-2011-Q1-1', duplicate: false, revision: '1' } });
    const parts = first.body.events.map((e: any) => [e.type, e.data.part, e.data.parts, e.data.items.length, e.data.central]);
    expect(parts).toEqual([
      ['InterestSubsidyClaimed', 1, 2, CLAIM_ITEMS_PER_PART, CLAIM_ITEMS_PER_PART * QUARTER_SUBSIDY_DUE],
      ['InterestSubsidyClaimed', 2, 2, 500, 500 * QUARTER_SUBSIDY_DUE],
    ]);

    const again = await api.post('/subsidy-claims', claim(items), headers);
    expect(again).toMatchObject({ status: 201, body: { duplicate: true, revision: '1' } });
    expect(again.body.events.map((e: any) => e.id)).toEqual(first.body.events.map((e: any) => e.id));
    const stream = await api.get('/subsidy-claims/ABC/2011-Q1/events');
    expect(stream.body.events.map((e: any) => e.data.part)).toEqual([1, 2]);

    const paid = await api.post('/subsidy-claims/ABC/2011-Q1/ABC-2011-Q1-1/payment', {
      centralFen: total,
      localFen: 0,
      businessDate: '2011-05-10',
    });
    expect(paid.status).toBe(201);
    const banks = await api.get(`/ledgers/subsidy/banks?bankCode=ABC&quarter=2011-Q1&after=${paid.headers.get('x-log-position')}`);
    expect(banks.body.rows).toEqual([expect.objectContaining({ centralClaimedFen: total, centralPaidFen: total, claims: 1 })]);
  });
});
