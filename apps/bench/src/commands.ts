import { spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { BusinessDate, JIANGXI_POLICIES, ReferenceData, SYSTEM_ACTOR, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { BUSINESS_LEDGER, PROJECTIONS, ProjectionRunner, SqliteReadStore } from '@app/projections';
import { percentile } from './stats';

const application = (i: number) => ({
  loanId: `B${i}`,
  borrowerId: `P${i}`,
  maskedIdNumber: 'x',
  categories: ['woman' as const],
  kind: 'individual' as const,
  project: { name: 'p', industry: 'i' },
  microProfit: true,
  amount: yuan(50_000),
  termMonths: 12,
  countyCode: '360721',
  centreId: 'GC-360721',
  branchId: 'ABC-360721',
  counterGuarantee: { mode: 'third_party_guarantor' as const },
  personsSupported: 1,
  jobsPlanned: 2,
});
const env = (id: string) => ({ commandId: id, actor: SYSTEM_ACTOR, businessDate: '2011-01-05' as BusinessDate });

/** Applications (each a borrower reservation and a LoanApplied, two durable appends), `inFlight` at a time. */
export async function commandsPerSecond(path: string, reference: ReferenceData, count: number, inFlight: number): Promise<number> {
  const store = new SqliteEventStore({ path });
  const programme = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < count; i = next++) await programme.applyForLoan(application(i), env(`a${i}`));
    }),
  );
  const rate = count / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

/**
 * From a command to its loan in the business ledger: the projections live in the same process, as the API
 * runs them by default, one application at a time; each wait ends when a query finds the loan's row.
 */
export async function appendToQuery(path: string, reference: ReferenceData, samples: number) {
  const store = new SqliteEventStore({ path });
  const readStore = new SqliteReadStore(path);
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
  await runner.start();
  const programme = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }));
  const waits: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await programme.applyForLoan(application(i), env(`v${i}`));
    while ((await readStore.query(`SELECT 1 FROM ${BUSINESS_LEDGER} WHERE loan_id = ?`, [`B${i}`])).length === 0)
      await new Promise((resolve) => setImmediate(resolve));
    waits.push(performance.now() - t0);
  }
  await runner.stop();
  await readStore.close();
  await store.close();
  return { p50: percentile(waits, 50), p99: percentile(waits, 99) };
}

/** The API in a process of its own (the load comes from this one), on the embedded store. */
async function startApiProcess(path: string): Promise<{ base: string; stop: () => void }> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as AddressInfo;
      server.close(() => resolve(p));
    });
  });
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(__dirname, '../../api/src/main.ts')],
    {
      env: {
        ...process.env,
        TS_NODE_SWC: 'true',
        TS_NODE_TRANSPILE_ONLY: 'true',
        PORT: String(port),
        EVENT_STORE_PATH: path,
        DAY_END_AT: 'off',
        PROJECTIONS: 'off',
      },
      stdio: 'ignore',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { base, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not start');
}

export async function overHttp(path: string, count: number, inFlight: number) {
  const api = await startApiProcess(path);
  const url = `${api.base}/loans`;
  const headers = {
    'content-type': 'application/json',
    'x-actor-user': 'bench',
    'x-actor-role': 'centre_clerk',
    'x-actor-org': 'GC-360721',
  };
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < count; i = next++) {
        const body = JSON.stringify({
          idNumber: idNumber(i),
          categories: ['woman'],
          kind: 'individual',
          project: { name: 'p', industry: 'i' },
          microProfit: true,
          amountFen: 5_000_000,
          termMonths: 12,
          countyCode: '360721',
          centreId: 'GC-360721',
          branchId: 'ABC-360721',
          counterGuarantee: { mode: 'third_party_guarantor' },
          personsSupported: 1,
          jobsPlanned: 2,
          businessDate: '2011-01-05',
        });
        const s = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body });
        await res.text();
        if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const rate = count / ((performance.now() - t0) / 1000);
  api.stop();
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function idNumber(n: number): string {
  // A distinct, valid number for each n below 12,000: birth month from the thousands, sequence from the rest.
  const body = `3607211985${String((Math.floor(n / 1000) % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body + '10X98765432'[w.reduce((s, x, i) => s + x * +body[i], 0) % 11];
}
