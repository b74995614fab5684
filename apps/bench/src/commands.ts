import { BusinessDate, JIANGXI_POLICIES, ReferenceData, SYSTEM_ACTOR, bp, fen, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { BUSINESS_LEDGER, PROJECTIONS, ProjectionRunner, SqliteReadStore } from '@app/projections';
import { LOAD_CLERK, LoadResult, application as loadApplication, runLoad, startApi } from './load';
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
const env = (id: string, on = '2011-01-05') => ({ commandId: id, actor: SYSTEM_ACTOR, businessDate: on as BusinessDate });

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

/** Loan applications over HTTP to the API in a process of its own (the load from this one, see load.ts). */
export async function overHttp(path: string, count: number, inFlight: number, trusting = false): Promise<LoadResult> {
  const api = await startApi(path, { trusting });
  try {
    const result = await runLoad(api.base, count, inFlight, loadApplication, await api.signIn(LOAD_CLERK));
    if (Object.keys(result.failures).length) throw new Error(`unexpected answers: ${JSON.stringify(result.failures)}`);
    return result;
  } finally {
    await api.stop();
  }
}

/**
 * A bank's upload of `lines` repayments, one per running loan, to the API in a process of its own: the
 * loans are recorded first in-process (applied, guaranteed, disbursed), then the upload is timed from
 * sending it to its answer, as JSON and as CSV.
 */
export async function batchUpload(path: string, reference: ReferenceData, lines: number) {
  const store = new SqliteEventStore({ path });
  const programme = new Programme(
    new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }, { maxAttempts: 12, cacheSize: 2 * lines }),
  );
  await programme.contribute(
    'GC-360721',
    { source: 'county_finance', amount: yuan(lines * 10_000), reference: 'bench' },
    env('fund', '2011-01-02'),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      for (let i = next++; i < lines; i = next++) {
        await programme.applyForLoan(application(i), env(`a${i}`));
        await programme.issueGuarantee(
          `B${i}`,
          { guaranteedAmount: yuan(50_000), feeRate: bp(100), feePaidBy: 'finance' },
          env(`g${i}`, '2011-01-08'),
        );
        const terms = { contractRate: bp(600), repaymentMethod: 'interest_quarterly_principal_at_maturity' as const, borrowerFees: fen(0) };
        await programme.disburse(`B${i}`, { amount: yuan(50_000), bankContractNo: `C${i}`, ...terms }, env(`d${i}`, '2011-01-10'));
      }
    }),
  );
  await store.close();
  const api = await startApi(path);
  try {
    const timed = async (type: string, body: string) => {
      const t0 = performance.now();
      const headers = { ...(await api.signIn({ user: 'bench-bank', role: 'bank_clerk', org: 'ABC-360721' })), 'content-type': type };
      const res = await fetch(`${api.base}/batches/repayments`, { method: 'POST', headers, body });
      const reply = (await res.json()) as { recorded?: number };
      if (reply.recorded !== lines)
        throw new Error(`the upload recorded ${reply.recorded} of ${lines} lines: ${JSON.stringify(reply).slice(0, 300)}`);
      return (performance.now() - t0) / 1000;
    };
    const loans = Array.from({ length: lines }, (_, i) => `B${i}`);
    const json = await timed(
      'application/json',
      JSON.stringify({ lines: loans.map((loanId) => ({ loanId, principalFen: 0, interestFen: 100, businessDate: '2011-03-20' })) }),
    );
    const csv = await timed(
      'text/csv',
      ['loanId,principalFen,interestFen,businessDate', ...loans.map((id) => `${id},0,200,2011-03-21`)].join('\n'),
    );
    return { json, csv };
  } finally {
    await api.stop();
  }
}
