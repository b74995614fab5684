import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JIANGXI_POLICIES, ReferenceData } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import {
  BULLETIN_EPOCHS,
  BUSINESS_LEDGER,
  FUND_MOVEMENTS,
  SqliteReadStore,
  buildBulletin,
  bulletinFactsKnownAt,
  businessLedger,
  businessLedgerAsOf,
  fundLedger,
  fundMovementsAsOf,
  loadBulletinFacts,
  queryLedger,
} from '@app/projections';
import { PROFILES, Random, SimulationReport, simulate } from '@app/simulation';
import { percentile } from './stats';

/** A profile's whole history through the commands, into a fresh file. */
export async function simulateHistory(profileName: string, path: string, reference: ReferenceData) {
  const store = new SqliteEventStore({ path });
  const programme = new Programme(
    new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }, { maxAttempts: 12, cacheSize: 100_000 }),
  );
  const t0 = performance.now();
  const report = await simulate(programme, PROFILES[profileName], 1, { onStep: (step) => console.error(`    ${step}…`) });
  const seconds = (performance.now() - t0) / 1000;
  const events = Number(store.headPosition().commit);
  await store.close();
  return { events, seconds, report };
}

/** Runs `rebuild-child.ts` and reads its one line of JSON. */
export const rebuildInChild = (eventsPath: string, readPath: string) =>
  jsonOfChild<{ seconds: number; peakMiB: number }>('rebuild-child.ts', [eventsPath, readPath]);

/** Runs `simulate-child.ts` and reads its one line of JSON. */
export const simulateInChild = (profileName: string, path: string) =>
  jsonOfChild<{ events: number; seconds: number; peakMiB: number; report: SimulationReport }>('simulate-child.ts', [profileName, path]);

/** Runs one of the bench's scripts in a process of its own (its peak memory its own) and reads the last line it prints, JSON. */
function jsonOfChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(__dirname, script), ...args], {
      env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

/**
 * What analysts and auditors wait for: a bulletin for a month, the bulletin as known at an instant (a few
 * seconds into an epoch, so that a whole epoch is folded at most), one page of a ledger filtered to a
 * county or a fund, the same pages as of a month end, and a county's overdue loans as of a month end
 * (a filter on what changes after the application, so every loan of the county is folded).
 */
export async function queryLatencies(eventsPath: string, readPath: string, reference: ReferenceData, months: string[], samples: number) {
  const readStore = new SqliteReadStore(readPath);
  const store = new SqliteEventStore({ path: eventsPath });
  const epochs = (await readStore.query(`SELECT first_recorded_at FROM ${BULLETIN_EPOCHS} ORDER BY epoch`)).map(
    (r) => new Date(r.first_recorded_at as string),
  );
  const rng = new Random(42);
  const time = async (work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    return performance.now() - t0;
  };
  const counties = reference
    .allRegions()
    .filter((r) => r.level === 'county')
    .map((r) => r.code);
  const funds = reference.set.centres.map((c) => c.id);
  const bulletin: number[] = [];
  const knownAt: number[] = [];
  const ledger: number[] = [];
  const asOfPage: number[] = [];
  const asOfCounty: number[] = [];
  const county = () => counties[rng.int(0, counties.length - 1)];
  for (let i = 0; i < samples; i++) {
    const month = months[rng.int(0, months.length - 1)];
    bulletin.push(await time(async () => buildBulletin(await loadBulletinFacts(readStore, month), reference, month)));
    const at = new Date(epochs[rng.int(0, epochs.length - 1)].getTime() + rng.int(0, 5_000));
    knownAt.push(await time(async () => buildBulletin(await bulletinFactsKnownAt(store, readStore, month, at), reference, month)));
    ledger.push(
      await time(() =>
        queryLedger(readStore, businessLedger, BUSINESS_LEDGER, {
          filters: { county_code: county() },
          sort: 'disbursed_on',
          order: 'desc',
          page: rng.int(1, 5),
        }),
      ),
    );
    ledger.push(
      await time(() =>
        queryLedger(readStore, fundLedger, FUND_MOVEMENTS, {
          filters: { fund_id: funds[rng.int(0, funds.length - 1)] },
          sort: 'seq',
          order: 'desc',
        }),
      ),
    );
    const asOf = { businessDate: `${month}-${month.endsWith('06') ? '30' : '31'}` };
    const fundId = funds[rng.int(0, funds.length - 1)];
    asOfPage.push(
      await time(() => businessLedgerAsOf(store, readStore, asOf, { filters: { county_code: county() }, page: rng.int(1, 5) })),
    );
    asOfPage.push(await time(() => fundMovementsAsOf(readStore, asOf, { filters: { fund_id: fundId }, sort: 'seq', order: 'desc' })));
    if (i % 10 === 0)
      asOfCounty.push(
        await time(() => businessLedgerAsOf(store, readStore, asOf, { filters: { county_code: county(), status: 'overdue' } })),
      );
  }
  await readStore.close();
  await store.close();
  return {
    bulletin: { p50: percentile(bulletin, 50), p99: percentile(bulletin, 99) },
    knownAt: { p50: percentile(knownAt, 50), p99: percentile(knownAt, 99) },
    ledger: { p50: percentile(ledger, 50), p99: percentile(ledger, 99) },
    asOfPage: { p50: percentile(asOfPage, 50), p99: percentile(asOfPage, 99) },
    asOfCounty: { p50: percentile(asOfCounty, 50), p99: percentile(asOfCounty, 99) },
  };
}
