import {
  BorrowerEvent,
  BorrowerState,
  DomainError,
  FundState,
  Fen,
  FundEvent,
  FundSource,
  LoanCommand,
  LoanEvent,
  LoanState,
  NO_RISK_FACTS,
  PreviousLoanFacts,
  Quarter,
  StepCommand,
  borrowerStream,
  followUpsOf,
  fundStream,
  loanDecider,
  loanStream,
  subsidyStream,
  targetStream,
  undoReservation,
} from '@app/domain';
import { CommandEnvelope, CommandHandler, EventMetadata, Handled, RecordedEvent, StreamTransaction, isSealed } from '@app/event-store';
import { DECIDERS } from './deciders';
import { CLAIM_ITEMS_PER_PART, ClaimData, recordClaim } from './subsidy-claim';
import { RiskRegister } from './risk-register';

type ApplyData = Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'];
type LoanCommandOf<T extends LoanCommand['type']> = Extract<LoanCommand, { type: T }>;

/** One line of a batch: a loan command with its own envelope (its command id, business date). */
export interface LoanLine {
  loanId: string;
  command: LoanCommand;
  env: CommandEnvelope;
}

/** What became of a line: recorded now, recorded by an earlier upload of it, or refused with the reason. */
export type LineOutcome =
  { outcome: 'recorded'; eventIds: string[] } | { outcome: 'recorded_before' } | { outcome: 'refused'; error: DomainError };

/** Lines a pass of a batch refused, and whether they were decided on cached state. */
class LinesRefused extends Error {
  constructor(
    readonly refused: Map<number, DomainError>,
    readonly onCache: boolean,
  ) {
    super('lines refused');
  }
}

/** Metadata on a reservation saying which loan command finishes it. */
export interface Completion {
  streamName: string;
  command: LoanCommand;
}

/**
 * The programme's use cases. Single-stream commands go straight to the handler. The rules that span
 * streams record on the boundary stream (a reservation), on the loan, and the loan events' follow-ups:
 * - on a store with multi-stream transactions (the embedded one), all in one commit;
 * - otherwise (EventStoreDB) in steps: reserve first, record on the loan, then apply the follow-ups.
 *   Every step is idempotent, so a retried request, or the reconciler after a crash, finishes a half-done one.
 * A command seen before always takes the step path, which knows how to answer a repeat.
 */
export class Programme {
  private readonly told: Array<Pick<RiskRegister, 'observe'>> = [];

  /**
   * `sealerFor`, where personal data is sealed (the API): how a new application's project name is sealed, so
   * that a first loan recorded before sealing, its name in plain text, is compared with it sealed the same way.
   * `risk`, where risk control runs: the register an application is matched against (without it, none is).
   */
  constructor(
    readonly handler: CommandHandler,
    private readonly sealerFor?: (borrowerId: string) => Promise<(text: string) => string>,
    readonly risk?: RiskRegister,
  ) {
    if (risk) this.told.push(risk);
  }

  /** Tells a follower what is recorded on loans here as it is recorded (a sole writer's follow nothing else). */
  tellAlso(follower: Pick<RiskRegister, 'observe'>): void {
    this.told.push(follower);
  }

  /** With `jobsCreated`, a second-support application is granted in the same decision (every condition checked at once). */
  async applyForLoan(data: ApplyData, env: CommandEnvelope, jobsCreated?: number): Promise<Handled<LoanState>> {
    const previousLoan = data.previousLoanId ? await this.previousLoanFacts(data.previousLoanId) : undefined;
    const riskFacts = await this.risk?.factsFor(data);
    const command: LoanCommand = {
      type: 'ApplyForLoan',
      data,
      previousLoan,
      ...(jobsCreated === undefined ? {} : { jobsCreated }),
      ...(riskFacts ? { riskFacts } : {}),
    };
    return this.reserveThenRecord(data.loanId, command, env, () => ({
      aggregate: 'borrower',
      streamName: borrowerStream(data.borrowerId),
      command: { type: 'OpenLoan', borrowerId: data.borrowerId, loanId: data.loanId },
    }));
  }

  /** A centre officer's decision on a flagged application: cleared to go on, or declined (rejected). */
  reviewRisk = (loanId: string, data: LoanCommandOf<'ReviewRisk'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'ReviewRisk', data }, env);

  /**
   * The day-end's re-check of an application still waiting for a decision: what the register has learnt since
   * (a later application sharing its phone, a refusal elsewhere) is flagged before the guarantee. Idempotent per
   * loan and business date.
   */
  async checkRisk(loanId: string, env: Omit<CommandEnvelope, 'commandId'>): Promise<Handled<LoanState>> {
    const { state } = await this.handler.load(loanStream(loanId), loanDecider);
    const riskFacts = this.risk && state.status === 'applied' ? await this.risk.factsFor(state.application!) : NO_RISK_FACTS;
    return this.recordOnLoan(loanId, { type: 'CheckRisk', riskFacts }, { ...env, commandId: `risk:${env.businessDate}:${loanId}` });
  }

  async issueGuarantee(loanId: string, data: LoanCommandOf<'IssueGuarantee'>['data'], env: CommandEnvelope) {
    return this.reserveThenRecord(loanId, { type: 'IssueGuarantee', data }, env, (decided) => {
      const g = decided.find((e) => e.type === 'GuaranteeIssued')!.data as { fundId: string; guaranteedAmount: Fen };
      return {
        aggregate: 'fund',
        streamName: fundStream(g.fundId),
        command: { type: 'ReserveExposure', fundId: g.fundId, loanId, amount: g.guaranteedAmount },
      };
    });
  }

  /** The fund is charged the amount the rules give today; the loan step insists on that same amount. */
  async payCompensation(loanId: string, env: CommandEnvelope) {
    let charge: { fundId: string; amount: Fen } | undefined;
    const command = (): LoanCommand => ({ type: 'PayCompensation', amount: charge?.amount });
    return this.reserveThenRecord(loanId, command, env, (decided) => {
      charge = decided.find((e) => e.type === 'CompensationPaid')!.data as { fundId: string; amount: Fen };
      return {
        aggregate: 'fund',
        streamName: fundStream(charge.fundId),
        command: { type: 'ChargeCompensation', fundId: charge.fundId, loanId, amount: charge.amount },
      };
    });
  }

  async grantSecondSupport(loanId: string, jobsCreated: number, env: CommandEnvelope) {
    const loan = await this.handler.load(loanStream(loanId), loanDecider);
    const previousId = loan.state.application?.previousLoanId;
    const previousLoan = previousId ? await this.previousLoanFacts(previousId) : { loanId: '', exists: false };
    return this.recordOnLoan(loanId, { type: 'GrantSecondSupport', data: { jobsCreated }, previousLoan }, env);
  }

  reject = (loanId: string, data: LoanCommandOf<'RejectLoanApplication'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'RejectLoanApplication', data }, env);
  disburse = (loanId: string, data: LoanCommandOf<'DisburseLoan'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'DisburseLoan', data }, env);
  repay = (loanId: string, data: LoanCommandOf<'RecordRepayment'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'RecordRepayment', data }, env);
  extend = (loanId: string, data: LoanCommandOf<'ExtendLoan'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'ExtendLoan', data }, env);
  collectRecovery = (loanId: string, data: LoanCommandOf<'CollectRecovery'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'CollectRecovery', data }, env);
  writeOff = (loanId: string, data: LoanCommandOf<'WriteOffLoan'>['data'], env: CommandEnvelope) =>
    this.recordOnLoan(loanId, { type: 'WriteOffLoan', data }, env);
  /** Idempotent per loan and business date: the command id is derived from both. */
  markOverdue = (loanId: string, env: Omit<CommandEnvelope, 'commandId'>) =>
    this.recordOnLoan(loanId, { type: 'MarkOverdue' }, { ...env, commandId: `day-end:${env.businessDate}:${loanId}` });

  /** Idempotent per loan and business date, like the overdue check. */
  checkTimeLimits = (loanId: string, env: Omit<CommandEnvelope, 'commandId'>) =>
    this.recordOnLoan(loanId, { type: 'CheckTimeLimits' }, { ...env, commandId: `time-limits:${env.businessDate}:${loanId}` });

  contribute(fundId: string, data: { source: FundSource; amount: Fen; reference: string }, env: CommandEnvelope) {
    this.handler.rules.reference.requireCentre(fundId);
    return this.handler.handle(fundStream(fundId), DECIDERS.fund, { type: 'ContributeToFund', fundId, ...data }, env);
  }

  setAnnualTarget(regionCode: string, year: number, data: { loans: number; amount: Fen }, env: CommandEnvelope) {
    return this.handler.handle(
      targetStream(regionCode, year),
      DECIDERS.target,
      { type: 'SetAnnualTarget', regionCode, year, ...data },
      env,
    );
  }

  /** A bank's claim for a quarter; one too long for one write goes in parts (see `recordClaim`). */
  claimSubsidy(data: ClaimData, env: CommandEnvelope, itemsPerPart = CLAIM_ITEMS_PER_PART) {
    return recordClaim(this.handler, data, env, itemsPerPart);
  }

  paySubsidy(bankCode: string, quarter: Quarter, data: { claimId: string; central: Fen; local: Fen }, env: CommandEnvelope) {
    return this.handler.handle(subsidyStream(bankCode, quarter), DECIDERS.subsidy, { type: 'PaySubsidy', ...data }, env);
  }

  /**
   * A batch of loan commands (a bank's upload), each line decided on its own. On a store with
   * multi-stream transactions the lines accepted are recorded in one commit: a pass that refuses lines
   * records nothing and the next pass goes without them (a refusal on cached state is first checked on
   * fresh reads). Otherwise each line is recorded in its own steps. A line whose command id was recorded
   * before is not recorded again.
   */
  async recordLines(lines: LoanLine[]): Promise<LineOutcome[]> {
    if (!this.atomic) return this.recordLinesInSteps(lines);
    const refused = new Map<number, DomainError>();
    let fresh = false;
    for (;;) {
      const pending = lines.map((line, i) => ({ line, i })).filter(({ i }) => !refused.has(i));
      try {
        const { value } = await this.handler.transact(
          async (tx) => {
            await tx.lockAll(
              pending.map(({ line }) => loanStream(line.loanId)),
              loanDecider,
            );
            const decided = new Map<number, string[] | undefined>();
            const refusedNow = new Map<number, DomainError>();
            for (const { line, i } of pending) {
              try {
                decided.set(i, await this.decideOnLoan(tx, line.loanId, line.command, line.env));
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                refusedNow.set(i, error);
              }
            }
            if (refusedNow.size) throw new LinesRefused(refusedNow, tx.usedCache);
            return decided;
          },
          { useCache: !fresh },
        );
        return lines.map((_, i): LineOutcome => {
          const error = refused.get(i);
          if (error) return { outcome: 'refused', error };
          const ids = value.get(i);
          return ids ? { outcome: 'recorded', eventIds: ids } : { outcome: 'recorded_before' };
        });
      } catch (error) {
        if (!(error instanceof LinesRefused)) throw error;
        if (error.onCache && !fresh) fresh = true;
        else for (const [i, e] of error.refused) refused.set(i, e);
      }
    }
  }

  private async recordLinesInSteps(lines: LoanLine[]): Promise<LineOutcome[]> {
    const outcomes: LineOutcome[] = [];
    for (const { loanId, command, env } of lines) {
      try {
        const handled = await this.recordOnLoan(loanId, command, env);
        outcomes.push(
          handled.duplicate ? { outcome: 'recorded_before' } : { outcome: 'recorded', eventIds: handled.appended.map((e) => e.id) },
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push({ outcome: 'refused', error });
      }
    }
    return outcomes;
  }

  /** Records a command on the loan stream, then the loan events' effects on the fund and the borrower. */
  async recordOnLoan(loanId: string, command: LoanCommand, env: CommandEnvelope): Promise<Handled<LoanState>> {
    if (this.atomic) {
      const { value, handled } = await this.handler.transact((tx) => this.decideOnLoan(tx, loanId, command, env));
      if (value !== undefined) return this.registered(handled.get(loanStream(loanId)) as Handled<LoanState>);
    }
    const result = await this.handler.handle(loanStream(loanId), loanDecider, command, env);
    // A duplicate's events are the first attempt's: their follow-ups may be what a crash cut short.
    await this.applyFollowUps(result.appended);
    return this.registered(result);
  }

  /**
   * What was recorded on a loan, told at once to risk control's register (the next application may meet it) and
   * to the followers told; a duplicate's events were told when first recorded.
   */
  private registered(handled: Handled<LoanState>): Handled<LoanState> {
    if (!handled.duplicate) for (const f of this.told) f.observe(handled.appended);
    return handled;
  }

  /** Runs the follow-ups of loan events (idempotent: their command ids derive from the event ids). */
  async applyFollowUps(events: RecordedEvent[]): Promise<void> {
    for (const e of events) {
      const meta = e.metadata as EventMetadata;
      const steps = followUpsOf({ type: e.type, data: e.data } as LoanEvent);
      for (const [i, step] of steps.entries()) {
        await this.runStep(step, {
          commandId: `${e.id}:${i}`,
          actor: meta.actor,
          businessDate: meta.businessDate,
          correlationId: meta.correlationId,
          causationId: e.id,
        });
      }
    }
  }

  /**
   * Reserve on the boundary stream, then record on the loan. The loan command is decided once on the
   * current state before anything is written, so a refusal leaves no reservation behind.
   */
  private async reserveThenRecord(
    loanId: string,
    commandOrFactory: LoanCommand | (() => LoanCommand),
    env: CommandEnvelope,
    reservationFor: (decided: LoanEvent[]) => StepCommand,
  ): Promise<Handled<LoanState>> {
    const command = () => (typeof commandOrFactory === 'function' ? commandOrFactory() : commandOrFactory);
    const isApplication = command().type === 'ApplyForLoan';
    if (this.atomic) {
      const { value, handled } = await this.handler.transact(async (tx) => {
        const loan = await tx.load(loanStream(loanId), loanDecider, { probablyNew: isApplication });
        if (loan.commands.has(env.commandId)) return false;
        const decided = loanDecider.decide(command(), loan.state, this.handler.context(env.businessDate));
        const reserved = await this.decideStep(tx, reservationFor(decided), env);
        if (reserved.seen) return false;
        if (reserved.events.length === 0) throw inProgress();
        return (await this.decideOnLoan(tx, loanId, command(), env)) !== undefined;
      });
      if (value) return this.registered(handled.get(loanStream(loanId)) as Handled<LoanState>);
    }
    const loan = await this.handler.load(loanStream(loanId), loanDecider);
    if (loan.commands.has(env.commandId)) return this.recordOnLoan(loanId, command(), env);
    const decided = loanDecider.decide(command(), loan.state, this.handler.context(env.businessDate));
    const reservation = reservationFor(decided);
    const completes: Completion = { streamName: loanStream(loanId), command: command() };
    const reserved = await this.runStep(reservation, { ...env, extra: { completes } });
    if (reserved.duplicate && !stands(reservationEventOf(reservation), reserved.state, loanId)) {
      throw new DomainError(
        'COMMAND.CANCELLED',
        'This request was cancelled after an earlier failure; submit it again as a new request.',
        'conflict',
      );
    }
    if (!reserved.duplicate && reserved.appended.length === 0) throw inProgress();
    return this.finish(reserved.appended, completes, env);
  }

  /** Records the loan step of a reservation; if the loan now refuses it, takes the reservation back. */
  async finish(reservation: RecordedEvent[], completes: Completion, env: CommandEnvelope): Promise<Handled<LoanState>> {
    const loanId = completes.streamName.slice('loan-'.length);
    try {
      return await this.recordOnLoan(loanId, completes.command, env);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const loan = await this.handler.load(completes.streamName, loanDecider);
      for (const e of reservation) {
        const undo = undoReservation({ type: e.type, data: e.data } as BorrowerEvent | FundEvent, loan.state.status);
        if (undo) await this.runStep(undo, { ...env, commandId: `${env.commandId}:undo`, causationId: e.id, extra: undefined });
      }
      throw error;
    }
  }

  /** Whether a reservation is still standing, so finishing it cannot resurrect one that was undone. */
  async reservationStands(e: RecordedEvent): Promise<boolean> {
    const { loanId } = e.data as { loanId: string };
    const state =
      e.type === 'BorrowerLoanOpened'
        ? (await this.handler.load(e.streamName, DECIDERS.borrower)).state
        : (await this.handler.load(e.streamName, DECIDERS.fund)).state;
    return stands(e.type as Reservation, state, loanId);
  }

  /** Whether the store records several streams in one commit. */
  private get atomic(): boolean {
    return this.handler.store.appendToStreams !== undefined;
  }

  /**
   * Decides a loan command and its events' follow-ups in a transaction: the ids of the loan's events, or
   * undefined when the loan has seen the command. Follow-ups touch the fund before the borrower, the
   * order in which a transaction takes streams.
   */
  private async decideOnLoan(
    tx: StreamTransaction,
    loanId: string,
    command: LoanCommand,
    env: CommandEnvelope,
  ): Promise<string[] | undefined> {
    const loan = await tx.decide(loanStream(loanId), loanDecider, command, env);
    if (loan.seen) return undefined;
    for (const [k, e] of loan.events.entries()) {
      for (const [i, step] of followUpsOf(e).entries()) {
        await this.decideStep(tx, step, {
          commandId: `${loan.ids[k]}:${i}`,
          actor: env.actor,
          businessDate: env.businessDate,
          correlationId: env.correlationId ?? env.commandId,
          causationId: loan.ids[k],
        });
      }
    }
    return loan.ids;
  }

  private decideStep(tx: StreamTransaction, step: StepCommand, env: CommandEnvelope) {
    return step.aggregate === 'fund'
      ? tx.decide(step.streamName, DECIDERS.fund, step.command, env)
      : tx.decide(step.streamName, DECIDERS.borrower, step.command, env);
  }

  private runStep(step: StepCommand, env: CommandEnvelope): Promise<Handled<unknown>> {
    return step.aggregate === 'fund'
      ? this.handler.handle(step.streamName, DECIDERS.fund, step.command, env)
      : this.handler.handle(step.streamName, DECIDERS.borrower, step.command, env);
  }

  private async previousLoanFacts(loanId: string): Promise<PreviousLoanFacts> {
    const { state } = await this.handler.load(loanStream(loanId), loanDecider);
    if (state.status === 'none') return { loanId, exists: false };
    const { borrowerId, project } = state.application!;
    const projectName = this.sealerFor && !isSealed(project.name) ? (await this.sealerFor(borrowerId))(project.name.trim()) : project.name;
    return { loanId, exists: true, borrowerId, status: state.status, everOverdue: state.everOverdue, projectName };
  }
}

export type Reservation = 'BorrowerLoanOpened' | 'FundExposureReserved' | 'FundCompensationCharged';
export const RESERVATIONS: readonly string[] = ['BorrowerLoanOpened', 'FundExposureReserved', 'FundCompensationCharged'];

function reservationEventOf(step: StepCommand): Reservation {
  if (step.aggregate === 'borrower') return 'BorrowerLoanOpened';
  return step.command.type === 'ChargeCompensation' ? 'FundCompensationCharged' : 'FundExposureReserved';
}

/** The reservation is already held by another request for this loan, which will finish it. */
function inProgress(): DomainError {
  return new DomainError(
    'COMMAND.IN_PROGRESS',
    'Another request for this loan is being completed; look at the loan before trying again.',
    'conflict',
  );
}

function stands(kind: Reservation, state: unknown, loanId: string): boolean {
  if (kind === 'BorrowerLoanOpened') return (state as BorrowerState).openLoanId === loanId;
  const fund = state as FundState;
  return kind === 'FundCompensationCharged' ? fund.compensated.has(loanId) : fund.reservations.has(loanId);
}
