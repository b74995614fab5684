import { SqliteEventStore } from '@app/event-store';
import { PROJECTIONS, ProjectionRunner, SqliteReadStore } from '@app/projections';
import { Api, application, contribution, startApi } from './support/api';

/**
 * A client that sends a command, then reads the ledgers with the position the command replied with, sees
 * its command in them: the query waits for the projections, or says plainly that they are behind.
 */
describe('reading your own writes', () => {
  const position = (reply: { headers: Headers }) => reply.headers.get('x-log-position')!;

  describe('with the projections run by a separate projector', () => {
    let api: Api;
    beforeEach(async () => {
      api = await startApi({ PROJECTIONS: 'off', READ_WAIT_MS: '10000' });
    });
    afterEach(async () => api.stop());

    it('answers once the projector has taken in the command, with the command in the figures', async () => {
      const contributed = await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
      expect(contributed.status).toBe(201);
      expect(position(contributed)).toMatch(/^\d+\/\d+$/);

      // Asked before any projection has run: the answer waits for the projector started afterwards.
      const asked = api.get(`/ledgers/funds?after=${position(contributed)}`);
      await new Promise((r) => setTimeout(r, 100));
      const projector = new ProjectionRunner(new SqliteEventStore({ path: api.path }), new SqliteReadStore(api.path), PROJECTIONS);
      try {
        await projector.start();
        const funds = await asked;
        expect(funds.status).toBe(200);
        expect(funds.body.rows).toEqual([expect.objectContaining({ fundId: 'GC-360721', balanceFen: 100_000_000 })]);

        // The same through the header, after a command whose events the fund ledger does not fold.
        const applied = await api.post('/loans', application(1));
        const ledger = await api.get('/ledgers/funds', { 'x-after-position': position(applied) });
        expect(ledger.status).toBe(200);
        const loans = await api.get(`/ledgers/business?after=${position(applied)}`);
        expect(loans.body.rows.map((r: { loanId: string }) => r.loanId)).toEqual([applied.body.loanId]);
      } finally {
        await projector.stop();
      }
    });
  });

  it('says the ledgers are behind when they do not reach the position in time, and refuses a position not recorded', async () => {
    const api = await startApi({ PROJECTIONS: 'off', READ_WAIT_MS: '200' });
    try {
      const contributed = await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
      const behind = await api.get(`/bulletin?month=2011-01&after=${position(contributed)}`);
      expect(behind.status).toBe(503);
      expect(behind.body).toMatchObject({ code: 'PROJECTION.BEHIND' });
      expect(behind.body.detail).toMatch(/have not yet taken in everything up to position .* after 200 ms; try again shortly/);

      const [commit, prepare] = position(contributed).split('/').map(BigInt);
      for (const after of ['yesterday', '12', `${commit + 1000n}/${prepare + 1000n}`]) {
        const refused = await api.get(`/ledgers/funds?after=${after}`);
        expect([refused.status, refused.body.code]).toEqual([400, 'REQUEST.INVALID']);
      }
    } finally {
      await api.stop();
    }
  });

  it('with the projections in the API, answers at once for a position whose events a ledger does not fold', async () => {
    const api = await startApi({ READ_WAIT_MS: '2000' });
    try {
      await api.post('/loans', application(1));
      // A contribution moves the fund ledger and the journal; the business ledger never sees it.
      const contributed = await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
      const loans = await api.get(`/ledgers/business?after=${position(contributed)}`);
      expect(loans.status).toBe(200);
      expect(loans.body.rows).toHaveLength(1);
    } finally {
      await api.stop();
    }
  });
});
