import { Actor, BusinessDate, DomainError, SYSTEM_ACTOR } from '@app/domain';
import { OpenLoans } from './open-loans';
import { Programme } from './programme';

export interface DayEndReport {
  businessDate: BusinessDate;
  loansChecked: number;
  markedOverdue: number;
  /** Steps found past their deadline (限时办结) by this run. */
  stepsPastDeadline: number;
  skipped: number;
}

/**
 * The day-end run: every running loan is checked for principal or interest that fell due before the
 * business date and is unpaid, and every loan waiting for a decision or a disbursement for a step past its
 * deadline. Running it again for the same date changes nothing. The marks record who ran it:
 * the operator who asked, or the system on its daily schedule.
 */
export async function runDayEnd(
  programme: Programme,
  openLoans: OpenLoans,
  businessDate: BusinessDate,
  actor: Actor = SYSTEM_ACTOR,
): Promise<DayEndReport> {
  const loans = await openLoans.list();
  let markedOverdue = 0;
  let skipped = 0;
  for (const loanId of loans) {
    try {
      const result = await programme.markOverdue(loanId, { actor, businessDate, correlationId: `day-end:${businessDate}` });
      // Another process may have marked it first: only marks recorded by this run count.
      if (!result.duplicate && result.appended.length) markedOverdue++;
    } catch (error) {
      // A loan applied for after the date being run (a past date run late) has nothing due yet.
      if (!(error instanceof DomainError)) throw error;
      skipped++;
    }
  }
  let stepsPastDeadline = 0;
  for (const loanId of await openLoans.awaiting()) {
    try {
      const result = await programme.checkTimeLimits(loanId, { actor, businessDate, correlationId: `day-end:${businessDate}` });
      if (!result.duplicate && result.appended.length) stepsPastDeadline++;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      skipped++;
    }
  }
  return { businessDate, loansChecked: loans.length, markedOverdue, stepsPastDeadline, skipped };
}
