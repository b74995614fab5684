import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { SqliteEventStore } from '@app/event-store';
import { createApp } from '../../apps/api/src/app';
import { loadConfig } from '../../apps/api/src/config';
import { idNumber } from './ids';
import { AUDITOR, BANK_ABC, CLERK, FINANCE, OPERATOR, PROVINCE_MANAGER, PROVINCE_OFFICE, TEST_ISSUER_DIR, as, signed } from './auth';

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

  /** A request as the actor the headers name, or else as whoever usually makes it (see `usualActor`). */
  async function call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    const acting = headers?.['x-actor-user'] !== undefined || headers?.authorization !== undefined || headers?.['x-api-key'] !== undefined;
    const sent = await signed({ ...(acting ? {} : await usualActor(method, url, body)), ...headers });
    const res = await fetch(base + url, {
      method,
      headers: { ...sent, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      contentType: res.headers.get('content-type') ?? '',
      headers: res.headers,
    };
  }

  /**
   * Who usually makes a request, for tests about something else than access: an auditor reads; centre staff act
   * on loans (a clerk of the loan's county 360721, else a manager of the province's centre); a clerk of the loan's
   * branch records disbursements and repayments; finance contributes and pays; operators run the day-end.
   */
  async function usualActor(method: string, url: string, body: unknown): Promise<Record<string, string>> {
    const path = url.split('?')[0];
    if (method === 'GET') return AUDITOR;
    if (path.startsWith('/batches/')) return BANK_ABC;
    if (/^\/funds\/[^/]+\/contributions$/.test(path) || /^\/subsidy-claims\/.+\/payment$/.test(path)) return FINANCE;
    if (path === '/subsidy-claims') return as('bank-01', 'bank_clerk', (body as { bankCode?: string })?.bankCode ?? 'ABC');
    if (path.startsWith('/targets/')) return PROVINCE_OFFICE;
    if (path.startsWith('/operations/') || path.startsWith('/projections/')) return OPERATOR;
    const onLoan = /^\/loans\/([^/]+)\/([\w-]+)$/.exec(path);
    if (path === '/loans') return (body as { countyCode?: string })?.countyCode === '360721' ? CLERK : PROVINCE_MANAGER;
    if (!onLoan) return CLERK;
    const loan = await call('GET', `/loans/${onLoan[1]}`);
    const application = loan.status === 200 ? loan.body.application : undefined;
    if (onLoan[2] === 'disbursement' || onLoan[2] === 'repayments')
      return as('bank-01', 'bank_clerk', application?.branchId ?? 'ABC-360721');
    const clerkMay = !['compensation', 'write-off'].includes(onLoan[2]);
    return clerkMay && (application === undefined || application.countyCode === '360721') ? CLERK : PROVINCE_MANAGER;
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
