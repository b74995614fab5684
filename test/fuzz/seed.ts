import { application, contribution, disbursement, guarantee } from '../support/api';
import { signed, usualActor } from '../support/auth';
import { idNumber } from '../support/ids';

/** What the generators draw valid-looking values from: the reference data and the history seeded here. */
export interface World {
  regions: string[];
  counties: string[];
  centres: string[];
  banks: string[];
  branches: string[];
  /** Loans seeded in every state the rules care about, then ids the fuzzer's own applications may take. */
  loanIds: string[];
  borrowerIds: string[];
  idNumbers: string[];
  claims: Array<{ bankCode: string; quarter: string; claimId: string }>;
  projections: string[];
  streams: string[];
}

/** Loan ids are UUIDs; these read as the state the seed leaves each loan in (…0001 applied, …0003 disbursed). */
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [APPLIED, GUARANTEED, DISBURSED, SETTLED, OVERDUE, COMPENSATED] = [1, 2, 3, 4, 5, 6].map(uuid);
const NEW_LOANS = [101, 102, 103, 104, 105, 106].map(uuid);

/**
 * A little valid history through the API, so that loan-specific requests get past "no such loan" to the
 * rules: a funded centre, loans applied, guaranteed, disbursed, repaid, settled, overdue and compensated,
 * a target and a subsidy claim. Every step must succeed: a seed that fails is a broken fuzzer, not a finding.
 */
export async function seed(base: string): Promise<World> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(await signed(usualActor(method, path, body))), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`Seeding failed: ${method} ${path} answered ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text);
  };
  const borrowerIds: string[] = [];
  const loan = async (loanId: string, n: number, steps: Array<'guarantee' | 'disburse'>, over: Record<string, unknown> = {}) => {
    borrowerIds.push((await call('POST', '/loans', application(n, { loanId, ...over }))).borrowerId);
    if (steps.includes('guarantee')) await call('POST', `/loans/${loanId}/guarantee`, guarantee());
    if (steps.includes('disburse')) await call('POST', `/loans/${loanId}/disbursement`, disbursement());
  };

  await call('POST', '/funds/GC-360721/contributions', contribution(100_000_000));
  await call('POST', '/funds/GC-360700/contributions', contribution(50_000_000));
  await call('PUT', '/targets/360721/2011', { loans: 100, amountFen: 500_000_000, businessDate: '2011-01-02' });
  await loan(APPLIED, 901, []);
  await loan(GUARANTEED, 902, ['guarantee']);
  await loan(DISBURSED, 903, ['guarantee', 'disburse']);
  await call('POST', `/loans/${DISBURSED}/repayments`, { principalFen: 0, interestFen: 57_500, businessDate: '2011-03-20' });
  await loan(SETTLED, 904, ['guarantee', 'disburse']);
  await call('POST', `/loans/${SETTLED}/repayments`, { principalFen: 5_000_000, interestFen: 0, businessDate: '2011-01-10' });
  await loan(OVERDUE, 905, ['guarantee', 'disburse'], { termMonths: 6 });
  await loan(COMPENSATED, 906, ['guarantee', 'disburse'], { termMonths: 6 });
  await call('POST', '/operations/day-end', { businessDate: '2011-10-15' });
  await call('POST', `/loans/${COMPENSATED}/compensation`, { businessDate: '2011-10-20' });
  await call('POST', `/loans/${COMPENSATED}/recoveries`, { amountFen: 100_000, source: 'borrower', businessDate: '2011-11-01' });

  // A claim for the subsidy the repayment earned, so that paying a claim reaches the rules too.
  const repaid = (await call('GET', `/loans/${DISBURSED}/events`)).events.find((e: any) => e.type === 'Repaid');
  const due = Number(repaid?.data?.subsidyCentral ?? 0);
  const claim = { bankCode: 'ABC', quarter: '2011-Q1', claimId: 'ABC-2011-Q1-001' };
  await call('POST', '/subsidy-claims', {
    ...claim,
    items: [{ loanId: DISBURSED, centralFen: due, localFen: 0 }],
    businessDate: '2011-04-05',
  });

  const reference = await call('GET', '/reference');
  const loanIds = [APPLIED, GUARANTEED, DISBURSED, SETTLED, OVERDUE, COMPENSATED, ...NEW_LOANS];
  return {
    regions: reference.regions.map((r: any) => r.code),
    counties: reference.regions.filter((r: any) => r.level === 'county').map((r: any) => r.code),
    centres: reference.centres.map((c: any) => c.id),
    banks: reference.banks.map((b: any) => b.code),
    branches: reference.branches.map((b: any) => b.id),
    loanIds,
    borrowerIds,
    // The seeded borrowers (each has a loan: a new one is refused) and fresh people.
    idNumbers: [901, 903, 904, ...Array.from({ length: 30 }, (_, i) => i)].map((n) => idNumber(n)),
    claims: [claim],
    projections: (await call('GET', '/projections')).map((p: any) => p.name),
    streams: [
      ...loanIds.slice(0, 6).map((id) => `loan-${id}`),
      'fund-GC-360721',
      `borrower-${borrowerIds[0]}`,
      'target-360721-2011',
      'subsidy-ABC-2011-Q1',
      '$all',
    ],
  };
}
