import { BusinessDate, Fen, LoanState, addDays, fen, payoffOn, settlementDatesBetween, unpaid } from '@app/domain';
import { PlannedLoan } from './plan';

/** Thrown by `until` for a day after the simulation ends: the loan's life stops there. */
export class BeyondTheEnd extends Error {}

/**
 * What a loan's life needs from the world: a calendar and the loan commands. The simulation runs them
 * through the programme; calibration runs them through the loan's decider alone, to see where a plan leads.
 * A command returns the loan's state after it, or undefined when it was refused.
 */
export interface LoanWorld {
  until(date: string): Promise<void>;
  state(loan: PlannedLoan): Promise<LoanState>;
  apply(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
  grantSecondSupport(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
  /** A centre officer clears what risk control flagged (the simulation's flags are explained). */
  reviewRisk(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
  guarantee(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
  disburse(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
  repay(loan: PlannedLoan, principal: Fen, interest: Fen, on: string): Promise<LoanState | undefined>;
  compensate(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
  recover(loan: PlannedLoan, amount: Fen, on: string): Promise<LoanState | undefined>;
  writeOff(loan: PlannedLoan, on: string): Promise<LoanState | undefined>;
}

/** Waits for a day and gives it back, so a command can be written `world.apply(loan, await at(day))`. */
const arrive = async (world: LoanWorld, date: string) => {
  await world.until(date);
  return date;
};

/** A loan's life as planned: application, guarantee, disbursement, each due date, and how it ends. */
export async function live(loan: PlannedLoan, world: LoanWorld): Promise<void> {
  const at = (date: string) => arrive(world, date);
  let applied = await world.apply(loan, await at(loan.applyOn));
  if (applied && loan.previousLoanId) applied = await world.grantSecondSupport(loan, await at(addDays(loan.applyOn as BusinessDate, 2)));
  if (!applied) return;
  const decidedOn = await at(loan.guaranteeOn);
  // Flagged at application, or by a day-end since (another application met it).
  if ((await world.state(loan)).risk.pending && !(await world.reviewRisk(loan, decidedOn))) return;
  if (!(await world.guarantee(loan, decidedOn))) return;
  const disbursed = await world.disburse(loan, await at(loan.disburseOn));
  if (!disbursed) return;
  const account = disbursed.account!;
  const dues = [
    ...new Set([...settlementDatesBetween(addDays(loan.disburseOn as BusinessDate, 1), account.maturity), account.maturity]),
  ].sort();
  const trouble = Math.min(dues.length - 1, Math.floor(loan.troubleAt * dues.length));
  for (const [i, due] of dues.entries()) {
    if (i === trouble && loan.outcome === 'defaulted') return defaultOn(loan, world, due);
    // A late borrower pays days after the due date; the day-end run marks the loan overdue meanwhile.
    if (i === trouble && loan.outcome === 'late') await pay(loan, world, await at(addDays(due, loan.lateDays)));
    else await pay(loan, world, await at(due));
  }
}

/** Pays the interest owed to the day and the principal fallen due by it, as a borrower keeping up would. */
async function pay(loan: PlannedLoan, world: LoanWorld, on: string) {
  const account = (await world.state(loan)).account;
  if (!account || account.outstanding === 0) return;
  const owed = payoffOn(account, on as BusinessDate);
  const principalDue = unpaid(account.principalDues.filter((d) => d.dueDate <= on));
  if (principalDue + owed.interest > 0) await world.repay(loan, principalDue, owed.interest, on);
}

async function defaultOn(loan: PlannedLoan, world: LoanWorld, due: string) {
  const at = (date: string) => arrive(world, date);
  const paidOn = (await at(addDays(due as BusinessDate, loan.compensateAfterDays))) as BusinessDate;
  const compensated = await world.compensate(loan, paidOn);
  if (!compensated) return;
  const recovered = Math.min(compensated.claim, Math.floor((compensated.claim * loan.recoveredShare) / 100) * 100);
  if (recovered > 0) await world.recover(loan, fen(recovered), await at(addDays(paidOn, loan.recoverAfterDays)));
  await world.writeOff(loan, await at(addDays(paidOn, loan.recoverAfterDays + loan.writeOffAfterDays)));
}
