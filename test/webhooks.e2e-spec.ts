import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signature } from '../apps/api/src/webhooks/webhook-deliveries';
import { Api, application, contribution, disbursement, guarantee, startApi, until } from './support/api';
import { OPERATOR } from './support/auth';
import { applicationData, envelope, openFile, programmeOn } from './support/programme';

interface Delivery {
  position: string;
  type: string;
  data: unknown;
  streamName: string;
  revision: number;
  signed: boolean;
}

/**
 * A service's receiver that fails, times out and recovers: every loan event reaches it once taken, in order per
 * loan, signed; what it refuses for good waits as a dead letter until an operator replays it.
 */
describe('webhooks', () => {
  let api: Api;
  let receiver: Server;
  let url: string;
  const taken: Delivery[] = [];
  let requests = 0;
  let refusedLoan = '';
  let secret = '';

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req
        .on('data', (c) => (body += c))
        .on('end', () => {
          const n = ++requests;
          const event = JSON.parse(body);
          // Requests 3 to 5 fail, 6 and 7 get no answer in time; the loan it cannot take is refused until fixed.
          if (n >= 3 && n <= 5) return res.writeHead(500).end();
          if (n === 6 || n === 7) return setTimeout(() => res.writeHead(200).end(), 2_000);
          if (event.streamName === `loan-${refusedLoan}`) return setTimeout(() => res.writeHead(422).end(), 50);
          const { 'x-webhook-timestamp': timestamp, 'x-webhook-signature': sent } = req.headers as Record<string, string>;
          taken.push({ ...event, revision: Number(event.revision), signed: sent === signature(secret, timestamp, body) });
          res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/events`;
    api = await startApi({ WEBHOOK_RETRY_MS: '20', WEBHOOK_TIMEOUT_MS: '800', WEBHOOK_MAX_ATTEMPTS: '6' });
  });
  afterAll(async () => {
    await api.stop();
    receiver.close();
  });

  it('delivers every matching event in order per record, signed, through failures and timeouts; replays what it gave up on', async () => {
    const registered = await api.post('/webhooks', { url, categories: 'loan' }, OPERATOR);
    expect(registered.status).toBe(201);
    secret = registered.body.secret;
    const webhookId = registered.body.id;
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    const loans: string[] = [];
    for (let n = 1; n <= 8; n++) {
      const { loanId } = (await api.post('/loans', application(n))).body;
      loans.push(loanId);
      if (n === 4) refusedLoan = loanId;
      await api.post(`/loans/${loanId}/guarantee`, guarantee());
      await api.post(`/loans/${loanId}/disbursement`, disbursement());
    }
    const loanEvents = async () => {
      const all = (await Promise.all(loans.map(async (l) => (await api.get(`/loans/${l}/events`)).body.events))).flat();
      return all.map((e: { position: string }) => e.position);
    };
    const expected = await loanEvents();
    const refused = (await api.get(`/loans/${refusedLoan}/events`)).body.events.map((e: { position: string }) => e.position);

    // All but the refused loan's events are taken; those wait as dead letters, the webhook having gone on.
    await until(async () => taken.length === expected.length - refused.length, 30_000);
    const letters = await api.get(`/webhooks/${webhookId}/dead-letters`, OPERATOR);
    expect(letters.body.map((l: { position: string }) => l.position)).toEqual(refused);
    // The first was tried 6 times; the loan's later events waited behind it, so that they arrive in order.
    expect(letters.body.map((l: { attempts: number }) => l.attempts)).toEqual([6, 0, 0]);
    expect(letters.body[0]).toMatchObject({ error: 'the receiver answered 422', stream: `loan-${refusedLoan}` });
    const replays = await Promise.all([1, 2].map(() => api.post(`/webhooks/${webhookId}/dead-letters/replay`, {}, OPERATOR)));
    expect(replays.map((r) => r.body.code ?? r.body.left).sort()).toEqual([3, 'WEBHOOK.REPLAYING']); // one at a time; still refused
    expect((await api.get('/webhooks', OPERATOR)).body).toEqual([
      expect.objectContaining({ id: webhookId, url, deadLetters: refused.length, filter: { categories: 'loan' } }),
    ]);

    // The receiver is mended; the operator replays.
    refusedLoan = '';
    const replay = await api.post(`/webhooks/${webhookId}/dead-letters/replay`, {}, OPERATOR);
    expect(replay.body).toEqual({ delivered: refused.length, left: 0 });
    expect(taken.map((d) => d.position).sort()).toEqual([...expected].sort());
    expect(taken.every((d) => d.signed)).toBe(true);
    // Personal data is revealed at each attempt, the dead letters replayed included (they are kept sealed).
    const applications = taken.filter((d) => d.type === 'LoanApplied');
    expect(applications.length).toBe(loans.length);
    expect(applications.map((d) => (d.data as { project: { name: string } }).project.name)).toEqual(loans.map(() => '脐橙种植'));
    for (const loan of loans) {
      const revisions = taken.filter((d) => d.streamName === `loan-${loan}`).map((d) => d.revision);
      expect(revisions).toEqual(revisions.map((_, i) => i)); // in order, none missing, none twice
    }
    expect(requests).toBeGreaterThan(taken.length + 5); // the failures and timeouts did happen
  }, 60_000);

  it('resumes after a restart from where it stood: the events recorded meanwhile arrive, the earlier ones not again', async () => {
    const positions: string[] = [];
    const plain = createServer((req, res) => {
      let body = '';
      req
        .on('data', (c) => (body += c))
        .on('end', () => {
          positions.push(JSON.parse(body).position);
          res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'loans-webhooks-'));
    const path = join(dir, 'events.db');
    const env = { EVENT_STORE_PATH: path, PROJECTIONS: 'off' };
    const plainUrl = `http://127.0.0.1:${(plain.address() as { port: number }).port}/`;
    try {
      const first = await startApi(env);
      expect((await first.post('/webhooks', { url: plainUrl, types: 'LoanApplied' }, OPERATOR)).status).toBe(201);
      for (let n = 1; n <= 3; n++) await first.post('/loans', application(n));
      await until(async () => positions.length === 3);
      // Stopped once the third delivery is saved as taken: a delivery whose answer a stop cuts off is sent again.
      await until(async () => (await first.get('/webhooks', OPERATOR)).body[0].position === positions[2]);
      await first.stop();
      // Recorded while no API delivers.
      const { programme, handler } = programmeOn(openFile(path));
      for (const id of ['W1', 'W2']) await programme.applyForLoan(applicationData(id, `P-${id}`), envelope(`apply-${id}`, '2011-01-05'));
      await handler.store.close();
      const second = await startApi(env);
      await second.post('/loans', application(4));
      const store = openFile(path);
      const applied = (await store.readAll())
        .filter((e) => e.type === 'LoanApplied')
        .map((e) => `${e.position.commit}/${e.position.prepare}`);
      await store.close();
      await until(async () => new Set(positions).size === applied.length);
      await second.stop();
      expect(positions).toEqual(applied);
    } finally {
      plain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('is for operators, refuses what it cannot read, and forgets a webhook removed', async () => {
    expect((await api.post('/webhooks', { url }, { ...OPERATOR, 'x-actor-role': 'auditor' })).status).toBe(403);
    expect((await api.post('/webhooks', { url: 'ftp://bureau.example/x' }, OPERATOR)).body.code).toBe('REQUEST.INVALID');
    expect((await api.post('/webhooks', { url: 'http://bureau:secret@127.0.0.1/x' }, OPERATOR)).body.code).toBe('WEBHOOK.URL_REFUSED');
    expect((await api.post('/webhooks', { url, region: '999999' }, OPERATOR)).body.code).toBe('FEED.BAD_FILTER');
    const { id } = (await api.post('/webhooks', { url, types: 'Disbursed' }, OPERATOR)).body;
    expect((await api.call('DELETE', `/webhooks/${id}`, undefined, OPERATOR)).status).toBe(204);
    expect((await api.get(`/webhooks/${id}/dead-letters`, OPERATOR)).body.code).toBe('WEBHOOK.NOT_FOUND');
  });
});
