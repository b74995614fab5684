import { Actor, BusinessDate, DomainError, SYSTEM_ACTOR } from '@app/domain';
import { OpenLoans } from './open-loans';
import { Programme } from './programme';

export interface DayEndReport {
  businessDate: BusinessDate;
  loansChecked: number;
  markedOverdue: number;
  /** Steps found past their deadline (限时办结) by this run. */
  stepsPastDeadline: number;
  /** Applications waiting for a decision that risk control's re-check flagged (none where it does not run). */
  riskFlagged: number;
  skipped: number;
}

/**
 * The day-end run: every running loan is checked for principal or interest that fell due before the
 * business date and is unpaid, and every loan waiting for a decision or a disbursement for a step past its
 * deadline, and, where risk control runs, every application still waiting for a decision against what its
 * register has learnt since. Running it again for the same date changes nothing. The marks record who ran it:
 * the operator who asked, or the system on its daily schedule.
 */
export async function runDayEnd(
  programme: Programme,
  openLoans: OpenLoans,
  businessDate: BusinessDate,
  actor: Actor = SYSTEM_ACTOR,
): Promise<DayEndReport> {
  const env = { actor, businessDate, correlationId: `day-end:${businessDate}` };
  const loans = await openLoans.list();
  const overdue = await checkEach(loans, (loanId) => programme.markOverdue(loanId, env));
  const awaiting = await openLoans.awaiting();
  const deadlines = await checkEach(awaiting, (loanId) => programme.checkTimeLimits(loanId, env));
  const risk = programme.risk ? await checkEach(awaiting, (loanId) => programme.checkRisk(loanId, env)) : { recorded: 0, skipped: 0 };
  return {
    businessDate,
    loansChecked: loans.length,
    markedOverdue: overdue.recorded,
    stepsPastDeadline: deadlines.recorded,
    riskFlagged: risk.recorded,
    skipped: overdue.skipped + deadlines.skipped + risk.skipped,
  };
}

/** Runs a check on each loan; counts what this run recorded and the loans it could not check. */
async function checkEach(
  loans: string[],
  check: (loanId: string) => Promise<{ duplicate: boolean; appended: unknown[] }>,
): Promise<{ recorded: number; skipped: number }> {
  let recorded = 0;
  let skipped = 0;
  for (const loanId of loans) {
    try {
      const result = await check(loanId);
      // Another process may have recorded it first: only what this run recorded counts.
      if (!result.duplicate && result.appended.length) recorded++;
    } catch (error) {
      // A loan applied for after the date being run (a past date run late) has nothing due yet.
      if (!(error instanceof DomainError)) throw error;
      skipped++;
    }
  }
  return { recorded, skipped };
}
