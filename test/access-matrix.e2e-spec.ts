import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceKey } from '../apps/api/src/auth/service-keys';
import { Api, application, contribution, disbursement, guarantee, startApi } from './support/api';
import { AUDITOR, BANK_ABC, FINANCE, OPERATOR, as } from './support/auth';
import { idNumber } from './support/ids';

/**
 * Who may call what, tried over HTTP: every endpoint × every role, inside and outside its jurisdiction. The
 * expectations are written here from the programme's rules ("Who uses it" in the domain), not read from the
 * policy module, so that a change to the policy that breaks a rule fails here. Denied requests record nothing.
 * The result is the table in docs/security.md (UPDATE_DOCS=1 writes it).
 */

type Reach = 'region' | 'bank';
interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** As the OpenAPI document names it. */
  route: string;
  /** Who may call it; inside their jurisdiction only, when it has a reach. */
  allowed: string[];
  /** What it reaches by: a loan is reached by its region (centre staff) and by its bank (bank staff). */
  reach?: Reach | Reach[];
  request: (f: Fixture) => { path: string; body?: unknown };
}

interface Fixture {
  /** A loan of county 赣县 360721, at the ABC branch there, guaranteed and disbursed. */
  loanId: string;
  borrowerId: string;
  /** A webhook registered by an operator (to a port nothing listens on; deliveries are off). */
  webhookId: string;
  next: () => number;
}

const CENTRE = ['centre_clerk', 'centre_manager'];
/** Histories name the staff who acted: analysts, who read projections only, do not get them. */
const HISTORY_READERS = [...CENTRE, 'finance_officer', 'province_admin', 'auditor'];
const LEDGER_READERS = [...HISTORY_READERS, 'analyst'];
const D = '2011-03-01';

const ENDPOINTS: Endpoint[] = [
  { method: 'POST', route: '/loans', allowed: CENTRE, reach: 'region', request: (f) => ({ path: '/loans', body: application(f.next()) }) },
  ...(
    [
      ['rejection', CENTRE, { reasonCode: 'FALSE_DOCUMENTS', businessDate: D }],
      ['second-support', CENTRE, { jobsCreated: 6, businessDate: D }],
      ['risk-review', CENTRE, { decision: 'cleared', note: '核实', businessDate: D }],
      ['guarantee', CENTRE, guarantee(5_000_000, D)],
      ['extension', CENTRE, { newMaturity: '2012-06-10', guarantorConsent: true, businessDate: D }],
      ['compensation', ['centre_manager'], { businessDate: D }],
      ['recoveries', CENTRE, { amountFen: 100, source: 'borrower', businessDate: D }],
      ['write-off', ['centre_manager'], { approvalRef: 'FIN-2011-88', businessDate: D }],
    ] as const
  ).map(([step, allowed, body]): Endpoint => ({
    method: 'POST',
    route: `/loans/{loanId}/${step}`,
    allowed: [...allowed],
    reach: 'region',
    request: (f) => ({ path: `/loans/${f.loanId}/${step}`, body }),
  })),
  {
    method: 'POST',
    route: '/loans/{loanId}/disbursement',
    allowed: ['bank_clerk'],
    reach: 'bank',
    request: (f) => ({ path: `/loans/${f.loanId}/disbursement`, body: disbursement(D) }),
  },
  {
    method: 'POST',
    route: '/loans/{loanId}/repayments',
    allowed: ['bank_clerk'],
    reach: 'bank',
    request: (f) => ({ path: `/loans/${f.loanId}/repayments`, body: { principalFen: 0, interestFen: 1, businessDate: D } }),
  },
  {
    method: 'GET',
    route: '/loans/{loanId}',
    allowed: [...CENTRE, 'bank_clerk', 'auditor'],
    reach: ['region', 'bank'],
    request: (f) => ({ path: `/loans/${f.loanId}` }),
  },
  {
    method: 'GET',
    route: '/loans/{loanId}/events',
    allowed: [...CENTRE, 'bank_clerk', 'auditor'],
    reach: ['region', 'bank'],
    request: (f) => ({ path: `/loans/${f.loanId}/events` }),
  },
  ...(['payoff-quote', 'repayment-schedule'] as const).map((read): Endpoint => ({
    method: 'GET',
    route: `/loans/{loanId}/${read}`,
    allowed: [...CENTRE, 'bank_clerk', 'auditor'],
    reach: ['region', 'bank'],
    request: (f) => ({ path: `/loans/${f.loanId}/${read}?date=2011-03-01` }),
  })),
  ...(['repayments', 'disbursements'] as const).map((kind): Endpoint => ({
    method: 'POST',
    route: `/batches/${kind}`,
    allowed: ['bank_clerk'],
    reach: 'bank',
    request: (f) => ({
      path: `/batches/${kind}`,
      body: {
        lines: [
          kind === 'repayments'
            ? { loanId: f.loanId, principalFen: 0, interestFen: 1, businessDate: D }
            : { loanId: f.loanId, ...disbursement(D) },
        ],
      },
    }),
  })),
  {
    method: 'POST',
    route: '/funds/{fundId}/contributions',
    allowed: ['finance_officer'],
    reach: 'region',
    request: () => ({ path: '/funds/GC-360721/contributions', body: contribution(100) }),
  },
  { method: 'GET', route: '/funds/{fundId}', allowed: LEDGER_READERS, request: () => ({ path: '/funds/GC-360721' }) },
  { method: 'GET', route: '/funds/{fundId}/events', allowed: HISTORY_READERS, request: () => ({ path: '/funds/GC-360721/events' }) },
  {
    method: 'POST',
    route: '/borrowers/lookup',
    allowed: CENTRE,
    request: () => ({ path: '/borrowers/lookup', body: { idNumber: idNumber(1) } }),
  },
  {
    method: 'GET',
    route: '/borrowers/{borrowerId}/events',
    allowed: [...CENTRE, 'auditor'],
    request: (f) => ({ path: `/borrowers/${f.borrowerId}/events` }),
  },
  {
    method: 'POST',
    route: '/subsidy-claims',
    allowed: ['bank_clerk'],
    reach: 'bank',
    request: (f) => ({
      path: '/subsidy-claims',
      body: {
        claimId: `ABC-Q1-${f.next()}`,
        bankCode: 'ABC',
        quarter: '2011-Q1',
        items: [{ loanId: f.loanId, centralFen: 1, localFen: 0 }],
        businessDate: D,
      },
    }),
  },
  {
    method: 'POST',
    route: '/subsidy-claims/{bankCode}/{quarter}/{claimId}/payment',
    allowed: ['finance_officer'],
    request: () => ({ path: '/subsidy-claims/ABC/2011-Q1/ABC-Q1-0/payment', body: { centralFen: 1, localFen: 0, businessDate: D } }),
  },
  {
    method: 'GET',
    route: '/subsidy-claims/{bankCode}/{quarter}/events',
    allowed: ['bank_clerk', 'finance_officer', 'auditor'],
    reach: 'bank',
    request: () => ({ path: '/subsidy-claims/ABC/2011-Q1/events' }),
  },
  {
    method: 'PUT',
    route: '/targets/{regionCode}/{year}',
    allowed: ['province_admin'],
    request: () => ({ path: '/targets/360721/2011', body: { loans: 300, amountFen: 1_500_000_000, businessDate: D } }),
  },
  {
    method: 'GET',
    route: '/targets/{regionCode}/{year}/events',
    allowed: HISTORY_READERS,
    request: () => ({ path: '/targets/360721/2011/events' }),
  },
  ...[
    ['/bulletin', '/bulletin?month=2011-01'],
    ['/ledgers/business', '/ledgers/business'],
    ['/ledgers/business/{loanId}', ''],
    ['/ledgers/funds', '/ledgers/funds'],
    ['/ledgers/fund-movements', '/ledgers/fund-movements'],
    ['/ledgers/subsidy/loans', '/ledgers/subsidy/loans'],
    ['/ledgers/subsidy/banks', '/ledgers/subsidy/banks'],
    ['/ledgers/journal', '/ledgers/journal'],
    ['/ledgers/trial-balance', '/ledgers/trial-balance?book=GC-360721&month=2011-01'],
    ['/ledgers/late-steps', '/ledgers/late-steps?from=2011-01-01&to=2011-12-31'],
    ['/exports/bulletin', '/exports/bulletin?month=2011-01&format=json'],
    ['/exports/{ledger}', '/exports/business?format=json'],
  ].map(([route, path]): Endpoint => ({
    method: 'GET',
    route,
    allowed: [...LEDGER_READERS, 'service'],
    request: (f) => ({ path: path || `/ledgers/business/${f.loanId}` }),
  })),
  ...[
    ['/assessment', '/assessment?period=month&date=2011-01-31'],
    ['/exports/assessment', '/exports/assessment?period=month&date=2011-01-31&unit=centre_staff&format=json'],
  ].map(([route, path]): Endpoint => ({
    method: 'GET',
    route,
    allowed: ['centre_manager', 'province_admin', 'auditor'],
    request: () => ({ path }),
  })),
  {
    method: 'GET',
    route: '/streams/{streamName}/events',
    allowed: ['auditor', 'service'],
    request: (f) => ({ path: `/streams/loan-${f.loanId}/events` }),
  },
  ...[
    '/feed?live=false&categories=target',
    '/feed/events?limit=1',
    '/feed/events.ndjson?categories=target',
    '/feed/schemas',
    '/feed/asyncapi.json',
  ].map((path): Endpoint => ({
    method: 'GET',
    route: path.split('?')[0],
    allowed: ['auditor', 'service'],
    request: () => ({ path }),
  })),
  {
    method: 'POST',
    route: '/webhooks',
    allowed: ['operator'],
    request: () => ({ path: '/webhooks', body: { url: 'http://127.0.0.1:9/events' } }),
  },
  { method: 'GET', route: '/webhooks', allowed: ['operator'], request: () => ({ path: '/webhooks' }) },
  {
    method: 'GET',
    route: '/webhooks/{id}/dead-letters',
    allowed: ['operator'],
    request: (f) => ({ path: `/webhooks/${f.webhookId}/dead-letters` }),
  },
  {
    method: 'POST',
    route: '/webhooks/{id}/dead-letters/replay',
    allowed: ['operator'],
    request: (f) => ({ path: `/webhooks/${f.webhookId}/dead-letters/replay`, body: {} }),
  },
  { method: 'DELETE', route: '/webhooks/{id}', allowed: ['operator'], request: (f) => ({ path: `/webhooks/${f.webhookId}` }) },
  { method: 'GET', route: '/reference', allowed: [...LEDGER_READERS, 'bank_clerk', 'operator'], request: () => ({ path: '/reference' }) },
  { method: 'GET', route: '/projections', allowed: ['operator', 'auditor', 'analyst'], request: () => ({ path: '/projections' }) },
  { method: 'POST', route: '/projections/rebuild', allowed: ['operator'], request: () => ({ path: '/projections/rebuild', body: {} }) },
  {
    method: 'POST',
    route: '/operations/day-end',
    allowed: ['operator'],
    request: () => ({ path: '/operations/day-end', body: { businessDate: D } }),
  },
  { method: 'POST', route: '/operations/reconcile', allowed: ['operator'], request: () => ({ path: '/operations/reconcile', body: {} }) },
  { method: 'GET', route: '/health', allowed: ['anyone'], request: () => ({ path: '/health' }) },
  { method: 'GET', route: '/audit/public-key', allowed: ['anyone'], request: () => ({ path: '/audit/public-key' }) },
  {
    method: 'POST',
    route: '/audit/digests',
    allowed: ['operator'],
    request: () => ({ path: '/audit/digests', body: { month: '2011-01' } }),
  },
  ...[
    '/audit/digests',
    '/audit/digests/2011-01',
    '/audit/proofs/inclusion?eventId=6f1c3d52-8a7e-4f7b-9a55-2b1c0e7d9f10&month=2011-01',
    '/audit/proofs/consistency?from=2011-01&to=2011-01',
    '/audit/verifications/latest',
    '/audit/bulletins/2011-01/replay',
  ].map((path): Endpoint => ({
    method: 'GET',
    route: path.replace('2011-01', '{month}').split('?')[0],
    allowed: ['auditor', 'service'],
    request: () => ({ path }),
  })),
  {
    method: 'POST',
    route: '/audit/bulletins',
    allowed: ['province_admin'],
    request: () => ({ path: '/audit/bulletins', body: { month: '2011-01' } }),
  },
  {
    method: 'POST',
    route: '/borrowers/erasures',
    allowed: ['province_admin'],
    // The fixture's borrower has a loan open: the erasure is refused (409), which is not a refusal of access.
    request: (f) => ({
      path: '/borrowers/erasures',
      body: { borrowerId: f.borrowerId, legalBasis: 'consent_withdrawn', requestReference: 'R-1' },
    }),
  },
  {
    method: 'POST',
    route: '/audit/verifications',
    allowed: ['auditor', 'service'],
    request: () => ({ path: '/audit/verifications', body: {} }),
  },
];

/** Each role, inside the jurisdiction of the fixture's loan (county 360721, bank ABC, fund GC-360721) and outside it. */
const ROLES: Array<{ role: string; inside: Record<string, string>; outside?: Record<string, string>; reach?: Reach }> = [
  {
    role: 'centre_clerk',
    reach: 'region',
    inside: as('m-clerk', 'centre_clerk', 'GC-360721'),
    outside: as('m-clerk-2', 'centre_clerk', 'GC-360781'),
  },
  {
    role: 'centre_manager',
    reach: 'region',
    inside: as('m-manager', 'centre_manager', 'GC-360700'),
    outside: as('m-manager-2', 'centre_manager', 'GC-360100'),
  },
  {
    role: 'bank_clerk',
    reach: 'bank',
    inside: as('m-bank', 'bank_clerk', 'ABC-360781'),
    outside: as('m-bank-2', 'bank_clerk', 'CCB-360721'),
  },
  {
    role: 'finance_officer',
    reach: 'region',
    inside: as('m-finance', 'finance_officer', 'FIN-360721'),
    outside: as('m-finance-2', 'finance_officer', 'FIN-360100'),
  },
  { role: 'province_admin', inside: as('m-province', 'province_admin', '360000') },
  { role: 'auditor', inside: as('m-auditor', 'auditor', 'AUDIT') },
  { role: 'analyst', inside: as('m-analyst', 'analyst', 'STATS') },
  { role: 'operator', inside: as('m-operator', 'operator', 'OPS') },
];

const reachesBy = (endpoint: Endpoint, reach: Reach | undefined) => reach !== undefined && [endpoint.reach].flat().includes(reach);

describe('who may call what: every endpoint × every role, inside and outside its jurisdiction', () => {
  let api: Api;
  let dir: string;
  let fixture: Fixture;
  let serviceKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-matrix-'));
    const file = join(dir, 'service-keys.json');
    serviceKey = createServiceKey(file, 'warehouse', ['ledger.read', 'stream.read', 'feed.read', 'audit.read']).key;
    api = await startApi({ SERVICE_KEYS_FILE: file, RATE_LIMIT_PER_MINUTE: '0', LOOKUPS_PER_MINUTE: '10000', WEBHOOKS: 'off' });
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000), FINANCE);
    const applied = (await api.post('/loans', application(500))).body;
    await api.post(`/loans/${applied.loanId}/guarantee`, guarantee());
    await api.post(`/loans/${applied.loanId}/disbursement`, disbursement(), BANK_ABC);
    let n = 600;
    const webhookId = (await api.post('/webhooks', { url: 'http://127.0.0.1:9/events' }, OPERATOR)).body.id;
    fixture = { loanId: applied.loanId, borrowerId: applied.borrowerId, webhookId, next: () => n++ };
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every endpoint of the OpenAPI document, and no other', async () => {
    const paths = (await api.get('/docs-json', AUDITOR)).body.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([route, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${route}`));
    expect(ENDPOINTS.map((e) => `${e.method} ${e.route}`).sort()).toEqual(documented.sort());
  });

  it('allows exactly the roles the rules give each endpoint, within their jurisdiction, and denied requests record nothing', async () => {
    const rows: string[][] = [];
    const mismatches: string[] = [];
    for (const endpoint of ENDPOINTS) {
      const cells: string[] = [];
      const callers = [
        // Outside matters where the role's jurisdiction is the kind the endpoint reaches by (a finance officer has no bank).
        ...ROLES.flatMap(({ role, inside, outside, reach }) => [
          { role, where: 'inside', headers: inside },
          ...(outside && reachesBy(endpoint, reach) ? [{ role, where: 'outside', headers: outside }] : []),
        ]),
        { role: 'service', where: 'inside', headers: { 'x-api-key': serviceKey } },
        { role: 'anonymous', where: 'inside', headers: { authorization: 'Bearer none.none.none' } },
      ];
      for (const caller of callers) {
        const expected =
          endpoint.allowed.includes('anyone') || (endpoint.allowed.includes(caller.role) && caller.where === 'inside') ? 'allow' : 'deny';
        const { path, body } = endpoint.request(fixture);
        const before = await api.eventCount();
        const reply = await api.call(endpoint.method, path, body, caller.headers);
        // An upload is answered line by line: its lines on loans out of reach are each refused.
        const linesOutOfReach = reply.body?.results?.every((r: { code?: string }) => r.code === 'ACCESS.OUTSIDE_JURISDICTION');
        const got = reply.status === 401 || reply.status === 403 || linesOutOfReach ? 'deny' : 'allow';
        if (got !== expected)
          mismatches.push(
            `${endpoint.method} ${endpoint.route} as ${caller.role} (${caller.where}): ${got} (${reply.status} ${reply.body?.code ?? ''}), expected ${expected}`,
          );
        if (got === 'deny' && (await api.eventCount()) !== before)
          mismatches.push(`${endpoint.method} ${endpoint.route} as ${caller.role}: denied but recorded`);
        const reach = ROLES.find((r) => r.role === caller.role)?.reach;
        if (caller.where === 'inside') cells.push(got === 'deny' ? '–' : reachesBy(endpoint, reach) ? `✓ own ${reach}` : '✓');
      }
      rows.push([`\`${endpoint.method} ${endpoint.route}\``, ...cells]);
    }
    expect(mismatches).toEqual([]);
    const header = ['endpoint', ...ROLES.map((r) => r.role), 'service key', 'not signed in'];
    const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
    const docs = join(__dirname, '..', 'docs', 'security.md');
    const text = readFileSync(docs, 'utf8');
    const [start, end] = ['<!-- access-matrix:start -->', '<!-- access-matrix:end -->'];
    const [from, to] = [text.indexOf(start) + start.length, text.indexOf(end)];
    if (process.env.UPDATE_DOCS === '1') writeFileSync(docs, `${text.slice(0, from)}\n${table}\n${text.slice(to)}`);
    else expect(text.slice(from, to).trim()).toBe(table);
  });
});
