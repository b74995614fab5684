/**
 * npm run load: drives the API over real HTTP from a process of its own and prints throughput and
 * latency percentiles. Against a running API (LOAD_URL), or one it starts on a fresh embedded store.
 *   LOAD_URL=http://127.0.0.1:3000 LOAD_TOKEN=$(npm run -s cli -- auth token --user load --role centre_clerk --org GC-360721) \
 *   LOAD_CONCURRENCY=32 LOAD_COUNT=20000 npm run load
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { idNumberCheck } from '@app/domain';
import { percentile } from './stats';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER } from '../../api/src/auth/auth-config';
import { TokenClaims, localIssuerKey, signToken } from '../../api/src/auth/local-issuer';

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

/** Who the load acts as: a clerk of the county centre the applications go to. */
export const LOAD_CLERK = { user: 'load', role: 'centre_clerk', org: 'GC-360721' };

/** `count` requests, `concurrency` at a time, over kept-alive connections (one per request in flight). */
export async function runLoad(
  base: string,
  count: number,
  concurrency: number,
  nth: (i: number) => LoadRequest,
  headers: Record<string, string>,
): Promise<LoadResult> {
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
        const status = await send(agent, url, r, headers);
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

function send(agent: Agent, url: URL, r: LoadRequest, headers: Record<string, string>): Promise<number> {
  const body = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}) },
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

export interface StartedApi {
  base: string;
  stop: () => Promise<void>;
  /** The Authorization header of a token for the actor, from the API's local issuer. */
  signIn: (actor: TokenClaims) => Promise<Record<string, string>>;
}

/**
 * The API in a process of its own on the embedded store at `path`, signing in with a local issuer beside it and
 * no rate limit (the load is one identity); `trusting` starts it with sign-in taken out (see api-trusting.ts).
 */
export async function startApi(path: string, options: { trusting?: boolean } = {}): Promise<StartedApi> {
  const port = await freePort();
  const issuerDir = join(dirname(path), 'auth');
  const entry = options.trusting ? 'dist/apps/bench/src/api-trusting.js' : 'dist/apps/api/src/main.js';
  const child = spawn(process.execPath, ['-r', './apps/api/register-paths.js', entry], {
    cwd: join(__dirname, '../../..').replace(/\/dist$/, ''),
    env: {
      ...process.env,
      PORT: String(port),
      EVENT_STORE_PATH: path,
      DAY_END_AT: 'off',
      PROJECTIONS: 'off',
      AUTH_LOCAL_ISSUER_DIR: issuerDir,
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: 'ignore',
  });
  const signIn = async (actor: TokenClaims) => {
    const token = await signToken(await localIssuerKey(issuerDir), actor, {
      issuer: LOCAL_ISSUER,
      audience: DEFAULT_AUDIENCE,
      ttlSeconds: 3600,
    });
    return { authorization: `Bearer ${token}` };
  };
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
    if (up) return { base, stop, signIn };
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
  let headers: Record<string, string> = { authorization: `Bearer ${process.env.LOAD_TOKEN}` };
  const dir = mkdtempSync(join(tmpdir(), 'loans-load-'));
  if (base && !process.env.LOAD_TOKEN) throw new Error('Give LOAD_TOKEN: a token of a centre clerk of GC-360721 for the API at LOAD_URL.');
  if (!base) {
    const api = await startApi(join(dir, 'events.db'));
    ({ base, stop } = api);
    headers = await api.signIn(LOAD_CLERK);
  }
  // Applications numbered from the clock, so a rerun against the same API applies for new borrowers.
  const offset = process.env.LOAD_URL ? Math.floor(Date.now() / 1000) % 100_000 : 0;
  console.error(`${count} loan applications to ${base}, ${concurrency} in flight…`);
  const r = await runLoad(base, count, concurrency, (i) => application(offset + i), headers);
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
