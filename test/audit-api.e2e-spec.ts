import { createPublicKey } from 'node:crypto';
import { HistoryDigest, digestSignatureHolds, eventHash, leafHash, verifyInclusion } from '@app/event-store';
import { Api, application, contribution, disbursement, guarantee, startApi, until } from './support/api';
import { AUDITOR, CLERK, OPERATOR } from './support/auth';

/** The auditors' API: the public key, the digests, proofs and the verifier, over HTTP. */
describe('the audit API', () => {
  let api: Api;
  let loanId: string;
  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    loanId = (await api.post('/loans', application(1))).body.loanId;
    await api.post(`/loans/${loanId}/guarantee`, guarantee());
    await api.post(`/loans/${loanId}/disbursement`, disbursement());
  });
  afterAll(() => api.stop());

  it('publishes the public key to anyone, and seals a month once, for operators only, signed with it', async () => {
    const key = await api.get('/audit/public-key', { authorization: '' });
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await api.post('/audit/digests', { month: '2011-01' }, AUDITOR)).status).toBe(403);
    expect((await api.post('/audit/digests', { month: '2011-13' }, OPERATOR)).body.code).toBe('REQUEST.INVALID');
    expect((await api.get('/audit/digests/2011-01')).body.code).toBe('AUDIT.NOT_SEALED');
    const sealed = await api.post('/audit/digests', { month: '2011-01' }, OPERATOR);
    expect(sealed.status).toBe(201);
    const digest = sealed.body as HistoryDigest;
    expect(digest.treeSize).toBe((await api.eventCount()) - 1);
    expect(digestSignatureHolds(digest, createPublicKey(key.body.publicKeyPem))).toBe(true);
    expect((await api.post('/audit/digests', { month: '2011-01' }, OPERATOR)).status).toBe(200);
    expect((await api.post('/audit/digests', { month: '2010-12' }, OPERATOR)).body.code).toBe('AUDIT.OUT_OF_ORDER');
    expect((await api.get('/audit/digests')).body).toEqual([digest]);
    expect((await api.get('/audit/digests', CLERK)).status).toBe(403);
  });

  it("proves a loan's application (its personal data sealed, as recorded) and disbursement included in the sealed month", async () => {
    const events = (await api.get(`/loans/${loanId}/events`)).body.events as Array<{ id: string; type: string }>;
    for (const type of ['LoanApplied', 'Disbursed']) {
      const recorded = events.find((e) => e.type === type)!;
      const proof = await api.get(`/audit/proofs/inclusion?eventId=${recorded.id}&month=2011-01`);
      expect(proof.status).toBe(200);
      const { event, leafIndex, treeSize, path, digest } = proof.body;
      expect(event).toMatchObject({ id: recorded.id, type, streamName: `loan-${loanId}` });
      if (type === 'LoanApplied') expect(event.data.project.name).toMatch(/^pii1\./);
      const hash = eventHash(event.prev, { ...event, revision: BigInt(event.revision) });
      const root = Buffer.from(digest.rootHash, 'hex');
      expect(
        verifyInclusion(
          leafHash(hash),
          leafIndex,
          treeSize,
          path.map((h: string) => Buffer.from(h, 'hex')),
          root,
        ),
      ).toBe(true);
    }
    expect((await api.get(`/audit/proofs/inclusion?eventId=not-an-id&month=2011-01`)).status).toBe(400);
    const stranger = await api.get(`/audit/proofs/inclusion?eventId=6f1c3d52-8a7e-4f7b-9a55-2b1c0e7d9f10&month=2011-01`);
    expect(stranger.body).toMatchObject({ status: 404, code: 'AUDIT.NOT_INCLUDED' });
  });

  it("publishes a month's bulletin and reproduces it from the history known then, after a later correction", async () => {
    expect((await api.get('/audit/bulletins/2011-01/replay')).body.code).toBe('AUDIT.NOT_PUBLISHED');
    expect((await api.post('/audit/bulletins', { month: '2011-01' }, OPERATOR)).status).toBe(403);
    const published = await api.post('/audit/bulletins', { month: '2011-01' });
    expect(published.status).toBe(201);
    // A repayment of January recorded after the bulletin was published.
    expect(
      (await api.post(`/loans/${loanId}/repayments`, { principalFen: 100_000, interestFen: 0, businessDate: '2011-01-31' })).status,
    ).toBe(200);
    const replay = await api.get('/audit/bulletins/2011-01/replay');
    expect(replay.body).toEqual([{ ...published.body, reproducedHash: published.body.contentHash, same: true }]);
  });

  it("seals a month after the day-end run of its last day, and not after any other day's", async () => {
    const midMonth = await api.post('/operations/day-end', { businessDate: '2011-02-14' }, OPERATOR);
    expect(midMonth.body.sealed).toBeUndefined();
    const monthEnd = await api.post('/operations/day-end', { businessDate: '2011-02-28' }, OPERATOR);
    expect(monthEnd.body).toMatchObject({ businessDate: '2011-02-28', sealed: '2011-02' });
    expect((await api.get('/audit/digests/2011-02')).body).toMatchObject({ month: '2011-02', treeSize: expect.any(Number) });
  });

  it('says so when the installation has no signing key, rather than sign with none', async () => {
    const unsigned = await startApi({ AUDIT_SIGNING_KEY_FILE: 'off' });
    try {
      const key = await unsigned.get('/audit/public-key');
      expect(key.body).toMatchObject({ status: 503, code: 'AUDIT.NO_SIGNING_KEY' });
      expect((await unsigned.post('/audit/digests', { month: '2011-01' }, OPERATOR)).body.code).toBe('AUDIT.NO_SIGNING_KEY');
      expect(await unsigned.eventCount()).toBe(0);
    } finally {
      await unsigned.stop();
    }
  });

  it('runs the verifier in the background and reports the history and every projection checked', async () => {
    expect((await api.get('/audit/verifications/latest')).body.code).toBe('AUDIT.NO_VERIFICATION');
    const started = await api.post('/audit/verifications', {});
    expect(started.status).toBe(202);
    let latest = started.body;
    await until(async () => (latest = (await api.get('/audit/verifications/latest')).body).state !== 'running', 60_000);
    const digests = [
      expect.objectContaining({ month: '2011-01', holds: true }),
      expect.objectContaining({ month: '2011-02', holds: true }),
    ];
    expect(latest).toMatchObject({ state: 'done', ok: true, history: { problems: [], digests } });
    expect(latest.events).toBe(await api.eventCount());
    expect(latest.projections.rows).toBeGreaterThan(0);
  });
});
