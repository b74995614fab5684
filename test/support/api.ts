import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { SqliteEventStore } from '@app/event-store';
import { createApp, openApiDocuments } from '../../apps/api/src/app';
import { loadConfig } from '../../apps/api/src/config';
import { idNumber } from './ids';
import { TEST_ISSUER_DIR, signed, usualActor } from './auth';
import { contractOf } from './openapi';

export { CLERK } from './auth';

export interface Reply {
  status: number;
  body: any;
  contentType: string;
  headers: Headers;
}

/** The API on a real port over a real SQLite file, with a fetch-based client. */
export async function startApi(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'loans-api-'));
  const path = join(dir, 'events.db');
  const config = loadConfig({ EVENT_STORE_PATH: path, DAY_END_AT: 'off', PORT: '0', AUTH_LOCAL_ISSUER_DIR: TEST_ISSUER_DIR, ...env });
  const app: NestFastifyApplication = await createApp(config, ['error']);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();

  /** The headers of a request as the actor they name, or else as whoever usually makes it (see `usualActor`). */
  async function signedFor(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
    const acting = headers['x-actor-user'] !== undefined || headers.authorization !== undefined || headers['x-api-key'] !== undefined;
    return signed({ ...(acting ? {} : await usualActorOf(method, url, body)), ...headers });
  }

  /** A raw fetch (for downloads and bodies that are not JSON), signed like `call`. */
  async function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
    const method = init.method ?? 'GET';
    return fetch(base + url, { ...init, method, headers: await signedFor(method, url, undefined, init.headers) });
  }

  // Every answer is held to the OpenAPI document.
  const problemsWith = contractOf(openApiDocuments.get(app) as unknown as Parameters<typeof contractOf>[0]);

  /** A request as the actor the headers name, or else as whoever usually makes it; `{ authorization: '' }` sends it as nobody. */
  async function call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    const sent = Object.entries(await signedFor(method, url, body, headers)).filter(([, value]) => value !== '');
    const res = await fetch(base + url, {
      method,
      headers: { ...Object.fromEntries(sent), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    // JSON parsed; a stream (SSE, NDJSON) as its text.
    const reply = {
      status: res.status,
      body: text && /^application\/(problem\+)?json/.test(contentType) ? JSON.parse(text) : text || undefined,
    };
    const broken = problemsWith(method, url, reply.status, contentType, reply.body);
    if (broken.length) throw new Error(`The answer breaks the OpenAPI document:\n${broken.join('\n')}`);
    return { ...reply, contentType, headers: res.headers };
  }

  /** Who usually makes a request (see `usualActor`), looking up the loan a request acts on for its county and branch. */
  async function usualActorOf(method: string, url: string, body: unknown): Promise<Record<string, string>> {
    const onLoan = /^\/loans\/([^/]+)\/[\w-]+$/.exec(url.split('?')[0]);
    const loan = method !== 'GET' && onLoan ? await call('GET', `/loans/${onLoan[1]}`) : undefined;
    return usualActor(method, url, body, loan?.status === 200 ? loan.body.application : undefined);
  }

  /** Counts every event in the store through a second connection to the same file. */
  async function eventCount(): Promise<number> {
    const reader = new SqliteEventStore({ path });
    const n = (await reader.readAll()).length;
    await reader.close();
    return n;
  }

  return {
    app,
    path,
    call,
    raw,
    eventCount,
    post: (url: string, body: unknown, headers?: Record<string, string>) => call('POST', url, body, headers),
    put: (url: string, body: unknown, headers?: Record<string, string>) => call('PUT', url, body, headers),
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Api = Awaited<ReturnType<typeof startApi>>;

/** The API's environment for a PostgreSQL read store (the test server from Jest's global setup), in a fresh schema. */
export async function postgresReadStore(): Promise<Record<string, string>> {
  const url = process.env.PG_TEST_URL!;
  const schema = `api_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return { READ_STORE_URL: `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
}

/** The read stores the API's end-to-end tests run on: the embedded SQLite file, and PostgreSQL. */
export const API_READ_STORES: Array<[string, () => Promise<Record<string, string>>]> = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', postgresReadStore],
];

export const application = (n: number, over: Record<string, unknown> = {}) => ({
  idNumber: idNumber(n),
  categories: ['returning_migrant_worker', 'woman'],
  kind: 'individual',
  project: { name: '脐橙种植', industry: 'agriculture' },
  microProfit: true,
  amountFen: 5_000_000,
  termMonths: 12,
  countyCode: '360721',
  centreId: 'GC-360721',
  branchId: 'ABC-360721',
  counterGuarantee: { mode: 'third_party_guarantor' },
  personsSupported: 1,
  jobsPlanned: 3,
  businessDate: '2011-01-05',
  ...over,
});

export const guarantee = (amountFen = 5_000_000, businessDate = '2011-01-08') => ({
  guaranteedAmountFen: amountFen,
  feeRateBp: 100,
  feePaidBy: 'finance',
  businessDate,
});
export const disbursement = (businessDate = '2011-01-10', amountFen = 5_000_000) => ({
  amountFen,
  contractRateBp: 600,
  repaymentMethod: 'interest_quarterly_principal_at_maturity',
  bankContractNo: 'ABC-2011-0001',
  businessDate,
});
export const contribution = (amountFen: number, businessDate = '2011-01-02') => ({
  source: 'county_finance',
  amountFen,
  reference: '赣县财政 2011',
  businessDate,
});

/** Waits until `check` holds (a throw counts as not yet), for at most `ms`. */
export async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until every projection of `api` is live and has applied every event it reads. */
export async function caughtUp(api: Api, ms = 30_000) {
  await until(async () => (await api.get('/projections')).body.every((p: any) => p.state === 'live' && p.lag === 0), ms);
}
