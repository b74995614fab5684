import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggerService } from '@nestjs/common';
import { SqliteEventStore, positionToString } from '@app/event-store';
import { startApi } from '../support/api';
import { AUDITOR } from '../support/auth';
import { waitUntil } from '../support/wait';
import { Kind, Violation, check, describeReply, describeRequest } from './checker';
import { OpenApi, requests } from './generators';
import { seed } from './seed';
import { FuzzReply, FuzzRequest, send } from './send';

export interface FuzzOptions {
  /** Names the run in the output, e.g. the read store. */
  label: string;
  seed: number;
  /** Requests to generate (each is one fast-check run). */
  runs: number;
  /** PostgreSQL read store; the event store's SQLite file when unset. */
  readStoreUrl?: string;
  log: (line: string) => void;
  /** Time to spend shrinking all failures, and each one. */
  shrinkMs?: number;
  shrinkEachMs?: number;
}

export interface Failure {
  kind: Kind;
  signature: string;
  count: number;
  ops: Set<string>;
  /** The fast-check run that first showed it: with the seed, `fc.check(…, { seed, path: String(run) })` replays it. */
  run: number;
  request: FuzzRequest;
  reply: FuzzReply;
  shrunk?: { request: FuzzRequest; reply: FuzzReply; path: string };
}

export interface FuzzReport {
  figures: Record<string, number>;
  failures: Failure[];
  restartProblems: string[];
  /** One line per failure and per restart problem: empty when the API kept its contract. */
  problems: string[];
}

/** Collects what the server logs as errors, so that a 500 can be told apart by its cause. */
class ErrorLog implements LoggerService {
  lines: string[] = [];
  error(message: unknown) {
    this.lines.push(String(message).split('\n')[0]);
  }
  log() {}
  warn() {}
  debug() {}
  verbose() {}
  fatal(message: unknown) {
    this.error(message);
  }
}

/**
 * Starts the API on a fresh SQLite file, seeds a little history, then sends `runs` requests generated from
 * its OpenAPI document one at a time, checking each answer; shrinks one example of each distinct failure;
 * finally restarts the API on the same file and reads back what was touched.
 */
export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const dir = mkdtempSync(join(tmpdir(), 'loans-fuzz-'));
  const path = join(dir, 'events.db');
  // No periodic reconciler run during the fuzzing: an event it appended would be blamed on the request in flight.
  const env = {
    EVENT_STORE_PATH: path,
    RECONCILE_EVERY_MS: String(3_600_000),
    ...(o.readStoreUrl ? { READ_STORE_URL: o.readStoreUrl } : {}),
  };
  const errors = new ErrorLog();
  const api = await startApi(env);
  api.app.useLogger(errors);
  const base = await api.app.getUrl();
  // A second connection to the same file: the store's head before and after each request.
  const reader = new SqliteEventStore({ path });
  const head = async () => {
    const [last] = await reader.readAll({ direction: 'backwards', maxCount: 1 });
    return last ? positionToString(last.position) : '';
  };

  const figures = { sent: 0, sentShrinking: 0, '2xx': 0, '4xx': 0, '409': 0, '5xx': 0, noAnswer: 0, notProblem: 0, refusedButRecorded: 0 };
  const failures = new Map<string, Failure>();
  const exchange = async (req: FuzzRequest): Promise<{ reply: FuzzReply; violations: Violation[] }> => {
    const before = await head();
    errors.lines = [];
    const reply = await send(base, req);
    const violations = check(req, reply, (await head()) !== before, errors.lines[0]);
    return { reply, violations };
  };

  let touched: string[] = [];
  try {
    const world = await seed(base);
    // The ledgers answer 503 LEDGER.BUILDING until their first build has made their tables: the fuzzing starts after.
    await waitUntil(
      'the ledgers are built',
      async () => (await send(base, { op: 'ready', method: 'GET', target: '/ledgers/business', headers: AUDITOR })).status === 200,
    );
    const doc: OpenApi = JSON.parse((await send(base, { op: 'docs', method: 'GET', target: '/docs-json', headers: AUDITOR })).text);
    const arbitrary = requests(doc, world);
    o.log(`fuzz [${o.label}] seed ${o.seed}, ${o.runs} requests over ${Object.keys(doc.paths).length} paths`);

    // Every request is sent and checked; the property holds so that the run goes on and counts everything.
    let run = 0;
    await fc.check(
      fc.asyncProperty(arbitrary, async (req) => {
        const { reply, violations } = await exchange(req);
        figures.sent++;
        if (figures.sent % 500 === 0) o.log(`fuzz [${o.label}] ${figures.sent} requests sent`);
        const s = reply.status;
        if (s >= 200 && s < 300) figures['2xx']++;
        if (s >= 400 && s < 500) figures['4xx']++;
        if (s === 409) figures['409']++;
        for (const v of violations) {
          if (v.kind === '5xx') figures['5xx']++;
          if (v.kind === 'no answer') figures.noAnswer++;
          if (v.kind === 'not a problem') figures.notProblem++;
          if (v.kind === 'refused but recorded') figures.refusedButRecorded++;
          const f = failures.get(v.signature) ?? { ...v, count: 0, ops: new Set<string>(), run, request: req, reply };
          f.count++;
          f.ops.add(req.op);
          failures.set(v.signature, f);
        }
        run++;
        return true;
      }),
      { seed: o.seed, numRuns: o.runs },
    );

    // One shrunk example per distinct failure: replay its run (same seed, same path) and let fast-check shrink
    // it while the same failure still shows. The store has moved on meanwhile, so a failure may not recur.
    const deadline = Date.now() + (o.shrinkMs ?? 60_000);
    for (const f of failures.values()) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let last: FuzzReply | undefined;
      const details = await fc.check(
        fc.asyncProperty(arbitrary, async (req) => {
          figures.sentShrinking++;
          const { reply, violations } = await exchange(req);
          if (!violations.some((v) => v.signature === f.signature)) return true;
          last = reply;
          return false;
        }),
        { seed: o.seed, path: String(f.run), numRuns: 1, interruptAfterTimeLimit: Math.min(left, o.shrinkEachMs ?? 8_000) },
      );
      if (details.counterexample && last)
        f.shrunk = { request: details.counterexample[0], reply: last, path: details.counterexamplePath ?? '' };
    }
  } finally {
    touched = (await reader.readAll()).map((e) => e.streamName);
    await reader.close();
    await api.stop();
  }

  const restartProblems = await restart(env, touched);
  rmSync(dir, { recursive: true, force: true });
  const report = {
    figures: { ...figures, restartsFailed: restartProblems.length ? 1 : 0 },
    failures: [...failures.values()],
    restartProblems,
    problems: [] as string[],
  };
  report.problems = [...report.failures.map((f) => `${f.kind}: ${f.signature}`), ...restartProblems.map((p) => `restart: ${p}`)];
  print(o, report);
  return report;
}

/** The API must boot again on the same file and answer for every fund and loan the run touched. */
async function restart(env: Record<string, string>, streams: string[]): Promise<string[]> {
  const problems: string[] = [];
  let again;
  try {
    again = await startApi(env);
  } catch (error) {
    return [`the API did not boot again: ${(error as Error).message}`];
  }
  try {
    const base = await again.app.getUrl();
    const get = async (target: string) => {
      const reply = await send(base, { op: `GET ${target}`, method: 'GET', target, headers: AUDITOR });
      if (reply.status >= 500 || reply.status === 0) problems.push(`GET ${target} → ${describeReply(reply)}`);
      return reply;
    };
    const health = await get('/health');
    if (health.status !== 200) problems.push(`GET /health → ${describeReply(health)}`);
    const ids = (prefix: string) => [
      ...new Set(streams.filter((s) => s.startsWith(prefix)).map((s) => encodeURIComponent(s.slice(prefix.length)))),
    ];
    for (const id of ids('loan-')) for (const t of [`/loans/${id}`, `/loans/${id}/events`, `/ledgers/business/${id}`]) await get(t);
    for (const id of ids('fund-')) for (const t of [`/funds/${id}`, `/funds/${id}/events`]) await get(t);
  } finally {
    await again.stop();
  }
  return problems;
}

function print(o: FuzzOptions, r: FuzzReport) {
  const f = r.figures;
  o.log(
    [
      `fuzz [${o.label}] seed ${o.seed}`,
      `  requests sent: ${f.sent} (+${f.sentShrinking} while shrinking); 2xx ${f['2xx']}, 4xx ${f['4xx']} (409 by the rules: ${f['409']})`,
      `  5xx seen: ${f['5xx']}; no answer: ${f.noAnswer}`,
      `  refused requests that appended events: ${f.refusedButRecorded}`,
      `  non-problem errors: ${f.notProblem}`,
      `  restarts that failed: ${f.restartsFailed}`,
      `  distinct failures: ${r.failures.length}`,
    ].join('\n'),
  );
  r.failures.forEach((x, i) => {
    o.log(`  #${i + 1} ${x.kind}: ${x.signature} — ${x.count}×, on ${[...x.ops].join(', ')}`);
    o.log(`     first (run ${x.run}): ${describeRequest(x.request)}`);
    o.log(`       → ${describeReply(x.reply)}`);
    if (x.shrunk) {
      o.log(`     shrunk (seed ${o.seed}, path ${x.shrunk.path}): ${describeRequest(x.shrunk.request)}`);
      o.log(`       → ${describeReply(x.shrunk.reply)}`);
    }
  });
  for (const p of r.restartProblems) o.log(`  restart: ${p}`);
}
