import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yuan } from '@app/domain';
import { application, contribution, guarantee } from './support/api';
import { AUDITOR, signed, usualActor } from './support/auth';
import { eventStoreDbForTest } from './support/esdb';
import { startApiProcess } from './support/spawn';

/**
 * Two API processes on one EventStoreDB (the in-process test server, over real gRPC): nothing serialises
 * their commands but the expected revision of each append, so the cross-stream rules must hold by it alone.
 * Whether the two collide in a given run is up to timing; `npm run breaks` shows these tests fail when the
 * revision check is removed (docs/testing.md).
 */
describe('races between two API processes on EventStoreDB', () => {
  let server: Awaited<ReturnType<typeof eventStoreDbForTest>>;
  let dir: string;
  let apis: Array<Awaited<ReturnType<typeof startApiProcess>>>;
  beforeAll(async () => {
    server = await eventStoreDbForTest();
    dir = mkdtempSync(join(tmpdir(), 'loans-esdb-race-'));
    apis = await Promise.all(
      [0, 1].map((i) =>
        startApiProcess({
          EVENTSTORE_CONNECTION_STRING: server.connectionString,
          EVENT_STORE_PATH: join(dir, `api-${i}.db`),
          PROJECTIONS: 'off',
        }),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.kill()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let requests = 0;
  const post = async (i: number, path: string, body: unknown) => {
    const headers = await signed({
      ...usualActor('POST', path, body),
      'content-type': 'application/json',
      'idempotency-key': `esdb-race-${++requests}`,
    });
    const res = await fetch(apis[i % 2].url + path, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const get = async (path: string) =>
    (await (await fetch(apis[0].url + path, { headers: await signed(AUDITOR) })).json()) as Record<string, any>;

  it('one person applying through both at once gets one open loan', async () => {
    const centres = ['GC-360721', 'GC-360700', 'GC-360000'];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(i, '/loans', application(7, { centreId: centres[i % 3] }))),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(Array(19).fill('BORROWER.HAS_OPEN_LOAN'));
    const { borrowerId } = replies.find((r) => r.status === 201)!.body;
    expect((await get(`/borrowers/${borrowerId}/events`)).events.map((e: { type: string }) => e.type)).toEqual(['BorrowerLoanOpened']);
  });

  it('guarantees through both at once keep the fund within 5 × its balance', async () => {
    expect((await post(0, '/funds/GC-360721/contributions', contribution(yuan(100_000)))).status).toBe(201); // cap: 500,000 yuan
    const loans: string[] = [];
    for (let i = 0; i < 16; i++) loans.push((await post(i, '/loans', application(200 + i))).body.loanId);
    const replies = await Promise.all(loans.map((id, i) => post(i, `/loans/${id}/guarantee`, guarantee(yuan(40_000)))));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(12); // 12 × 40,000 = 480,000 ≤ 500,000 < 13 × 40,000
    expect(replies.filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual(Array(4).fill('FUND.LEVERAGE_EXCEEDED'));
    expect((await get('/funds/GC-360721')).guaranteesOutstandingFen).toBe(12 * yuan(40_000));
  });
});
