import { Actor, BusinessDate, DomainError, LoanState, SYSTEM_ACTOR, addDays, deadlineCheckOn, nextFallingDue } from '@app/domain';
import { Handled } from '@app/event-store';
import { OpenLoans } from './open-loans';
import { Programme } from './programme';

export interface DayEndReport {
  businessDate: BusinessDate;
  /** Running loans looked at for overdue (only those with something fallen due since they were last looked at). */
  loansChecked: number;
  /** Loans waiting for a step looked at for its deadline, and applications re-checked for risk. */
  waitingChecked: number;
  riskRechecked: number;
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
 * register has learnt since. It looks only at the loans that can have something new (`OpenLoans.dueOn`,
 * `RiskRegister.takeRechecks`), so running it every day costs what that day brings, not the whole portfolio.
 * Running it again for the same date changes nothing. The marks record who ran it: the operator who asked,
 * or the system on its daily schedule.
 */
export async function runDayEnd(
  programme: Programme,
  openLoans: OpenLoans,
  businessDate: BusinessDate,
  actor: Actor = SYSTEM_ACTOR,
): Promise<DayEndReport> {
  const env = { actor, businessDate, correlationId: `day-end:${businessDate}` };
  const policy = programme.handler.context(businessDate).policy;
  const due = await openLoans.dueOn(businessDate);
  const overdue = await checkEach(due.running, (loanId) => programme.markOverdue(loanId, env), {
    checked: (loanId, s) => {
      const fallsDue = s.status === 'disbursed' ? nextFallingDue(s.account!, businessDate) : undefined;
      openLoans.runningNext(loanId, fallsDue && addDays(fallsDue, 1));
    },
  });
  const deadlines = await checkEach(due.waiting, (loanId) => programme.checkTimeLimits(loanId, env), {
    checked: (loanId, s) => openLoans.waitingNext(loanId, deadlineCheckOn(s, policy)),
  });
  const rechecks = programme.risk ? (await programme.risk.takeRechecks()).filter(openLoans.isWaiting) : [];
  const risk = await checkEach(rechecks, (loanId) => programme.checkRisk(loanId, env), {
    skipped: (loanId) => programme.risk!.recheckLater(loanId),
  });
  return {
    businessDate,
    loansChecked: due.running.length,
    waitingChecked: due.waiting.length,
    riskRechecked: rechecks.length,
    markedOverdue: overdue.recorded,
    stepsPastDeadline: deadlines.recorded,
    riskFlagged: risk.recorded,
    skipped: overdue.skipped + deadlines.skipped + risk.skipped,
  };
}

/** Runs a check on each loan; counts what this run recorded and the loans it could not check. */
async function checkEach(
  loans: string[],
  check: (loanId: string) => Promise<Handled<LoanState>>,
  after: { checked?: (loanId: string, state: LoanState) => void; skipped?: (loanId: string) => void },
): Promise<{ recorded: number; skipped: number }> {
  let recorded = 0;
  let skipped = 0;
  for (const loanId of loans) {
    try {
      const result = await check(loanId);
      // Another process may have recorded it first: only what this run recorded counts.
      if (!result.duplicate && result.appended.length) recorded++;
      after.checked?.(loanId, result.state);
    } catch (error) {
      // A loan applied for after the date being run (a past date run late) has nothing due yet.
      if (!(error instanceof DomainError)) throw error;
      after.skipped?.(loanId);
      skipped++;
    }
  }
  return { recorded, skipped };
}
