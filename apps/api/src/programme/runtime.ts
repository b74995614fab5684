import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Actor, BusinessDate, addDays } from '@app/domain';
import { EventStore, SigningKey, SqliteCheckpointStore, SqliteCommandKeys, sealMonth } from '@app/event-store';
import { DayEndReport, OpenLoans, Programme, ReconcileFailure, ReconcileReport, Reconciler, RiskRegister, runDayEnd } from '@app/programme';
import { API_CONFIG, AUDIT_KEY, CHECKPOINTS, COMMAND_KEYS, EVENT_STORE, READ_STORE } from '../tokens';
import { ProjectionRunner, ReadStore } from '@app/projections';
import { ApiConfig, today } from '../config';

/**
 * What runs beside the requests: from boot, the reconciler finishes any two-step write a crash cut short and
 * then sweeps periodically, the day-end run marks overdue loans daily, and
 * in the embedded setup the projections run here too.
 */
@Injectable()
export class ProgrammeRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Programme');
  private timers: NodeJS.Timeout[] = [];
  private lastDayEnd?: string;
  private lastReconcile?: { lastRunAt: string; failed: ReconcileFailure[]; problem?: string };
  /** The reconciler run in progress: one at a time, so a sweep or an operator's call joins the boot run. */
  private reconciling?: { since: string; done: Promise<ReconcileReport | undefined> };
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly programme: Programme,
    private readonly reconciler: Reconciler,
    private readonly openLoans: OpenLoans,
    private readonly riskRegister: RiskRegister,
    private readonly projections: ProjectionRunner,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CHECKPOINTS) private readonly checkpoints: SqliteCheckpointStore,
    @Inject(COMMAND_KEYS) private readonly commandKeys: SqliteCommandKeys,
    @Inject(AUDIT_KEY) private readonly auditKey: SigningKey | undefined,
  ) {}

  async onApplicationBootstrap() {
    // Not awaited: the first run on a long history with no checkpoint reads all of it (minutes on a province's),
    // and serving meanwhile is as safe as serving between sweeps: each step is idempotent and appended with the
    // revision it was decided on, and a request meets a half-done write for at most as long as it meets one
    // another process is still finishing. A step that cannot be finished is reported and retried.
    void this.reconcile(0);
    // Not awaited: a store that is away or refuses our credentials shows in /health; the day-end run waits for the list.
    void this.openLoans.start();
    // Not awaited either: an application waits for the register to catch up, as the day-end waits for its list.
    void this.riskRegister.start();
    if (this.config.projections === 'in-process') {
      // Catching up can take a while on a long history; the API answers meanwhile and shows the progress.
      this.projections.start().catch((error: Error) => this.logger.error(`Projections stopped: ${error.message}`));
    }
    this.timers.push(setInterval(() => void this.sweep(), this.config.reconcileEveryMs));
    if (this.config.dayEndAt !== 'off') this.timers.push(setInterval(() => void this.maybeRunDayEnd(), 60_000));
  }

  /** The day-end run for a date; after a month's last day, the month is sealed too (`sealed` names it). */
  async dayEnd(businessDate: BusinessDate, actor?: Actor): Promise<DayEndReport & { sealed?: string }> {
    const report = await runDayEnd(this.programme, this.openLoans, businessDate, actor);
    const sealed = await this.sealIfMonthEnded(businessDate, actor);
    return sealed ? { ...report, sealed } : report;
  }

  /** Why the day-end run's list of open loans is resuming its subscription, if it is. */
  get openLoansProblem(): string | undefined {
    return this.openLoans.problem;
  }

  /** Why risk control's register is resuming its subscription, if it is. */
  get riskRegisterProblem(): string | undefined {
    return this.riskRegister.problem;
  }

  /** How the last reconciler run went, and since when one is running, for /health. */
  get reconcilerStatus(): { lastRunAt?: string; runningSince?: string; failed: ReconcileFailure[]; problem?: string } {
    return { ...(this.lastReconcile ?? { failed: [] }), ...(this.reconciling ? { runningSince: this.reconciling.since } : {}) };
  }

  /**
   * Runs the reconciler without ever throwing: what fails is logged, kept for /health, and retried next sweep.
   * A call while a run is in progress waits for that run instead of starting a second over the same events.
   */
  reconcile(graceMs: number): Promise<ReconcileReport | undefined> {
    if (this.reconciling) return this.reconciling.done;
    const since = new Date().toISOString();
    const done = this.runReconciler(graceMs, since).finally(() => (this.reconciling = undefined));
    this.reconciling = { since, done };
    return done;
  }

  private async runReconciler(graceMs: number, at: string): Promise<ReconcileReport | undefined> {
    try {
      const report = await this.reconciler.run({ graceMs, signal: this.shutdown.signal });
      this.lastReconcile = { lastRunAt: at, failed: report.failed };
      if (report.finished || report.undone) this.logger.warn(`Finished ${report.finished} and undid ${report.undone} half-done writes`);
      for (const f of report.failed)
        this.logger.error(`Could not finish the follow-up of ${f.type} at ${f.position} (${f.streamName}): ${f.problem}`);
      return report;
    } catch (error) {
      this.lastReconcile = { lastRunAt: at, failed: [], problem: (error as Error).message };
      this.logger.error(`Reconciler run failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async sweep() {
    await this.reconcile(30_000);
  }

  /** Once a day, after DAY_END_AT in the programme's time zone, for the day that has just ended. */
  private async maybeRunDayEnd() {
    const now = new Date();
    const date = today(this.config.timeZone, now);
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone: this.config.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(now);
    if (time < this.config.dayEndAt || this.lastDayEnd === date) return;
    this.lastDayEnd = date;
    let report;
    try {
      report = await this.dayEnd(addDays(date as BusinessDate, -1));
    } catch (error) {
      this.lastDayEnd = undefined; // tried again at the next tick
      this.logger.error(`Day-end for ${date} failed: ${(error as Error).message}`);
      return;
    }
    this.logger.log(`Day-end ${report.businessDate}: ${report.loansChecked} loans checked, ${report.markedOverdue} marked overdue`);
  }

  /**
   * After the day-end run of a month's last day, the month is sealed: its digest of the history signed and
   * recorded (once: a later run answers the digest recorded first). A failure to seal never fails the run.
   */
  private async sealIfMonthEnded(day: BusinessDate, actor?: Actor): Promise<string | undefined> {
    if (!this.auditKey || addDays(day, 1).slice(0, 7) === day.slice(0, 7)) return undefined;
    try {
      const { digest, recorded } = await sealMonth(this.store, this.auditKey, day.slice(0, 7), { actor });
      if (recorded) this.logger.log(`Sealed ${digest.month}: ${digest.treeSize} events, root ${digest.rootHash}`);
      return digest.month;
    } catch (error) {
      this.logger.error(`Sealing ${day.slice(0, 7)} failed: ${(error as Error).message}; an operator can seal it (POST /audit/digests)`);
      return undefined;
    }
  }

  async onApplicationShutdown() {
    for (const t of this.timers) clearInterval(t);
    this.shutdown.abort();
    await this.reconciling?.done;
    await this.openLoans.stop();
    await this.riskRegister.stop();
    await this.projections.stop();
    await this.readStore.close();
    await this.store.close();
    this.checkpoints.close();
    this.commandKeys.close();
  }
}
