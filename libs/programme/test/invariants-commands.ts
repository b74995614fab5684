import fc from 'fast-check';
import {
  BusinessDate,
  DomainError,
  Fen,
  LoanCommand,
  LoanKind,
  LoanState,
  LoanStatus,
  addDays,
  addMonths,
  bp,
  fen,
  payoffOn,
  remainingClaim,
  yuan,
} from '@app/domain';

/**
 * Random histories of the programme, as abstract actions turned into commands against the state so far:
 * contributions to four funds (two counties, their city, the province), applications by eight people for
 * every kind of loan at several centres (one of which does not serve the county), guarantees, payouts,
 * partial and full repayments, the day-end overdue run, extensions, second support, compensation,
 * recovery, write-off and rejection. Amounts are drawn around the limits, so that refusals happen often.
 */
export const COUNTIES = ['360721', '360722'] as const;
export const FUNDS = ['GC-360721', 'GC-360722', 'GC-360700', 'GC-360000'] as const;
export const START = '2010-12-01' as BusinessDate;
const KINDS: LoanKind[] = [
  'individual',
  'individual',
  'individual',
  'individual',
  'individual',
  'partnership',
  'enterprise',
  'second_support',
];
/** Mostly the county's own centre, then its city's and the province's; the other county's refuses. */
const CENTRES = (county: number) => {
  const own = `GC-${COUNTIES[county]}`;
  return [own, own, own, own, 'GC-360700', 'GC-360700', 'GC-360000', `GC-${COUNTIES[1 - county]}`];
};

/** Which loan an action is for: mostly (`fit`) one in a state where the action can apply, the n-th latest. */
const loan = fc.record({ latest: fc.nat(5), fit: fc.nat(3).map((n) => n > 0) });
const FITS: Partial<Record<Action['kind'], LoanStatus[]>> = {
  grant: ['applied'], // and applied for as second support
  guarantee: ['applied'],
  disburse: ['guaranteed'],
  repay: ['disbursed'],
  extend: ['disbursed'],
  compensate: ['disbursed'],
  recover: ['compensated'],
  writeOff: ['compensated'],
  reject: ['applied', 'guaranteed'],
};
const action = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('contribute' as const), fund: fc.nat(3), yuan: fc.integer({ min: 1, max: 15_000 }) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      person: fc.nat(7),
      county: fc.nat(1),
      centre: fc.nat(7),
      loanKind: fc.nat(KINDS.length - 1),
      yuan: fc.integer({ min: 1_000, max: 55_000 }),
      term: fc.integer({ min: 1, max: 25 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grant' as const), loan, jobs: fc.integer({ min: 3, max: 8 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('guarantee' as const), loan, share: fc.integer({ min: 50, max: 105 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('disburse' as const),
      loan,
      share: fc.integer({ min: 80, max: 101 }),
      instalments: fc.boolean(),
      rate: fc.integer({ min: 450, max: 900 }),
    }),
  },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant('repay' as const),
      loan,
      principal: fc.integer({ min: 0, max: 110 }),
      interest: fc.integer({ min: 0, max: 100 }),
      payOff: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('dayEnd' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extend' as const), loan, months: fc.integer({ min: 1, max: 13 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('compensate' as const), loan }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recover' as const), loan, share: fc.integer({ min: 1, max: 110 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('writeOff' as const), loan }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), loan }) },
);
export type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;
export interface Step {
  days: number;
  action: Action;
}
export const histories = (minLength: number, maxLength: number) =>
  fc.array(fc.record({ days: fc.integer({ min: 0, max: 30 }), action }), { minLength, maxLength, size: 'max' });

/** What a history is played against: the programme over a store, or the deciders with the cross-stream steps. */
export interface Driver {
  contribute(fundId: string, amount: Fen, on: BusinessDate): Promise<void>;
  /** Runs a loan command as its use case does (reservation and follow-ups included). */
  loan(loanId: string, command: LoanCommand, on: BusinessDate): Promise<void>;
  loanState(loanId: string): Promise<LoanState>;
}

/** Refusals seen over all runs, by code: a property that never meets a rule's refusal says little about it. */
export const refusalsSeen = new Map<string, number>();

/**
 * Plays a history; after each action `afterEach` checks what was recorded. Refusals are ignored; any other
 * error fails. `trace`, when given, receives a line per action with the loan it touched and its outcome.
 */
export async function play(driver: Driver, steps: Step[], afterEach: () => Promise<void>, trace?: string[]): Promise<void> {
  const loans: string[] = [];
  const latestLoanOf = new Map<number, string>();
  let on = START;
  let attempts = 0;
  for (const fundId of FUNDS) await driver.contribute(fundId, yuan(5_000), on);
  await afterEach();
  for (const [i, { days, action: a }] of steps.entries()) {
    on = addDays(on, days);
    const loanId = 'loan' in a ? await pickLoan(driver, loans, a.kind, a.loan) : '';
    const { kind: _, ...params } = a;
    let outcome = 'done';
    try {
      switch (a.kind) {
        case 'contribute':
          await driver.contribute(FUNDS[a.fund], yuan(a.yuan), on);
          break;
        case 'apply': {
          const id = `L${attempts++}`;
          const county = COUNTIES[a.county];
          const centre = CENTRES(a.county)[a.centre];
          const kind = KINDS[a.loanKind];
          const data: Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'] = {
            loanId: id,
            borrowerId: `P${a.person}`,
            maskedIdNumber: '360721********000X',
            categories: ['woman'],
            kind,
            project: { name: 'p', industry: 'i' },
            microProfit: a.person % 2 === 0,
            amount: yuan(a.yuan),
            termMonths: a.term,
            countyCode: county,
            centreId: centre,
            branchId: `ABC-${county}`,
            counterGuarantee: { mode: 'third_party_guarantor' },
            personsSupported: kind === 'individual' ? 1 : 2,
            jobsPlanned: 5,
            previousLoanId: kind === 'second_support' ? latestLoanOf.get(a.person) : undefined,
          };
          await driver.loan(id, { type: 'ApplyForLoan', data }, on);
          loans.push(id);
          latestLoanOf.set(a.person, id);
          break;
        }
        case 'grant':
          await driver.loan(
            loanId,
            { type: 'GrantSecondSupport', data: { jobsCreated: a.jobs }, previousLoan: { loanId: '', exists: false } },
            on,
          );
          break;
        case 'guarantee': {
          const s = await driver.loanState(loanId);
          const amount = share(s.application?.amount ?? yuan(1), a.share);
          await driver.loan(
            loanId,
            { type: 'IssueGuarantee', data: { guaranteedAmount: amount, feeRate: bp(50), feePaidBy: 'finance' } },
            on,
          );
          break;
        }
        case 'disburse': {
          const s = await driver.loanState(loanId);
          const data = {
            amount: share(s.guarantee?.amount ?? yuan(1), a.share),
            contractRate: bp(a.rate),
            repaymentMethod: a.instalments ? ('equal_principal_quarterly' as const) : ('interest_quarterly_principal_at_maturity' as const),
            bankContractNo: `C-${loanId}`,
            borrowerFees: fen(0),
          };
          await driver.loan(loanId, { type: 'DisburseLoan', data }, on);
          break;
        }
        case 'repay': {
          const s = await driver.loanState(loanId);
          if (!s.account) {
            outcome = 'skipped: not disbursed';
            break;
          }
          const owed = payoffOn(s.account, on);
          const paid = a.payOff ? owed : { principal: share(owed.principal, a.principal), interest: share(owed.interest, a.interest) };
          await driver.loan(loanId, { type: 'RecordRepayment', data: { ...paid, borrowerFees: fen(0) } }, on);
          break;
        }
        case 'dayEnd':
          for (const id of loans) await driver.loan(id, { type: 'MarkOverdue' }, on).catch(ignoreRefusal);
          break;
        case 'extend': {
          const s = await driver.loanState(loanId);
          if (!s.account) {
            outcome = 'skipped: not disbursed';
            break;
          }
          await driver.loan(
            loanId,
            { type: 'ExtendLoan', data: { newMaturity: addMonths(s.account.maturity, a.months), guarantorConsent: true } },
            on,
          );
          break;
        }
        case 'compensate':
          await driver.loan(loanId, { type: 'PayCompensation' }, on);
          break;
        case 'recover': {
          const s = await driver.loanState(loanId);
          const amount = fen(Math.max(1, share(remainingClaim(s), a.share)));
          await driver.loan(loanId, { type: 'CollectRecovery', data: { amount, source: 'borrower' } }, on);
          break;
        }
        case 'writeOff':
          await driver.loan(loanId, { type: 'WriteOffLoan', data: { approvalRef: 'W' } }, on);
          break;
        case 'reject':
          await driver.loan(loanId, { type: 'RejectLoanApplication', data: { reasonCode: 'NO' } }, on);
          break;
      }
    } catch (error) {
      outcome = error instanceof DomainError ? `refused ${error.code}` : `FAILED: ${String(error)}`;
      ignoreRefusal(error);
    } finally {
      const subject = a.kind === 'apply' ? `L${attempts - 1} of P${a.person}` : 'loan' in a ? loanId : '';
      trace?.push(`${String(i + 1).padStart(3)}. ${on} ${a.kind} ${subject} ${JSON.stringify(params)} → ${outcome}`);
    }
    await afterEach();
  }
}

async function pickLoan(driver: Driver, loans: string[], kind: Action['kind'], pick: { latest: number; fit: boolean }) {
  let candidates = loans;
  if (pick.fit) {
    const fitting = [];
    for (const id of loans) {
      const s = await driver.loanState(id);
      if (FITS[kind]?.includes(s.status) && (kind !== 'grant' || s.application?.kind === 'second_support')) fitting.push(id);
    }
    if (fitting.length) candidates = fitting;
  }
  return candidates.length ? candidates[candidates.length - 1 - (pick.latest % candidates.length)] : 'L-none';
}

function ignoreRefusal(error: unknown): void {
  if (!(error instanceof DomainError)) throw error;
  refusalsSeen.set(error.code, (refusalsSeen.get(error.code) ?? 0) + 1);
}

const share = (amount: number, percent: number): Fen => fen(Math.floor((amount * percent) / 100));
