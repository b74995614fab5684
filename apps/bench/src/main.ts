/**
 * npm run bench: measures the system on this machine and prints one table. Figures are medians of
 * repeated runs; the baselines run in the same process on the same disk. See docs/performance.md.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { PROJECTIONS, ProjectionRunner, SqliteReadStore } from '@app/projections';
import { SMALL, simulate } from '@app/simulation';
import { spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'loans-bench-'));
let files = 0;
const file = () => join(dir, `${++files}.db`);
const reference = new ReferenceData(JIANGXI_REFERENCE);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const rows: Array<[string, string, string]> = [];
const report = (what: string, value: string, note = '') => { rows.push([what, value, note]); console.error(`  ${what}: ${value} ${note}`); };

const application = (i: number) => ({
  loanId: `B${i}`, borrowerId: `P${i}`, maskedIdNumber: 'x', categories: ['woman' as const], kind: 'individual' as const, project: { name: 'p', industry: 'i' },
  microProfit: true, amount: yuan(50_000), termMonths: 12, countyCode: '360721', centreId: 'GC-360721', branchId: 'ABC-360721',
  counterGuarantee: { mode: 'third_party_guarantor' as const }, personsSupported: 1, jobsPlanned: 2,
});
const env = (id: string) => ({ commandId: id, actor: SYSTEM_ACTOR, businessDate: '2011-01-05' as BusinessDate });

/** Applications (each a borrower reservation and a LoanApplied, two durable appends), `inFlight` at a time. */
async function commandsPerSecond(count: number, inFlight: number): Promise<number> {
  const store = new SqliteEventStore({ path: file() });
  const programme = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let i = next++; i < count; i = next++) await programme.applyForLoan(application(i), env(`a${i}`));
  }));
  const rate = count / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

/** The API in a process of its own (the load comes from this one), on the embedded store. */
async function startApiProcess(): Promise<{ base: string; stop: () => void }> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => { const { port: p } = server.address() as AddressInfo; server.close(() => resolve(p)); });
  });
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(__dirname, '../../api/src/main.ts')], {
    env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true', PORT: String(port), EVENT_STORE_PATH: file(), DAY_END_AT: 'off', PROJECTIONS: 'off' }, stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return { base, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not start');
}

async function overHttp(count: number, inFlight: number) {
  const api = await startApiProcess();
  const url = `${api.base}/loans`;
  const headers = { 'content-type': 'application/json', 'x-actor-user': 'bench', 'x-actor-role': 'centre_clerk', 'x-actor-org': 'GC-360721' };
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let i = next++; i < count; i = next++) {
      const body = JSON.stringify({ idNumber: idNumber(i), categories: ['woman'], kind: 'individual', project: { name: 'p', industry: 'i' }, microProfit: true,
        amountFen: 5_000_000, termMonths: 12, countyCode: '360721', centreId: 'GC-360721', branchId: 'ABC-360721', counterGuarantee: { mode: 'third_party_guarantor' },
        personsSupported: 1, jobsPlanned: 2, businessDate: '2011-01-05' });
      const s = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.text();
      if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
      latencies.push(performance.now() - s);
    }
  }));
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

/** A history from the small profile, several seeds side by side. */
async function history(seeds: number) {
  const path = file();
  const store = new SqliteEventStore({ path });
  const programme = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }));
  const t0 = performance.now();
  for (let s = 1; s <= seeds; s++) await simulate(programme, SMALL, s);
  const seconds = (performance.now() - t0) / 1000;
  const events = (await store.readAll()).length;
  await store.close();
  return { path, events, seconds };
}

async function rebuild(path: string, events: number) {
  const store = new SqliteEventStore({ path });
  const readStore = new SqliteReadStore(file());
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
  const t0 = performance.now();
  await runner.start();
  const rate = events / ((performance.now() - t0) / 1000);
  await runner.stop();
  await readStore.close();
  await store.close();
  return rate;
}

function rawBaselines(path: string) {
  const source = new Database(path, { readonly: true });
  const events = source.prepare('SELECT stream, revision, id, type, data, metadata, created FROM events ORDER BY position').all() as Array<Record<string, string | number>>;
  source.close();
  const target = new Database(file());
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = FULL');
  target.exec('CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT, revision INTEGER, id TEXT, type TEXT, data TEXT, metadata TEXT, created INTEGER, UNIQUE (stream, revision))');
  const insert = target.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const sample = events.slice(0, 5_000);
  let t0 = performance.now();
  for (const e of sample) target.transaction(() => insert.run(e.stream, e.revision, `${e.id}-1`, e.type, e.data, e.metadata, e.created))();
  const perEvent = sample.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  target.transaction(() => { for (const e of events) insert.run(e.stream, Number(e.revision) + 1_000_000, e.id, e.type, e.data, e.metadata, e.created); })();
  const bulk = events.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  let n = 0;
  for (const row of target.prepare('SELECT data, metadata FROM events').iterate() as Iterable<{ data: string; metadata: string }>) { JSON.parse(row.data); JSON.parse(row.metadata); n++; }
  const readParse = n / ((performance.now() - t0) / 1000);
  target.close();
  return { perEvent, bulk, readParse };
}

async function main() {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.error(`Benchmarking (${RUNS} runs each)…`);
  const inProcess = median(await sequence(RUNS, () => commandsPerSecond(2_000, 1)));
  const inProcessConcurrent = median(await sequence(RUNS, () => commandsPerSecond(4_000, 64)));
  report('durable commands in-process, one at a time', `${fmt(inProcess)}/s`, 'applications: 2 appends each, synchronous=FULL');
  report('durable commands in-process, 64 in flight', `${fmt(inProcessConcurrent)}/s`, '');
  for (const inFlight of [8, 32]) {
    const http = await sequence(RUNS, () => overHttp(2_000, inFlight));
    const h = http.sort((a, b) => a.rate - b.rate)[Math.floor(http.length / 2)];
    report(`durable commands over HTTP, ${inFlight} in flight`, `${fmt(h.rate)}/s`, `p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms; the API in its own process`);
  }
  const seeds = Number(process.env.BENCH_SEEDS ?? 20);
  const hist = await history(seeds);
  report(`simulate ${seeds} × small profile`, `${hist.seconds.toFixed(1)} s`, `${fmt(hist.events)} events, ${fmt(hist.events / hist.seconds)} events/s`);
  const rss0 = process.memoryUsage().rss;
  const rebuildRate = median(await sequence(RUNS, () => rebuild(hist.path, hist.events)));
  report('full rebuild of all 5 projections', `${fmt(rebuildRate)} events/s`, `peak RSS ${(Math.max(rss0, process.memoryUsage().rss) / 2 ** 20).toFixed(0)} MiB`);
  const raw = rawBaselines(hist.path);
  report('baseline: raw better-sqlite3, one transaction per event (FULL)', `${fmt(raw.perEvent)} events/s`, '');
  report('baseline: raw better-sqlite3, bulk insert', `${fmt(raw.bulk)} events/s`, '');
  report('baseline: raw better-sqlite3, read and parse every event', `${fmt(raw.readParse)} events/s`, '');
  report('ratio: rebuild ÷ raw read-and-parse', `${((rebuildRate / raw.readParse) * 100).toFixed(1)} %`, 'goal ≥ 60 %');
  report('ratio: in-process commands ÷ raw per-event transactions', `${((inProcessConcurrent * 2) / raw.perEvent * 100).toFixed(0)} %`, 'appends/s vs raw inserts/s');

  const { version: sqlite } = new Database(':memory:').prepare('SELECT sqlite_version() AS version').get() as { version: string };
  console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; SQLite ${sqlite}; medians of ${RUNS} runs\n`);
  console.log('| measure | result | notes |\n|---|---:|---|');
  for (const [what, value, note] of rows) console.log(`| ${what} | ${value} | ${note} |`);
  rmSync(dir, { recursive: true, force: true });
}

async function sequence<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
