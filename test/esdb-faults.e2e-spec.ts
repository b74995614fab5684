import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store';
import { comparePositions, positionFromString } from '@app/event-store';
import { PROJECTIONS, SqliteReadStore, toProjected } from '@app/projections';
import { EsdbTestServer } from '../libs/event-store/src/esdb/testing/test-server';
import { foldedRows, storedRows } from '../libs/projections/test/rows';
import { application, contribution, disbursement, guarantee } from './support/api';
import { signed, usualActor } from './support/auth';
import { spawnTs, startApiProcess } from './support/spawn';
import { waitUntil } from './support/wait';

/** A small deterministic random source, so that a failing run can be repeated with its seed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The fault suite on EventStoreDB (the in-process test server, over real gRPC): while loans go through
 * their life on an API process, the API and the projector are killed (SIGKILL) and restarted and the
 * server drops its subscriptions, at random points, with the server sending stale and early checkpoints throughout.
 * Every request is retried with its Idempotency-Key until it is answered. After: every event once, and
 * every projection equal to a clean rebuild from the events.
 */
describe('EventStoreDB under faults: the API and the projector killed, subscriptions dropped', () => {
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
  const next = random(seed);
  const server = new EsdbTestServer();
  let dir: string;
  let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
  let projector: ChildProcess | undefined;
  const faults: string[] = [];

  beforeAll(async () => {
    await server.start();
    server.checkpointFaults = { stale: true, earlyMs: 30 };
    dir = mkdtempSync(join(tmpdir(), 'loans-esdb-faults-'));
  });
  afterAll(async () => {
    projector?.kill('SIGKILL');
    await api?.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const startApi = async () =>
    (api = await startApiProcess({
      EVENTSTORE_CONNECTION_STRING: server.connectionString,
      EVENT_STORE_PATH: join(dir, 'api.db'),
      PROJECTIONS: 'off',
    }));
  const startProjector = () => {
    const child = spawnTs('apps/projector/src/main.ts', [], {
      EVENTSTORE_CONNECTION_STRING: server.connectionString,
      EVENT_STORE_PATH: join(dir, 'read.db'),
      PROJECTION_BATCH_SIZE: '7',
      PROJECTION_REBUILD_FLUSH: '20',
      STATUS_EVERY_MS: '600000',
    });
    child.stdout.resume();
    child.stderr.resume();
    projector = child;
  };
  const killProjector = async () => {
    const child = projector!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  /** Sends until answered: a refused connection or a 503 (the API restarting, the store away) is sent again with the same key. */
  let keys = 0;
  const post = async (path: string, body: unknown) => {
    const key = `fault-${seed}-${++keys}`;
    let said = '';
    // An API restarting through ts-node on a busy machine can take many seconds.
    for (const giveUp = Date.now() + 120_000; ;) {
      if (Date.now() > giveUp) throw new Error(`${path} never answered: ${said}`);
      try {
        const res = await fetch(api!.url + path, {
          method: 'POST',
          headers: { ...(await signed(usualActor('POST', path, body))), 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        });
        const reply = (await res.json()) as Record<string, any>;
        if (res.status === 503) throw new Error(`unavailable: ${JSON.stringify(reply)}`);
        if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(reply)} (seed ${seed})`);
        return reply;
      } catch (error) {
        if ((error as Error).message.includes('seed')) throw error;
        said = (error as Error).message;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  /** Loans through their life, one after another, with repayments, while `chaos` strikes. */
  async function workload(loans: number) {
    await post('/funds/GC-360721/contributions', contribution(1_000_000_000));
    for (let i = 1; i <= loans; i++) {
      const { loanId } = await post('/loans', application(1_000 + i));
      await post(`/loans/${loanId}/guarantee`, guarantee());
      await post(`/loans/${loanId}/disbursement`, disbursement());
      await post(`/loans/${loanId}/repayments`, { principalFen: 0, interestFen: 75_000, businessDate: '2011-04-10' });
      if (next() < 0.5)
        await post(`/loans/${loanId}/repayments`, { principalFen: 5_000_000, interestFen: 50_000, businessDate: '2011-06-10' });
    }
  }

  async function chaos(until: Promise<unknown>) {
    let done = false;
    void until.finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 100 + next() * 400));
      if (done) break;
      const roll = next();
      if (roll < 0.4) {
        faults.push('projector killed');
        await killProjector();
        startProjector();
      } else if (roll < 0.7) {
        faults.push('subscriptions dropped');
        server.dropSubscriptions();
      } else {
        faults.push('API killed');
        await api!.kill();
        await startApi();
      }
    }
  }

  it('loses and repeats nothing, and every projection ends equal to a clean rebuild', async () => {
    await startApi();
    startProjector();
    const work = workload(30);
    await Promise.all([work, chaos(work)]);
    expect(faults.length).toBeGreaterThan(2);

    const store = new EsdbEventStore(server.connectionString);
    const readStore = new SqliteReadStore(join(dir, 'read.db'));
    try {
      const events = await store.readAll();
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect([count('LoanApplied'), count('GuaranteeIssued'), count('Disbursed')]).toEqual([30, 30, 30]);
      // Caught up: each projection's checkpoint is at or past the last event of the types it reads.
      const last = (types: readonly string[]) => events.filter((e) => types.includes(e.type)).at(-1)!.position;
      await waitUntil(
        `the projector catches up (seed ${seed}, faults: ${faults.join(', ')})`,
        async () => {
          for (const p of PROJECTIONS) {
            const active = (await readStore.generations(p.name)).find((g) => g.status === 'active');
            if (!active?.checkpoint || comparePositions(positionFromString(active.checkpoint), last(p.eventTypes)) < 0) return false;
          }
          return true;
        },
        60_000,
      );
      const projected = events.map(toProjected);
      for (const p of PROJECTIONS)
        for (const t of p.tables)
          expect([p.name, t.name, await storedRows(readStore, p, t.name)]).toEqual([
            p.name,
            t.name,
            await foldedRows(p, projected, t.name),
          ]);
    } finally {
      await readStore.close();
      await store.close();
    }
  }, 400_000);
});
