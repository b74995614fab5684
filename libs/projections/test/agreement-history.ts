import fc from 'fast-check';
import {
  BusinessDate,
  Decider,
  DomainError,
  DomainEvent,
  Fen,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  LoanState,
  Quarter,
  ReferenceData,
  SYSTEM_ACTOR,
  addDays,
  addMonths,
  bulletinPublicationStream,
  bp,
  daysBetween,
  loanDecider,
  loanStream,
  overdueOn,
  payoffOn,
  quarterEnd,
  remainingClaim,
  subsidyDecider,
  subsidyStream,
  yuan,
  erasureDecider,
  erasureStream,
} from '@app/domain';
import { CommandEnvelope, CommandHandler, Handled, SqliteEventStore, checkedVersions, newSigningKey, sealMonth } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { inSteps } from '../../../test/support/programme';
import { OpenLoans, Programme, RiskRegister, runDayEnd } from '@app/programme';

/**
 * Random histories of the programme through the real command path (the `Programme` use cases, the command
 * handler, a SQLite event store), for the agreement property: the ledgers folded from them must agree with
 * each other, with the write model, and be stored the same on every read store. Every event type the
 * domain records is reachable from these actions (the property checks that each one was produced).
 */

export const COUNTIES = ['360721', '360722', '360102'];
const SEALING_KEY = newSigningKey().key;
const STAFF = ['system', 'wang.fang', 'li.qiang'];
/** Regions a target can be set for: the counties above, their cities and the province. */
const TARGET_REGIONS = [...COUNTIES, '360700', '360100', '360000'];

/**
 * Which loan an action is for: mostly one it may apply to (an application to guarantee, a loan overdue long
 * enough to compensate), latest first, so that lifecycles get far; now and then any loan, to be refused.
 */
const loan = fc.record({ any: fc.nat(4), index: fc.nat(20) });
export const action = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('contribute' as const), county: fc.nat(2), amount: fc.integer({ min: 1, max: 200_000 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      person: fc.nat(11),
      county: fc.nat(2),
      amount: fc.integer({ min: 1_000, max: 50_000 }),
      term: fc.integer({ min: 3, max: 24 }),
      enterprise: fc.boolean(),
      // Few phones and guarantors among twelve people: risk control finds shared details and busy guarantors.
      phone: fc.nat(5),
      guarantor: fc.nat(5),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reviewRisk' as const), loan, decline: fc.nat(3).map((n) => n === 0) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('applySecond' as const),
      loan,
      amount: fc.integer({ min: 1_000, max: 300_000 }),
      term: fc.integer({ min: 3, max: 24 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('grantSecond' as const), loan, jobs: fc.integer({ min: 3, max: 9 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('guarantee' as const), loan }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('disburse' as const), loan, instalments: fc.boolean() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('repay' as const),
      loan,
      share: fc.integer({ min: 0, max: 100 }),
      payOff: fc.nat(3).map((n) => n === 0),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('dayEnd' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extend' as const), loan, months: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('compensate' as const), loan }) },
  /**
   * A compensation that another request overtakes: a repayment of part of the principal lands between the
   * fund's charge and the loan step, or a repayment in full (`payOff`) that settles the loan there.
   */
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('compensateOvertaken' as const),
      loan,
      share: fc.integer({ min: 1, max: 99 }),
      payOff: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('recover' as const), loan, share: fc.integer({ min: 1, max: 110 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('writeOff' as const), loan }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), loan }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('claim' as const), quarter: fc.nat(3), share: fc.integer({ min: 0, max: 110 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('paySubsidy' as const),
      claim: fc.nat(3),
      central: fc.integer({ min: 0, max: 110 }),
      local: fc.integer({ min: 0, max: 110 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('target' as const),
      region: fc.nat(TARGET_REGIONS.length - 1),
      nextYear: fc.boolean(),
      loans: fc.integer({ min: 0, max: 200 }),
      amount: fc.integer({ min: 1, max: 5_000_000 }),
    }),
  },
  // The month before the business date sealed: a digest of the history that no ledger may count.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('seal' as const) }) },
  // The month before published: a record of what the bulletin showed, which no ledger may count either.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('publish' as const) }) },
  // A person's personal data erased: a record of the request, which no ledger may count.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), person: fc.nat(11) }) },
);
export type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;
export const step = fc.record({ days: fc.integer({ min: 0, max: 45 }), action });
export type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

/**
 * A command handler that can let another request in right after a fund step charged compensation and
 * before the loan step records it: the interleaving two requests on one loan can have. It runs once the
 * fund step has finished (its stream is no longer locked), as a second request would.
 */
class InterleavingHandler extends CommandHandler {
  between?: () => Promise<void>;

  override async handle<C, E extends DomainEvent, S>(
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
    envelope: CommandEnvelope,
  ): Promise<Handled<S>> {
    const result = await super.handle(streamName, decider, command, envelope);
    const between = this.between;
    if (between && result.appended.some((e) => e.type === 'FundCompensationCharged')) {
      this.between = undefined;
      await between();
    }
    return result;
  }
}

/** A refusal is part of the game and writes nothing; anything else is a failure of the property. */
async function refusalAllowed(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}

/**
 * A programme's history in the making: `play` runs steps (it can be called several times, so that
 * projections can catch up half-way), `store` holds the events.
 */
export class History {
  readonly store: SqliteEventStore;
  private readonly handler: InterleavingHandler;
  private readonly register: RiskRegister;
  private readonly p: Programme;
  private readonly loans: string[] = [];
  private readonly claims: Array<{ claimId: string; bankCode: string; quarter: Quarter }> = [];
  private date = '2010-12-01' as BusinessDate;
  private n = 0;

  private constructor() {
    this.store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 5 });
    // In steps, as on EventStoreDB: the histories include what lands between the steps of a cross-stream command.
    this.handler = new InterleavingHandler(inSteps(this.store), {
      policies: JIANGXI_POLICIES,
      reference: new ReferenceData(JIANGXI_REFERENCE),
    });
    this.register = new RiskRegister(this.store);
    this.p = new Programme(this.handler, undefined, this.register);
  }

  /** A store with each county's fund set up. */
  static async begin(): Promise<History> {
    const h = new History();
    await h.register.start();
    for (const county of COUNTIES)
      await h.p.contribute(
        `GC-${county}`,
        { source: 'province_finance', amount: yuan(100_000), reference: 'start' },
        { commandId: `seed-${county}`, actor: SYSTEM_ACTOR, businessDate: h.date },
      );
    return h;
  }

  async play(steps: Step[]): Promise<void> {
    for (const { days, action: a } of steps) {
      this.date = addDays(this.date, days);
      // A few staff take turns, so that the assessment has people to tell apart.
      const actor = { ...SYSTEM_ACTOR, userId: STAFF[this.n % STAFF.length] };
      await refusalAllowed(() => this.run(a, { commandId: `c${this.n++}`, actor, businessDate: this.date }));
    }
  }

  async close() {
    await this.register.stop();
    await this.store.close();
  }

  private loanState = async (loanId: string) => (await this.handler.load(loanStream(loanId), loanDecider)).state;

  /** The loans an action fits, latest first. */
  private async fitting(kind: Action['kind']): Promise<string[]> {
    const fits = (s: LoanState): boolean => {
      switch (kind) {
        case 'guarantee':
          return s.status === 'applied' && !s.risk.pending && (s.application!.kind !== 'second_support' || s.secondSupportGranted);
        case 'reviewRisk':
          return s.status === 'applied' && s.risk.pending;
        case 'grantSecond':
          return s.status === 'applied' && s.application!.kind === 'second_support' && !s.secondSupportGranted;
        case 'reject':
          return s.status === 'applied' || s.status === 'guaranteed';
        case 'disburse':
          return s.status === 'guaranteed';
        case 'applySecond':
          return s.status === 'settled';
        case 'compensate':
        case 'compensateOvertaken': {
          const since = s.status === 'disbursed' ? overdueOn(s.account!, this.date).since : undefined;
          return !!since && daysBetween(since, this.date) > 90;
        }
        case 'recover':
        case 'writeOff':
          return s.status === 'compensated';
        case 'extend':
          return s.status === 'disbursed' && !s.extended && this.date <= s.account!.maturity && !overdueOn(s.account!, this.date).since;
        default:
          return s.status === 'disbursed';
      }
    };
    const out: string[] = [];
    for (const id of [...this.loans].reverse()) if (fits(await this.loanState(id))) out.push(id);
    return out;
  }

  private async run(a: Action, env: CommandEnvelope): Promise<void> {
    const { p, loans, date } = this;
    let loanId = 'none';
    if ('loan' in a) {
      const candidates = a.loan.any === 0 ? [...loans].reverse() : await this.fitting(a.kind);
      if (!candidates.length) return;
      loanId = candidates[a.loan.index % candidates.length];
    }
    switch (a.kind) {
      case 'contribute':
        await p.contribute(`GC-${COUNTIES[a.county]}`, { source: 'county_finance', amount: yuan(a.amount), reference: 'r' }, env);
        return;
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
            riskKeys: { phone: `phone-${a.phone}` },
            guarantorId: `G${a.guarantor}`,
          },
          env,
        );
        loans.push(id);
        return;
      }
      case 'applySecond': {
        // Second support for the borrower of an earlier loan (granted only when it was repaid on time).
        const first = (await this.loanState(loanId)).application;
        if (!first) return;
        const id = `L${loans.length}`;
        await p.applyForLoan(
          {
            loanId: id,
            borrowerId: first.borrowerId,
            maskedIdNumber: first.maskedIdNumber,
            categories: first.categories,
            kind: 'second_support',
            project: first.project,
            microProfit: first.microProfit,
            amount: yuan(a.amount),
            termMonths: a.term,
            countyCode: first.countyCode,
            centreId: first.centreId,
            branchId: first.branchId,
            counterGuarantee: first.counterGuarantee,
            personsSupported: 2,
            jobsPlanned: 5,
            previousLoanId: first.loanId,
          },
          env,
        );
        loans.push(id);
        return;
      }
      case 'grantSecond':
        await p.grantSecondSupport(loanId, a.jobs, env);
        return;
      case 'guarantee': {
        const state = await this.loanState(loanId);
        await p.issueGuarantee(
          loanId,
          { guaranteedAmount: state.application?.amount ?? yuan(1), feeRate: bp(50), feePaidBy: 'finance' },
          env,
        );
        return;
      }
      case 'disburse': {
        const state = await this.loanState(loanId);
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
        return;
      }
      case 'repay': {
        const state = await this.loanState(loanId);
        if (!state.account) return;
        const owed = payoffOn(state.account, date);
        const share = (x: number) => Math.floor((x * a.share) / 100) as Fen;
        await p.repay(
          loanId,
          a.payOff
            ? { ...owed, borrowerFees: yuan(0) }
            : { principal: share(owed.principal), interest: share(owed.interest), borrowerFees: yuan(0) },
          env,
        );
        return;
      }
      case 'dayEnd': {
        // The day-end run as operations run it; a fresh list of open loans, so that it has seen every event.
        const open = new OpenLoans(this.store);
        await open.start();
        try {
          await runDayEnd(p, open, date);
        } finally {
          await open.stop();
        }
        return;
      }
      case 'extend': {
        const state = await this.loanState(loanId);
        if (state.account)
          await p.extend(loanId, { newMaturity: addDays(state.account.maturity, 30 * a.months), guarantorConsent: true }, env);
        return;
      }
      case 'compensate':
        await p.payCompensation(loanId, env);
        return;
      case 'compensateOvertaken': {
        // The fund is charged, then a repayment changes what the loan owes, so the loan step is refused and
        // the programme takes the charge back (FundCompensationReversed).
        this.handler.between = () =>
          refusalAllowed(async () => {
            const { account } = await this.loanState(loanId);
            if (!account) return;
            const owed = payoffOn(account, date);
            const part = Math.min(owed.principal - 1, Math.max(1, Math.floor((owed.principal * a.share) / 100))) as Fen;
            const repayment = a.payOff ? owed : { principal: part, interest: yuan(0) };
            if (repayment.principal + repayment.interest <= 0) return;
            await p.repay(loanId, { ...repayment, borrowerFees: yuan(0) }, { ...env, commandId: `${env.commandId}-overtaking` });
          });
        try {
          await p.payCompensation(loanId, env);
        } finally {
          this.handler.between = undefined;
        }
        return;
      }
      case 'recover':
        // Part of what the fund is still owed, all of it, or (refused) more.
        await p.collectRecovery(
          loanId,
          { amount: Math.max(1, Math.floor((remainingClaim(await this.loanState(loanId)) * a.share) / 100)) as Fen, source: 'borrower' },
          env,
        );
        return;
      case 'writeOff':
        await p.writeOff(loanId, { approvalRef: 'w' }, env);
        return;
      case 'reject':
        await p.reject(loanId, { reasonCode: 'NO' }, env);
        return;
      case 'reviewRisk':
        await p.reviewRisk(loanId, { decision: a.decline ? 'declined' : 'cleared', note: 'checked' }, env);
        return;
      case 'claim': {
        // The bank claims a share of what is due and not yet claimed, for one of the last quarters that ended.
        const open = new Map<Quarter, Array<{ loanId: string; central: number; local: number }>>();
        for (const id of loans) {
          const state = await this.loanState(id);
          if (state.application?.bankCode !== 'ABC') continue;
          for (const [q, due] of Object.entries(state.subsidyDue) as Array<[Quarter, { central: Fen; local: Fen }]>) {
            if (quarterEnd(q) >= date) continue;
            const claimed = (await this.handler.load(subsidyStream('ABC', q), subsidyDecider)).state.claimedByLoan[id];
            const left = { loanId: id, central: due.central - (claimed?.central ?? 0), local: due.local - (claimed?.local ?? 0) };
            if (left.central + left.local > 0) open.set(q, [...(open.get(q) ?? []), left]);
          }
        }
        const quarters = [...open.keys()].sort().reverse();
        if (!quarters.length) return;
        const quarter = quarters[a.quarter % quarters.length];
        const share = (x: number) => Math.floor((x * a.share) / 100) as Fen;
        const items = open.get(quarter)!.map((d) => ({ loanId: d.loanId, central: share(d.central), local: share(d.local) }));
        const claim = { claimId: `claim-${this.n}`, bankCode: 'ABC', quarter };
        await p.claimSubsidy({ ...claim, items }, env);
        this.claims.push(claim);
        return;
      }
      case 'paySubsidy': {
        // Finance pays part of a claim, all of it, or (refused) more than is open.
        const claim = this.claims[this.claims.length - 1 - (a.claim % Math.max(1, this.claims.length))];
        if (!claim) return;
        const { state } = await this.handler.load(subsidyStream(claim.bankCode, claim.quarter), subsidyDecider);
        const c = state.claims[claim.claimId];
        const part = (open: number, pct: number) => Math.floor((open * pct) / 100) as Fen;
        await p.paySubsidy(
          claim.bankCode,
          claim.quarter,
          { claimId: claim.claimId, central: part(c.central - c.paidCentral, a.central), local: part(c.local - c.paidLocal, a.local) },
          env,
        );
        return;
      }
      case 'target': {
        const year = Number(date.slice(0, 4)) + (a.nextYear ? 1 : 0);
        await p.setAnnualTarget(TARGET_REGIONS[a.region], year, { loans: a.loans, amount: yuan(a.amount) }, env);
        return;
      }
      case 'publish': {
        const month = addMonths(date, -1).slice(0, 7);
        const publication = {
          type: 'BulletinPublished',
          data: { month, knownAt: new Date().toISOString(), contentHash: '0'.repeat(64), rows: 0 },
        };
        checkedVersions([publication]);
        await this.store.appendToStream(
          bulletinPublicationStream(month),
          [{ id: randomUUID(), ...publication, metadata: { schemaVersion: 1 } }],
          {
            expectedRevision: 'any',
          },
        );
        return;
      }
      case 'erase': {
        const data = { borrowerId: `P${a.person}`, keyGenerations: [1], legalBasis: 'consent_withdrawn' as const, requestReference: 'R-1' };
        const command = { type: 'RecordErasure' as const, data: { ...data, erasedAt: new Date().toISOString() } };
        await this.handler.handle(erasureStream(data.borrowerId), erasureDecider, command, env);
        return;
      }
      case 'seal':
        // Months are sealed in order: a month before the last one sealed is refused, which changes nothing.
        await sealMonth(this.store, SEALING_KEY, addMonths(date, -1).slice(0, 7)).catch((error) => {
          if (!(error instanceof RangeError)) throw error;
        });
        return;
    }
  }
}
