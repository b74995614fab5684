import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER } from '../../apps/api/src/auth/auth-config';
import { localIssuerKey, signToken } from '../../apps/api/src/auth/local-issuer';

/**
 * Tests sign in as the embedded setup does: with the local issuer. One key directory serves the whole run (the
 * API in this process and in child processes, which inherit the environment), so a test can sign for any of them.
 */
export const TEST_ISSUER_DIR = (process.env.AUTH_LOCAL_ISSUER_DIR ??= join(tmpdir(), 'loans-test-issuer'));

export interface Acting {
  user: string;
  role: string;
  org: string;
}

const tokens = new Map<string, Promise<string>>();

/** A token for the actor from the test issuer (one per actor, valid for the run). */
export function tokenFor(actor: Acting): Promise<string> {
  const id = `${actor.user}|${actor.role}|${actor.org}`;
  let token = tokens.get(id);
  if (!token) {
    token = localIssuerKey(TEST_ISSUER_DIR).then((key) =>
      signToken(key, actor, { issuer: LOCAL_ISSUER, audience: DEFAULT_AUDIENCE, ttlSeconds: 6 * 3600 }),
    );
    tokens.set(id, token);
  }
  return token;
}

const ACTOR_HEADERS = ['x-actor-user', 'x-actor-role', 'x-actor-org'];

/**
 * Tests say who acts with X-Actor-User, -Role and -Org, as a shorthand: they are replaced here by a signed token
 * for that actor, so the API sees only the Authorization header. Headers without them pass unchanged.
 */
export async function signed(headers: Record<string, string>): Promise<Record<string, string>> {
  const [user, role, org] = ACTOR_HEADERS.map((h) => headers[h]);
  if (user === undefined || role === undefined || org === undefined) return headers;
  const rest = Object.fromEntries(Object.entries(headers).filter(([h]) => !ACTOR_HEADERS.includes(h)));
  return { ...rest, authorization: `Bearer ${await tokenFor({ user, role, org })}` };
}

/** The shorthand headers for an actor. */
export const as = (user: string, role: string, org: string) => ({ 'x-actor-user': user, 'x-actor-role': role, 'x-actor-org': org });

export const CLERK = as('clerk-01', 'centre_clerk', 'GC-360721');
/** A manager of the province's centre: reaches every county, and may pay compensation and write off. */
export const PROVINCE_MANAGER = as('manager-01', 'centre_manager', 'GC-360000');
export const BANK_ABC = as('bank-01', 'bank_clerk', 'ABC-360721');
export const FINANCE = as('finance-01', 'finance_officer', 'FIN-360000');
export const PROVINCE_OFFICE = as('province-01', 'province_admin', '360000');
export const OPERATOR = as('operator-01', 'operator', 'OPS');
export const AUDITOR = as('auditor-01', 'auditor', 'AUDIT');
export const ANALYST = as('analyst-01', 'analyst', 'STATS');

/**
 * Who usually makes a request, for tests about something else than access: an auditor reads; centre staff act
 * on loans (a clerk of the loan's county 360721, else a manager of the province's centre); a clerk of the loan's
 * branch records disbursements and repayments; finance contributes and pays; operators run the day-end. The
 * loan's application, when known, names its county and branch; without it, county 360721 and ABC's branch there.
 */
export function usualActor(method: string, url: string, body: unknown, loan?: { countyCode: string; branchId: string }) {
  const path = url.split('?')[0];
  if (method === 'GET') return AUDITOR;
  if (path.startsWith('/batches/')) return BANK_ABC;
  if (/^\/funds\/[^/]+\/contributions$/.test(path) || /^\/subsidy-claims\/.+\/payment$/.test(path)) return FINANCE;
  if (path === '/subsidy-claims') return as('bank-01', 'bank_clerk', (body as { bankCode?: string })?.bankCode ?? 'ABC');
  if (path.startsWith('/targets/')) return PROVINCE_OFFICE;
  if (path.startsWith('/operations/') || path.startsWith('/projections/') || path === '/audit/digests') return OPERATOR;
  if (path === '/audit/bulletins' || path === '/borrowers/erasures') return PROVINCE_OFFICE;
  if (path.startsWith('/audit/')) return AUDITOR;
  if (path === '/loans') return (body as { countyCode?: string })?.countyCode === '360721' ? CLERK : PROVINCE_MANAGER;
  const step = /^\/loans\/[^/]+\/([\w-]+)$/.exec(path)?.[1];
  if (step === undefined) return CLERK;
  if (step === 'disbursement' || step === 'repayments') return as('bank-01', 'bank_clerk', loan?.branchId ?? 'ABC-360721');
  const clerkMay = !['compensation', 'write-off'].includes(step);
  return clerkMay && (loan === undefined || loan.countyCode === '360721') ? CLERK : PROVINCE_MANAGER;
}
