import { DomainError } from '@app/domain';
import {
  CheckpointStore,
  EventMetadata,
  EventStore,
  Position,
  RecordedEvent,
  comparePositions,
  nextTurn,
  positionToString,
} from '@app/event-store';
import { Completion, Programme, RESERVATIONS } from './programme';

export interface ReconcileFailure {
  position: string;
  streamName: string;
  type: string;
  problem: string;
}

export interface ReconcileReport {
  scanned: number;
  finished: number;
  undone: number;
  /** Steps that failed for a reason other than a rule: retried on the next run, from the first of them. */
  failed: ReconcileFailure[];
}

const CHECKPOINT = 'reconciler';
const PAGE = 1000;
const MAX_FAILURES_REPORTED = 100;

/**
 * Finishes two-step writes that a crash cut in half. It follows $all from its checkpoint and, for each
 * reservation, records the loan step if it is missing (or takes the reservation back if the loan now
 * refuses it), and for each loan event re-applies its follow-ups. Every step is idempotent, so running
 * over work that was completed is harmless. Events younger than the grace period are left for the
 * request still finishing them.
 */
export class Reconciler {
  constructor(
    private readonly programme: Programme,
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
  ) {}

  /** With `signal`, it stops between pages once aborted, its checkpoint saved (for a process shutting down). */
  async run(options: { graceMs: number; now?: number; signal?: AbortSignal } = { graceMs: 0 }): Promise<ReconcileReport> {
    const report: ReconcileReport = { scanned: 0, finished: 0, undone: 0, failed: [] };
    const horizon = (options.now ?? Date.now()) - options.graceMs;
    let cursor: Position | undefined = await this.checkpoints.get(CHECKPOINT);
    // The checkpoint stops before the first failure, so the next run retries it; the rest still go on now.
    let done = cursor;
    for (;;) {
      const page = (await this.store.readAll({ fromPosition: cursor ?? 'start', maxCount: PAGE + 1 })).filter(
        (e) => !cursor || comparePositions(e.position, cursor) > 0,
      );
      const young = page.findIndex((e) => e.created.getTime() > horizon);
      const due = young < 0 ? page : page.slice(0, young);
      for (const e of due) {
        try {
          await this.reconcile(e, report);
        } catch (error) {
          if (report.failed.length < MAX_FAILURES_REPORTED) report.failed.push(failure(e, error));
        }
        report.scanned++;
        cursor = e.position;
        if (report.failed.length === 0) done = cursor;
      }
      if (done) await this.checkpoints.set(CHECKPOINT, done);
      if (due.length < page.length || page.length === 0 || options.signal?.aborted) return report;
      await nextTurn();
    }
  }

  private async reconcile(e: RecordedEvent, report: ReconcileReport): Promise<void> {
    const meta = e.metadata as EventMetadata & { completes?: Completion };
    if (RESERVATIONS.includes(e.type) && meta.completes && (await this.programme.reservationStands(e))) {
      const env = {
        commandId: meta.commandId,
        actor: meta.actor,
        businessDate: meta.businessDate,
        correlationId: meta.correlationId,
        causationId: meta.causationId,
      };
      try {
        const done = await this.programme.finish([e], meta.completes, env);
        if (!done.duplicate) report.finished++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        report.undone++;
      }
    }
    if (e.streamName.startsWith('loan-')) await this.programme.applyFollowUps([e]);
  }
}

function failure(e: RecordedEvent, error: unknown): ReconcileFailure {
  return {
    position: positionToString(e.position),
    streamName: e.streamName,
    type: e.type,
    problem: (error as Error)?.message ?? String(error),
  };
}
