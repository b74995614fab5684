import fc from 'fast-check';
import {
  BusinessDate,
  DomainError,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  ReferenceData,
  SYSTEM_ACTOR,
  addDays,
  bp,
  loanDecider,
  loanStream,
  payoffOn,
  quarterOf,
  yuan,
} from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { toProjected } from '../src';
import { disagreements } from './agreement';

const COUNTIES = ['360721', '360722', '360102'];
const action = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('contribute' as const), county: fc.nat(2), amount: fc.integer({ min: 1, max: 200_000 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      person: fc.nat(11),
      county: fc.nat(2),
      amount: fc.integer({ min: 1_000, max: 50_000 }),
      term: fc.integer({ min: 3, max: 24 }),
      enterprise: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('guarantee' as const), loan: fc.nat(4) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('disburse' as const), loan: fc.nat(4), instalments: fc.boolean() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('repay' as const),
      loan: fc.nat(4),
      share: fc.integer({ min: 0, max: 100 }),
      payOff: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dayEnd' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extend' as const), loan: fc.nat(4), months: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('compensate' as const), loan: fc.nat(4) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('recover' as const), loan: fc.nat(4), amount: fc.integer({ min: 1, max: 20_000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('writeOff' as const), loan: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), loan: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), share: fc.integer({ min: 0, max: 100 }) }) },
);
const step = fc.record({ days: fc.integer({ min: 0, max: 45 }), action });
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

/** Runs random actions through the real command path; refusals are part of the game and write nothing. */
async function play(steps: Array<{ days: number; action: Action }>) {
  const store = new SqliteEventStore({ path: ':memory:' });
  const handler = new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) });
  const p = new Programme(handler);
  const loans: string[] = [];
  let date = '2010-12-01' as BusinessDate;
  let n = 0;
  for (const county of COUNTIES)
    await p.contribute(
      `GC-${county}`,
      { source: 'province_finance', amount: yuan(100_000), reference: 'start' },
      { commandId: `seed-${county}`, actor: SYSTEM_ACTOR, businessDate: date },
    );
  for (const { days, action: a } of steps) {
    date = addDays(date, days);
    const env = { commandId: `c${n++}`, actor: SYSTEM_ACTOR, businessDate: date };
    // Actions mostly touch the latest loans, so that lifecycles get far: compensation, recovery, write-off.
    const pick = 'loan' in a ? a.loan : 0;
    const loanId = loans.length ? loans[loans.length - 1 - (pick % loans.length)] : 'none';
    try {
      switch (a.kind) {
        case 'contribute':
          await p.contribute(`GC-${COUNTIES[a.county]}`, { source: 'county_finance', amount: yuan(a.amount), reference: 'r' }, env);
          break;
        case 'apply': {
          const id = `L${loans.length}`;
          const county = COUNTIES[a.county];
          await p.applyForLoan(
            {
              loanId: id,
              borrowerId: `P${a.person}`,
              maskedIdNumber: 'x',
              categories: ['woman'],
              kind: a.enterprise ? 'enterprise' : 'individual',
              project: { name: 'p', industry: 'i' },
              microProfit: true,
              amount: yuan(a.amount),
              termMonths: a.term,
              countyCode: county,
              centreId: `GC-${county}`,
              branchId: `ABC-${county}`,
              counterGuarantee: { mode: 'third_party_guarantor' },
              personsSupported: 1,
              jobsPlanned: 1,
            },
            env,
          );
          loans.push(id);
          break;
        }
        case 'guarantee': {
          const { state } = await handler.load(loanStream(loanId), loanDecider);
          await p.issueGuarantee(
            loanId,
            { guaranteedAmount: state.application?.amount ?? yuan(1), feeRate: bp(50), feePaidBy: 'finance' },
            env,
          );
          break;
        }
        case 'disburse': {
          const { state } = await handler.load(loanStream(loanId), loanDecider);
          await p.disburse(
            loanId,
            {
              amount: state.guarantee?.amount ?? yuan(1),
              contractRate: bp(650),
              repaymentMethod: a.instalments ? 'equal_principal_quarterly' : 'interest_quarterly_principal_at_maturity',
              bankContractNo: 'c',
              borrowerFees: yuan(0),
            },
            env,
          );
          break;
        }
        case 'repay': {
          const { state } = await handler.load(loanStream(loanId), loanDecider);
          if (!state.account) break;
          const owed = payoffOn(state.account, date);
          const share = (x: number) => Math.floor((x * a.share) / 100) as never;
          await p.repay(
            loanId,
            a.payOff
              ? { ...owed, borrowerFees: yuan(0) }
              : { principal: share(owed.principal), interest: share(owed.interest), borrowerFees: yuan(0) },
            env,
          );
          break;
        }
        case 'dayEnd':
          for (const id of loans) await p.markOverdue(id, { actor: SYSTEM_ACTOR, businessDate: date }).catch(() => undefined);
          break;
        case 'extend': {
          const { state } = await handler.load(loanStream(loanId), loanDecider);
          if (state.account)
            await p.extend(loanId, { newMaturity: addDays(state.account.maturity, 30 * a.months), guarantorConsent: true }, env);
          break;
        }
        case 'compensate':
          await p.payCompensation(loanId, env);
          break;
        case 'recover':
          await p.collectRecovery(loanId, { amount: yuan(a.amount), source: 'borrower' }, env);
          break;
        case 'writeOff':
          await p.writeOff(loanId, { approvalRef: 'w' }, env);
          break;
        case 'reject':
          await p.reject(loanId, { reasonCode: 'NO' }, env);
          break;
        case 'claim': {
          const quarter = quarterOf(addDays(date, -92));
          const items = [];
          for (const id of loans) {
            const { state } = await handler.load(loanStream(id), loanDecider);
            const due = state.subsidyDue[quarter];
            if (due && state.application?.bankCode === 'ABC')
              items.push({
                loanId: id,
                central: Math.floor((due.central * a.share) / 100) as never,
                local: Math.floor((due.local * a.share) / 100) as never,
              });
          }
          if (items.length) await p.claimSubsidy({ claimId: `claim-${n}`, bankCode: 'ABC', quarter, items }, env);
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  const events = (await store.readAll()).map(toProjected);
  await store.close();
  return events;
}

describe('the ledgers agree on any valid history', () => {
  it('balances every posting and every month, and the ledgers agree with each other', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 30, maxLength: 150 }), async (steps) => {
        const events = await play(steps);
        for (const e of events) seen.add(e.type);
        expect(await disagreements(events)).toEqual([]);
      }),
      { numRuns: 100, seed: 20111130 },
    );
    // The histories must reach far into the lifecycle for the agreement to mean something.
    for (const type of [
      'LoanSettled',
      'Overdue',
      'CompensationPaid',
      'RecoveryCollected',
      'LoanWrittenOff',
      'InterestSubsidyClaimed',
      'FundExposureReleased',
    ]) {
      expect(seen).toContain(type);
    }
  });
});
