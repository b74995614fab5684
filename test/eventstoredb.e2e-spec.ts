import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store';
import { PROJECTIONS, ProjectionRunner, Row, SqliteReadStore, toProjected } from '@app/projections';
import { foldedRows, storedRows } from '../libs/projections/test/rows';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbTestServer } from '../libs/event-store/src/esdb/testing/test-server';
import { makeTestCertificates } from '../libs/event-store/src/esdb/testing/certificates';
import { smallProgramme } from '../libs/projections/test/history';
import { Api, application, contribution, disbursement, guarantee, startApi } from './support/api';
import { eventStoreDbForTest } from './support/esdb';
import { waitUntil } from './support/wait';

/** A request's key; it is sent as whoever usually makes the request (see test/support/auth.ts). */
const keyed = (key: string) => ({ 'idempotency-key': `esdb-e2e-${key}` });

/** The same commands, with the same request ids, so both stores hold the same loans. */
async function drive(api: Api) {
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const reply = await r;
    if (reply.status >= 300) throw new Error(`${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  await ok(api.post('/funds/GC-360721/contributions', contribution(100_000_000), keyed('fund')));
  await ok(api.put('/targets/360721/2011', { loans: 10, amountFen: 50_000_000, businessDate: '2011-01-02' }, keyed('target')));
  const ids: string[] = [];
  for (let i = 1; i <= 3; i++) {
    ids.push((await ok(api.post('/loans', application(i), keyed(`apply-${i}`)))).loanId);
    await ok(api.post(`/loans/${ids[i - 1]}/guarantee`, guarantee(), keyed(`guarantee-${i}`)));
    await ok(api.post(`/loans/${ids[i - 1]}/disbursement`, disbursement(), keyed(`disburse-${i}`)));
  }
  await ok(
    api.post(`/loans/${ids[0]}/repayments`, { principalFen: 5_000_000, interestFen: 18_333, businessDate: '2011-02-01' }, keyed('pay-off')),
  );
  await ok(api.post(`/loans/${ids[1]}/repayments`, { principalFen: 0, interestFen: 58_333, businessDate: '2011-03-20' }, keyed('q1')));
  await ok(api.post('/operations/day-end', { businessDate: '2011-03-21' }, keyed('day-end')));
  await ok(api.post(`/loans/${ids[2]}/compensation`, { businessDate: '2011-06-19' }, keyed('compensate')));
  await ok(
    api.post(`/loans/${ids[2]}/recoveries`, { amountFen: 1_000_000, source: 'borrower', businessDate: '2011-07-01' }, keyed('recover')),
  );
}

async function ledgers(api: Api) {
  await waitUntil('every projection is live and caught up', async () =>
    (await api.get('/projections')).body.every((s: { state: string; lag: number }) => s.state === 'live' && s.lag === 0),
  );
  // When each event was recorded differs between the two runs; everything else must not.
  const strip = (rows: Row[]) => rows.map(({ recordedAt: _r, appliedAt: _a, ...r }) => r);
  return {
    business: strip((await api.get('/ledgers/business?sort=loanId')).body.rows),
    funds: (await api.get('/ledgers/funds')).body.rows,
    movements: strip((await api.get('/ledgers/fund-movements?sort=seq')).body.rows),
    journal: strip((await api.get('/ledgers/journal?sort=eventId&pageSize=1000')).body.rows),
    subsidy: (await api.get('/ledgers/subsidy/banks')).body.rows,
    bulletin: (await api.get('/bulletin?month=2011-07&region=360700')).body.rows,
  };
}

describe('the system on EventStoreDB (through the in-process test server)', () => {
  it('runs loans through their life on the API and builds the same ledgers as on SQLite', async () => {
    const server = await eventStoreDbForTest();
    const onEsdb = await startApi({ EVENTSTORE_CONNECTION_STRING: server.connectionString });
    const onSqlite = await startApi();
    try {
      await drive(onEsdb);
      await drive(onSqlite);
      const [a, b] = [await ledgers(onEsdb), await ledgers(onSqlite)];
      expect(a.business).toHaveLength(3);
      expect(a).toEqual(b);
      expect((await onEsdb.get(`/loans/${a.business[0].loanId}/events`)).body.events[0].type).toBe('LoanApplied');
    } finally {
      await onEsdb.stop();
      await onSqlite.stop();
      await server.stop();
    }
  });

  it('a command the cluster cannot take is 503 with its outcome unknown; the retry records it once, and a lost reply is retried', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const api = await startApi({ EVENTSTORE_CONNECTION_STRING: server.connectionString, PROJECTIONS: 'off' });
    const fundEvents = async () => (await api.get('/funds/GC-360721/events')).body.events.map((e: { type: string }) => e.type);
    try {
      server.unavailable = true;
      const refused = await api.post('/funds/GC-360721/contributions', contribution(100_000_000), keyed('unavailable'));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toMatchObject({ code: 'SERVER.OUTCOME_UNKNOWN', idempotencyKey: 'esdb-e2e-unavailable' });

      server.unavailable = false;
      const retried = await api.post('/funds/GC-360721/contributions', contribution(100_000_000), keyed('unavailable'));
      expect(retried.status).toBe(201);
      expect(await fundEvents()).toEqual(['GuaranteeFundContributed']);

      // Written, but the reply lost on the way: the store asks again, finds its own events, and it is recorded once.
      server.lostReplies = 1;
      const lost = await api.post('/funds/GC-360721/contributions', contribution(50_000_000), keyed('lost-reply'));
      expect([lost.status, lost.body.duplicate]).toEqual([201, false]);
      expect(await fundEvents()).toEqual(['GuaranteeFundContributed', 'GuaranteeFundContributed']);
    } finally {
      await api.stop();
      await server.stop();
    }
  });

  it('a record deleted for good on EventStoreDB (a tombstone) is 410 RECORD.DELETED, read or written, not a server error', async () => {
    const server = new EsdbTestServer();
    await server.start();
    const api = await startApi({ EVENTSTORE_CONNECTION_STRING: server.connectionString, PROJECTIONS: 'off' });
    try {
      expect((await api.post('/funds/GC-360721/contributions', contribution(100_000_000), keyed('before-delete'))).status).toBe(201);
      server.log.tombstone('fund-GC-360721');
      const read = await api.get('/funds/GC-360721/events');
      expect([read.status, read.body.code]).toEqual([410, 'RECORD.DELETED']);
      const written = await api.post('/funds/GC-360721/contributions', contribution(50_000_000), keyed('after-delete'));
      expect([written.status, written.body.code, written.body.title]).toEqual([410, 'RECORD.DELETED', 'Gone']);
      expect(written.body.detail).toMatch(/deleted from the event store for good/);
    } finally {
      await api.stop();
      await server.stop();
    }
  });

  it('credentials the cluster refuses are 503 SERVER.STORE_ACCESS_DENIED, for the operator to fix, and nothing is recorded', async () => {
    const certificates = makeTestCertificates();
    const server = new EsdbTestServer({ tls: certificates, users: { api: { password: 'right' } } });
    await server.start();
    const wrong = server.secureConnectionString(certificates.caFile, { name: 'api', password: 'wrong' });
    const api = await startApi({ EVENTSTORE_CONNECTION_STRING: wrong, PROJECTIONS: 'off' });
    try {
      const refused = await api.post('/funds/GC-360721/contributions', contribution(100_000_000), keyed('wrong-password'));
      expect([refused.status, refused.body.code]).toEqual([503, 'SERVER.STORE_ACCESS_DENIED']);
      expect(refused.body.detail).toMatch(/operator must correct the event store user, password or certificate/);
      expect(server.log.stream('fund-GC-360721')).toBeUndefined();
    } finally {
      await api.stop();
      await server.stop();
      certificates.remove();
    }
  });

  it('a checkpoint sent ahead of an event not yet sent, or behind one sent, neither loses nor repeats an event', () =>
    withProjections(async ({ server, store, readStore, runner }) => {
      server.checkpointFaults = { stale: true, earlyMs: 1_000 };
      await smallProgramme(store);
      await runner.start();
      await store.appendToStream('fund-GC-360721', [contributed('the early checkpoint')], { expectedRevision: 'any' });
      // The server has sent the new event's checkpoint, not the event; the subscription drops before it does.
      await new Promise((r) => setTimeout(r, 300));
      server.dropSubscriptions();
      await store.appendToStream('fund-GC-360721', [contributed('after the drop')], { expectedRevision: 'any' });
      await expectEqualToCleanRebuild(runner, readStore, store, 'after the drop');
    }));

  it('projections survive a dropped subscription and an unavailable server, ending equal to a clean rebuild', () =>
    withProjections(async ({ server, store, readStore, runner }) => {
      await smallProgramme(store);
      await runner.start();
      const seen = new Set<string>();
      const sampling = setInterval(() => runner.status().forEach((s) => seen.add(s.state)), 5);
      server.dropSubscriptions();
      await server.outage(300);
      clearInterval(sampling);
      expect(seen).toContain('reconnecting');
      await store.appendToStream('fund-GC-360721', [contributed('after the outage')], { expectedRevision: 'any' });
      await expectEqualToCleanRebuild(runner, readStore, store, 'after the outage');
    }));
});

/** A fund contribution recorded straight on the store, told apart by its reference. */
const contributed = (reference: string) => ({
  id: randomUUID(),
  type: 'GuaranteeFundContributed',
  data: { fundId: 'GC-360721', source: 'central_reward', amount: 123_400, reference, contributedOn: '2011-12-30' },
  metadata: { businessDate: '2011-12-30' },
});

/** Once live with nothing left to read, every projection's tables hold what a clean rebuild from the events gives. */
async function expectEqualToCleanRebuild(
  runner: ProjectionRunner,
  readStore: SqliteReadStore,
  store: EsdbEventStore,
  lastReference: string,
) {
  await waitUntil('every projection is live and caught up', async () =>
    (await runner.statusWithLag()).every((s) => s.state === 'live' && s.lag === 0),
  );
  const events = (await store.readAll()).map(toProjected);
  expect(events.at(-1)?.data.reference).toBe(lastReference);
  for (const p of PROJECTIONS) {
    for (const t of p.tables) expect(await storedRows(readStore, p, t.name)).toEqual(await foldedRows(p, events, t.name));
  }
}

/** Every projection's runner on a fresh test server, with a SQLite read store; all of it closed after. */
async function withProjections(
  use: (a: { server: EsdbTestServer; store: EsdbEventStore; readStore: SqliteReadStore; runner: ProjectionRunner }) => Promise<void>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'loans-esdb-'));
  const server = new EsdbTestServer();
  await server.start();
  const store = new EsdbEventStore(server.connectionString);
  const readStore = new SqliteReadStore(join(dir, 'read.db'));
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS, { batchSize: 5 });
  try {
    await use({ server, store, readStore, runner });
  } finally {
    await runner.stop();
    await readStore.close();
    await store.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
