/**
 * npm run load: drives the API over real HTTP from a process of its own and prints throughput and
 * latency percentiles. Against a running API (LOAD_URL), or one it starts on a fresh embedded store.
 *   LOAD_URL=http://127.0.0.1:3000 LOAD_CONCURRENCY=32 LOAD_COUNT=20000 npm run load
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberCheck } from '@app/domain';
import { percentile } from './stats';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers other than the one expected, by status. */
  failures: Record<string, number>;
}

/** What each request sends: its method, path and JSON body, and the status that counts as success. */
export interface LoadRequest {
  method: 'POST' | 'GET';
  path: string;
  body?: unknown;
  expect: number;
}

export const ACTOR = { 'x-actor-user': 'load', 'x-actor-role': 'centre_clerk', 'x-actor-org': 'GC-360721' };

/** `count` requests, `concurrency` at a time, over kept-alive connections (one per request in flight). */
export async function runLoad(base: string, count: number, concurrency: number, nth: (i: number) => LoadRequest): Promise<LoadResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const r = nth(i);
        const started = performance.now();
        const status = await send(agent, url, r);
        latencies.push(performance.now() - started);
        if (status !== r.expect) failures[status] = (failures[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return {
    requests: count,
    perSecond: count / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    failures,
  };
}

function send(agent: Agent, url: URL, r: LoadRequest): Promise<number> {
  const body = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...ACTOR, ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The API in a process of its own on the embedded store at `path`; stopped with `stop()`. */
export async function startApi(path: string, env: Record<string, string> = {}): Promise<{ base: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', './apps/api/register-paths.js', 'dist/apps/api/src/main.js'], {
    cwd: join(__dirname, '../../..').replace(/\/dist$/, ''),
    env: { ...process.env, PORT: String(port), EVENT_STORE_PATH: path, DAY_END_AT: 'off', PROJECTIONS: 'off', ...env },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { base, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not start (run `npm run build` first)');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A loan application of a new borrower, the n-th (distinct, valid ID numbers for n below 10,000,000). */
export function application(n: number): LoadRequest {
  return {
    method: 'POST',
    path: '/loans',
    expect: 201,
    body: {
      idNumber: idNumber(n),
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
    },
  };
}

export function idNumber(n: number): string {
  // Birth date from n (a day of 1960–1987), sequence from the rest: distinct and valid with its check digit.
  const day = new Date(Date.UTC(1960, 0, 1) + (n % 10_000) * 86_400_000);
  const date = day.toISOString().slice(0, 10).replace(/-/g, '');
  const body = `360721${date}${String(Math.floor(n / 10_000) % 1000).padStart(3, '0')}`;
  return body + idNumberCheck(body);
}

async function main() {
  const count = Number(process.env.LOAD_COUNT ?? 10_000);
  const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 32);
  let base = process.env.LOAD_URL;
  let stop = async () => {};
  const dir = mkdtempSync(join(tmpdir(), 'loans-load-'));
  if (!base) ({ base, stop } = await startApi(join(dir, 'events.db')));
  // Applications numbered from the clock, so a rerun against the same API applies for new borrowers.
  const offset = process.env.LOAD_URL ? Math.floor(Date.now() / 1000) % 100_000 : 0;
  console.error(`${count} loan applications to ${base}, ${concurrency} in flight…`);
  const r = await runLoad(base, count, concurrency, (i) => application(offset + i));
  await stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${Math.round(r.perSecond)} requests/s; p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms` +
      (Object.keys(r.failures).length ? `; unexpected answers: ${JSON.stringify(r.failures)}` : ''),
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
