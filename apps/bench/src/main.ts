/**
 * npm run bench: measures the system on this machine and prints one table. Command figures are medians
 * of BENCH_RUNS runs; the history (BENCH_PROFILE, the Jiangxi programme by default) is simulated once, or
 * read from BENCH_HISTORY; the baselines run in the same run, on the same disk and the same events.
 * See docs/performance.md.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { PROJECTIONS } from '@app/projections';
import { emmettBaseline, rawBaselines, storedEvents } from './baselines';
import { appendToQuery, batchUpload, commandsPerSecond, overHttp } from './commands';
import { feedThroughput } from './feed';
import { auditCosts } from './audit';
import { queryLatencies, rebuildInChild, simulateInChild } from './scale';
import { median, sequence } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROFILE = process.env.BENCH_PROFILE ?? 'jiangxi-2002-2011';
const EMMETT_EVENTS = Number(process.env.BENCH_EMMETT_EVENTS ?? 50_000);
const BATCH_LINES = Number(process.env.BENCH_BATCH_LINES ?? 10_000);
const FEED_EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'loans-bench-'));
let files = 0;
const file = () => join(dir, `${++files}.db`);
const reference = new ReferenceData(JIANGXI_REFERENCE);
const rows: Array<[string, string, string]> = [];
const report = (what: string, value: string, note = '') => {
  rows.push([what, value, note]);
  console.error(`  ${what}: ${value} ${note}`);
};
/** A latency row: the median as the value, the 99th percentile and the goal as the note. */
const latency = (what: string, t: { p50: number; p99: number }, goal = '') =>
  report(what, `p50 ${t.p50.toFixed(1)} ms`, `p99 ${t.p99.toFixed(1)} ms${goal && `; goal ${goal}`}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`;

async function main() {
  console.error(`Benchmarking (${RUNS} runs each)…`);
  const one = median(await sequence(RUNS, () => commandsPerSecond(file(), reference, 2_000, 1)));
  const many = median(await sequence(RUNS, () => commandsPerSecond(file(), reference, 8_000, 256)));
  report(
    'durable commands in-process, one at a time',
    `${fmt(one)}/s`,
    'loan applications: a reservation and the application, 2 events in one commit, synchronous=FULL',
  );
  report(
    'durable commands in-process, 256 in flight',
    `${fmt(many)}/s`,
    'concurrent commands share a commit (group commit); goal ≥ 10,000/s and ≥ 3 × raw per-event transactions',
  );
  const visible = await appendToQuery(file(), reference, 500);
  latency(
    "a command's event visible in the ledgers (append to query)",
    visible,
    'p99 ≤ 50 ms; an application, then the business ledger polled until its row is there',
  );
  for (const inFlight of [8, 32]) {
    const runs = await sequence(RUNS, () => overHttp(file(), 6_000, inFlight));
    const h = runs.sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)];
    report(
      `durable commands over HTTP, ${inFlight} in flight`,
      `${fmt(h.perSecond)}/s`,
      `p50 ${h.p50.toFixed(1)} ms, p95 ${h.p95.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms; the API in its own process, load from this one${inFlight === 32 ? '; goal ≥ 3,000/s, p99 ≤ 50 ms' : ''}`,
    );
  }
  // Sign-in's cost: the same load with a verified token and with sign-in taken out, runs alternated.
  const pairs = await sequence(RUNS, async () => [await overHttp(file(), 6_000, 32), await overHttp(file(), 6_000, 32, true)]);
  const [verified, trusted] = [0, 1].map((k) => pairs.map((p) => p[k]).sort((a, b) => a.perSecond - b.perSecond)[Math.floor(RUNS / 2)]);
  report(
    "sign-in's cost over HTTP, 32 in flight",
    `${(verified.perSecond / trusted.perSecond).toFixed(2)} ×`,
    `each request's token verified (EdDSA) and its access checked: ${fmt(verified.perSecond)}/s, p99 ${verified.p99.toFixed(1)} ms; ` +
      `sign-in taken out: ${fmt(trusted.perSecond)}/s, p99 ${trusted.p99.toFixed(1)} ms`,
  );
  const upload = await batchUpload(file(), reference, BATCH_LINES);
  report(
    `a batch upload of ${fmt(BATCH_LINES)} repayments`,
    `${upload.json.toFixed(2)} s`,
    `JSON, sent to answered, one line per loan, all recorded in one commit; as CSV ${upload.csv.toFixed(2)} s; goal ≤ 2 s`,
  );

  const history = file();
  let events: number;
  if (process.env.BENCH_HISTORY && existsSync(process.env.BENCH_HISTORY)) {
    copyFileSync(process.env.BENCH_HISTORY, history);
    events = (new Database(history, { readonly: true }).prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    report(`history: ${PROFILE}`, `${fmt(events)} events`, `read from ${process.env.BENCH_HISTORY}, not simulated in this run`);
  } else {
    console.error(`  simulating ${PROFILE}…`);
    const sim = await simulateInChild(PROFILE, history);
    events = sim.events;
    report(
      `simulate ${PROFILE}`,
      `${(sim.seconds / 60).toFixed(1)} min`,
      `${fmt(sim.report.loans)} loans, ${fmt(sim.report.commands)} commands, ${fmt(events)} events (${fmt(sim.report.commands / sim.seconds)} commands/s, calibration included); peak memory ${fmt(sim.peakMiB)} MiB; goal ≤ 4 min, ≤ 1.5 GB`,
    );
  }
  const readPath = file();
  const rebuild = await rebuildInChild(history, readPath);
  const rebuildRate = events / rebuild.seconds;
  report(
    `full rebuild of all ${PROJECTIONS.length} projections`,
    `${fmt(rebuildRate)} events/s`,
    `${(rebuild.seconds / 60).toFixed(1)} min; peak memory ${fmt(rebuild.peakMiB)} MiB (the rebuild in its own process); goal ≥ 200,000/s, ≤ 20 s, ≤ 1 GiB`,
  );
  const months = ['2003-12', '2006-06', '2008-12', '2010-06', '2011-06'];
  const q = await queryLatencies(history, readPath, reference, months, 100);
  latency('bulletin query (a month, every region)', q.bulletin, '≤ 5 / ≤ 20 ms');
  latency('bulletin as known at an instant (stored versions + at most one epoch folded)', q.knownAt, 'p99 ≤ 200 ms');
  latency("ledger query (a page of a county's loans or a fund's movements)", q.ledger, 'p99 ≤ 20 ms');
  latency(
    'the same ledger pages as of a month end (loans folded from their own streams, movements renumbered in SQL)',
    q.asOfPage,
    'p99 ≤ 200 ms',
  );
  latency("a county's overdue loans as of a month end (every loan of the county folded)", q.asOfCounty);

  const feed = await feedThroughput(file(), FEED_EVENTS, 200);
  report('the feed (SSE) to one consumer', `${fmt(feed.one)} events/s`, `${fmt(FEED_EVENTS)} events of loan applications, over HTTP`);
  report('the feed (SSE) to 100 consumers at once', `${fmt(feed.hundred)} events/s`, 'delivered in all, each the last tenth of the above');
  latency('the feed: an application sent → its event at a live consumer', feed.delay, "p50 / p99, the command's own commit included");

  const audit = await auditCosts(history, file());
  report(
    "audit verify: the history's chains and its digest",
    `${(audit.verify / 60).toFixed(1)} min`,
    `${fmt(events / audit.verify)} events/s, every event's hash recomputed and the Merkle root at the digest compared (${audit.problems} problems); ` +
      `sealing the first month (the tree over every event): ${audit.seal.toFixed(1)} s; the projections' comparison adds a rebuild`,
  );

  const stored = storedEvents(history);
  const raw = rawBaselines(stored, file());
  report('baseline: raw better-sqlite3, one transaction per event (FULL)', `${fmt(raw.perEvent)} events/s`, '5,000 events');
  report('baseline: raw better-sqlite3, bulk insert', `${fmt(raw.bulk)} events/s`, `${fmt(stored.length)} events`);
  report('baseline: raw better-sqlite3, read and parse every event', `${fmt(raw.readParse)} events/s`, '');
  const emmett = await emmettBaseline(stored.slice(0, EMMETT_EVENTS), file());
  report(
    "baseline: emmett-sqlite, append each command's events",
    `${fmt(emmett.append)} events/s`,
    `${fmt(Math.min(EMMETT_EVENTS, stored.length))} events in ${fmt(emmett.appends)} appends, one shared connection`,
  );
  report(
    'baseline: emmett-sqlite, read every message in batches and fold',
    `${fmt(emmett.project)} events/s`,
    'readMessagesBatch; its consumer path is slower (see docs/performance.md)',
  );
  report('ratio: rebuild ÷ raw read-and-parse', pct(rebuildRate, raw.readParse), 'goal ≥ 60 %');
  report(
    'ratio: rebuild ÷ emmett read-and-fold',
    pct(rebuildRate, emmett.project),
    `${PROJECTIONS.length} projections against one fold; goal ≥ 500 %`,
  );
  report('ratio: in-process commands ÷ raw per-event transactions', pct(many, raw.perEvent), 'commands/s against inserts/s; goal ≥ 300 %');
  report(
    'ratio: in-process events ÷ emmett appends',
    pct(many * 2, emmett.append),
    'events/s: an application is 2 events in one commit; goal ≥ 1,000 %',
  );

  const { version: sqlite } = new Database(':memory:').prepare('SELECT sqlite_version() AS version').get() as { version: string };
  console.log(
    `\nMachine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; SQLite ${sqlite}; medians of ${RUNS} runs\n`,
  );
  console.log('| measure | result | notes |\n|---|---:|---|');
  for (const [what, value, note] of rows) console.log(`| ${what} | ${value} | ${note} |`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
