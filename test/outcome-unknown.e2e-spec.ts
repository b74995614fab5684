import { existsSync, statSync } from 'node:fs';
import { SqliteEventStore } from '@app/event-store';
import { Api, CLERK, application, contribution, guarantee, startApi, until } from './support/api';
import { signed, usualActor } from './support/auth';
import { startApiProcess } from './support/spawn';

const send = async (
  base: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = usualActor(method, url, body),
) => {
  const res = await fetch(base + url, {
    method,
    headers: { ...(await signed(headers)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any, contentType: res.headers.get('content-type') ?? '' };
};

/**
 * When the server cannot know whether a command was recorded, it says so, and the retry with the same
 * key gives the first outcome; a follow-up that cannot be finished never keeps the API from starting.
 */
describe('on a full disk', () => {
  it('a failed command says its outcome is unknown, health says the store cannot record, and the retry records it once', async () => {
    const first = await startApi({ PROJECTIONS: 'off' });
    await first.post('/funds/GC-360721/contributions', contribution(1_000_000_000));
    await first.app.close();

    const full = await startApiProcess({ EVENT_STORE_PATH: first.path, PROJECTIONS: 'off' });
    const sizes = [first.path, `${first.path}-wal`].map((f) => (existsSync(f) ? statSync(f).size : 0));
    full.limitFileSize(Math.max(...sizes) + 256 * 1024);
    let failed: { key: string; n: number; reply: Awaited<ReturnType<typeof send>> } | undefined;
    for (let n = 1; n <= 3000 && !failed; n++) {
      const key = `full-disk-${n}`;
      const reply = await send(full.url, 'POST', '/loans', application(n), { ...CLERK, 'idempotency-key': key });
      if (reply.status >= 500) failed = { key, n, reply };
      else expect(reply.status).toBe(201);
    }
    expect(failed).toBeDefined();
    const { key, n, reply } = failed!;
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(reply.body.detail).not.toMatch(/nothing was recorded/i);
    expect(reply.body.detail).toMatch(/unknown/i);
    expect(reply.body.idempotencyKey).toBe(key);
    const health = await send(full.url, 'GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body.eventStore.writable).toBe(false);
    await full.kill();

    const after = await startApi({ EVENT_STORE_PATH: first.path, PROJECTIONS: 'off' });
    try {
      expect((await after.get('/health')).status).toBe(200);
      const retry = await after.post('/loans', application(n), { ...CLERK, 'idempotency-key': key });
      expect(retry.status).toBe(201);
      const events = (await after.get(`/loans/${retry.body.loanId}/events`)).body.events;
      expect(events.map((e: any) => e.type)).toEqual(['LoanApplied']);
      const borrower = (await after.get(`/borrowers/${retry.body.borrowerId}/events`)).body.events;
      expect(borrower.map((e: any) => e.type)).toEqual(['BorrowerLoanOpened']);
    } finally {
      await after.stop();
    }
  }, 180_000);
});

/** The API's health once its first reconciler run (in the background from boot) is over. */
async function reconciled(api: Api) {
  let health = await api.get('/health');
  await until(async () => {
    health = await api.get('/health');
    return health.body.reconciler.lastRunAt !== undefined && health.body.reconciler.runningSince === undefined;
  });
  return health;
}

describe('a follow-up that cannot be finished', () => {
  it('is reported on /health and retried, and the API boots and serves everything else', async () => {
    const api = await startApi({ PROJECTIONS: 'off' });
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    const { loanId, borrowerId } = (await api.post('/loans', application(1))).body;
    await api.post(`/loans/${loanId}/guarantee`, guarantee());
    await api.app.close();

    // As an earlier version could write: a contribution no fold can add up, then a rejection whose
    // follow-up must release the guarantee on that fund.
    const store = new SqliteEventStore({ path: api.path });
    const meta = {
      commandId: 'old',
      actor: { userId: 'u', role: 'centre_clerk', organisationId: 'GC-360721' },
      businessDate: '2011-01-09',
    };
    await store.appendToStream(
      'fund-GC-360721',
      [
        {
          id: '00000000-0000-4000-8000-000000000001',
          type: 'GuaranteeFundContributed',
          data: { fundId: 'GC-360721', source: 'county_finance', amount: 2 ** 53, reference: 'r', contributedOn: '2011-01-09' },
          metadata: meta,
        },
      ],
      { expectedRevision: 'any' },
    );
    const rejected = { loanId, borrowerId, reasonCode: 'INCOMPLETE_FILE', rejectedOn: '2011-01-09', fundId: 'GC-360721' };
    await store.appendToStream(
      `loan-${loanId}`,
      [{ id: '00000000-0000-4000-8000-000000000002', type: 'LoanApplicationRejected', data: rejected, metadata: meta }],
      {
        expectedRevision: 'any',
      },
    );
    await store.close();

    const rebooted = await startApi({ EVENT_STORE_PATH: api.path, PROJECTIONS: 'off' });
    try {
      const health = await reconciled(rebooted);
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.reconciler.failed).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'LoanApplicationRejected', streamName: `loan-${loanId}` })]),
      );
      expect((await rebooted.post('/funds/GC-360702/contributions', contribution(100))).status).toBe(201);
      // The reconciler's checkpoint stays before the failed step, so the next start tries it again.
      await rebooted.app.close();
      const third = await startApi({ EVENT_STORE_PATH: api.path, PROJECTIONS: 'off' });
      const again = (await reconciled(third)).body.reconciler.failed;
      await third.stop();
      expect(again).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'LoanApplicationRejected' })]));
    } finally {
      await rebooted.app.close();
      await api.stop();
    }
  }, 60_000);
});
