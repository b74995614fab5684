import {
  BusinessDate,
  Decider,
  DomainError,
  DomainEvent,
  Fen,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  LoanCommand,
  BorrowerEvent,
  FundEvent,
  LoanState,
  PreviousLoanFacts,
  ReferenceData,
  StepCommand,
  borrowerDecider,
  borrowerStream,
  followUpsOf,
  fundDecider,
  fundStream,
  loanDecider,
  loanStream,
  policyInForce,
  undoReservation,
} from '@app/domain';
import { Driver, Step, histories, play } from './invariants-commands';
import { Invariants, Recorded } from './invariants-checks';
import { checkHistories, expectDeepHistories, timeoutFor } from './invariants-runner';

/**
 * The same histories through the deciders alone, with the cross-stream steps of `libs/domain/process`
 * applied as the programme applies them (reserve on the fund or borrower stream, record on the loan, then
 * the loan event's follow-ups), over streams held in memory: no store, so many more histories a second.
 */
const RUNS = { ci: 300, nightly: 20_000 };
const reference = new ReferenceData(JIANGXI_REFERENCE);

class DeciderProgramme implements Driver {
  readonly log: Recorded[] = [];
  private readonly streams = new Map<string, DomainEvent[]>();

  async contribute(fundId: string, amount: Fen, on: BusinessDate) {
    reference.requireCentre(fundId);
    this.handle(
      fundStream(fundId),
      fundDecider,
      { type: 'ContributeToFund', fundId, source: 'county_finance', amount, reference: 'r' },
      on,
    );
  }

  async loan(loanId: string, command: LoanCommand, on: BusinessDate) {
    const c = this.withFacts(loanId, command);
    if (c.type !== 'ApplyForLoan' && c.type !== 'IssueGuarantee' && c.type !== 'PayCompensation') return this.record(loanId, c, on);
    // Reserve, then record: decided once before anything is written, so that a refusal writes nothing.
    const [decided] = loanDecider.decide(c, this.fold(loanStream(loanId), loanDecider), this.context(on));
    let reservation: StepCommand;
    let complete = c;
    if (decided.type === 'LoanApplied') {
      const { borrowerId } = decided.data;
      reservation = { aggregate: 'borrower', streamName: borrowerStream(borrowerId), command: { type: 'OpenLoan', borrowerId, loanId } };
    } else if (decided.type === 'GuaranteeIssued') {
      const { fundId, guaranteedAmount: amount } = decided.data;
      reservation = { aggregate: 'fund', streamName: fundStream(fundId), command: { type: 'ReserveExposure', fundId, loanId, amount } };
    } else if (decided.type === 'CompensationPaid') {
      const { fundId, amount } = decided.data;
      reservation = { aggregate: 'fund', streamName: fundStream(fundId), command: { type: 'ChargeCompensation', fundId, loanId, amount } };
      complete = { type: 'PayCompensation', amount };
    } else throw new Error(`unexpected ${decided.type}`);
    const reserved = this.runStep(reservation, on);
    if (reserved.length === 0) throw new DomainError('COMMAND.IN_PROGRESS', 'the reservation is already held', 'conflict');
    try {
      this.record(loanId, complete, on);
    } catch (error) {
      const { status } = await this.loanState(loanId);
      for (const e of reserved) {
        const undo = undoReservation(e as BorrowerEvent | FundEvent, status);
        if (undo) this.runStep(undo, on);
      }
      throw error;
    }
  }

  async loanState(loanId: string): Promise<LoanState> {
    return this.fold(loanStream(loanId), loanDecider);
  }

  private record(loanId: string, command: LoanCommand, on: BusinessDate) {
    for (const e of this.handle(loanStream(loanId), loanDecider, command, on)) for (const step of followUpsOf(e)) this.runStep(step, on);
  }

  private runStep(step: StepCommand, on: BusinessDate): DomainEvent[] {
    return step.aggregate === 'fund'
      ? this.handle(step.streamName, fundDecider, step.command, on)
      : this.handle(step.streamName, borrowerDecider, step.command, on);
  }

  private handle<C, E extends DomainEvent, S>(streamName: string, decider: Decider<C, E, S>, command: C, on: BusinessDate): E[] {
    const events = decider.decide(command, this.fold(streamName, decider), this.context(on));
    const stream = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, [...stream, ...events]);
    for (const e of events) this.log.push({ streamName, type: e.type, data: e.data });
    return events;
  }

  private fold<E extends DomainEvent, S>(streamName: string, decider: { initialState: () => S; evolve: (s: S, e: E) => S }): S {
    return ((this.streams.get(streamName) ?? []) as E[]).reduce(decider.evolve, decider.initialState());
  }

  private context(on: BusinessDate) {
    return { businessDate: on, policy: policyInForce(JIANGXI_POLICIES, on), reference };
  }

  /** What the programme reads from the first loan's stream for a second-support decision. */
  private withFacts(loanId: string, c: LoanCommand): LoanCommand {
    if (c.type !== 'ApplyForLoan' && c.type !== 'GrantSecondSupport') return c;
    const previousId =
      c.type === 'ApplyForLoan' ? c.data.previousLoanId : this.fold(loanStream(loanId), loanDecider).application?.previousLoanId;
    if (c.type === 'ApplyForLoan' && !previousId) return c;
    const first = previousId ? this.fold(loanStream(previousId), loanDecider) : undefined;
    const previousLoan: PreviousLoanFacts =
      !previousId || !first || first.status === 'none'
        ? { loanId: previousId ?? '', exists: false }
        : {
            loanId: previousId,
            exists: true,
            borrowerId: first.application!.borrowerId,
            status: first.status,
            everOverdue: first.everOverdue,
            projectName: first.application!.project.name,
          };
    return { ...c, previousLoan } as LoanCommand;
  }
}

async function run(steps: Step[], trace?: string[]) {
  const programme = new DeciderProgramme();
  const invariants = new Invariants();
  let seen = 0;
  await play(
    programme,
    steps,
    async () => {
      for (const e of programme.log.slice(seen)) invariants.see(e);
      seen = programme.log.length;
      invariants.settle();
    },
    trace,
  );
}

describe('the deciders, with the cross-stream steps applied, keep the invariants over any history of commands', () => {
  it(
    'leverage, one open loan per person, money conserved',
    async () => {
      await checkHistories({
        file: 'libs/programme/test/invariants.deciders.property.spec.ts',
        runs: RUNS,
        histories: histories(5, 150),
        property: (steps) => run(steps),
        trace: async (steps) => {
          const trace: string[] = [];
          await run(steps, trace).catch((error) => trace.push(`→ ${error instanceof Error ? error.message : String(error)}`));
          return trace;
        },
      });
      expectDeepHistories(RUNS);
    },
    timeoutFor(RUNS),
  );
});
