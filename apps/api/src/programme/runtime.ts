import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Actor, BusinessDate, addDays } from '@app/domain';
import { EventStore, SqliteCheckpointStore, SqliteCommandKeys } from '@app/event-store';
import { OpenLoans, Programme, ReconcileFailure, ReconcileReport, Reconciler, runDayEnd } from '@app/programme';
import { API_CONFIG, CHECKPOINTS, COMMAND_KEYS, EVENT_STORE, READ_STORE } from '../tokens';
import { ProjectionRunner, ReadStore } from '@app/projections';
import { ApiConfig, today } from '../config';

/**
 * What runs beside the requests: at boot, the reconciler finishes any two-step write a crash cut short
 * (before the first request); then it sweeps periodically, the day-end run marks overdue loans daily, and
 * in the embedded setup the projections run here too.
 */
@Injectable()
export class ProgrammeRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Programme');
  private timers: NodeJS.Timeout[] = [];
  private lastDayEnd?: string;
  private lastReconcile?: { lastRunAt: string; failed: ReconcileFailure[]; problem?: string };

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly programme: Programme,
    private readonly reconciler: Reconciler,
    private readonly openLoans: OpenLoans,
    private readonly projections: ProjectionRunner,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CHECKPOINTS) private readonly checkpoints: SqliteCheckpointStore,
    @Inject(COMMAND_KEYS) private readonly commandKeys: SqliteCommandKeys,
  ) {}

  async onApplicationBootstrap() {
    // A step that cannot be finished now is reported and retried; it never keeps the API from serving the rest.
    await this.reconcile(0);
    // Not awaited: a store that is away or refuses our credentials shows in /health; the day-end run waits for the list.
    void this.openLoans.start();
    if (this.config.projections === 'in-process') {
      // Catching up can take a while on a long history; the API answers meanwhile and shows the progress.
      this.projections.start().catch((error: Error) => this.logger.error(`Projections stopped: ${error.message}`));
    }
    this.timers.push(setInterval(() => void this.sweep(), this.config.reconcileEveryMs));
    if (this.config.dayEndAt !== 'off') this.timers.push(setInterval(() => void this.maybeRunDayEnd(), 60_000));
  }

  dayEnd(businessDate: BusinessDate, actor?: Actor) {
    return runDayEnd(this.programme, this.openLoans, businessDate, actor);
  }

  /** Why the day-end run's list of open loans is resuming its subscription, if it is. */
  get openLoansProblem(): string | undefined {
    return this.openLoans.problem;
  }

  /** How the last reconciler run went, for /health. */
  get reconcilerStatus(): { lastRunAt?: string; failed: ReconcileFailure[]; problem?: string } {
    return this.lastReconcile ?? { failed: [] };
  }

  /** Runs the reconciler without ever throwing: what fails is logged, kept for /health, and retried next sweep. */
  async reconcile(graceMs: number): Promise<ReconcileReport | undefined> {
    const at = new Date().toISOString();
    try {
      const report = await this.reconciler.run({ graceMs });
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

  async onApplicationShutdown() {
    for (const t of this.timers) clearInterval(t);
    await this.openLoans.stop();
    await this.projections.stop();
    await this.readStore.close();
    await this.store.close();
    this.checkpoints.close();
    this.commandKeys.close();
  }
}
