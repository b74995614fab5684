import { BasisPoints, Fen, ZERO, add, fen, interestOn, min, sub } from '../shared/money';
import { BusinessDate, addDays, daysBetween, settlementDatesBetween } from '../shared/dates';
import { Instalment } from './loan.events';

/** Something owed on a date, and how much of it has been paid. */
export interface Due {
  dueDate: BusinessDate;
  amount: Fen;
  paid: Fen;
  /**
   * Of interest, the part that can still earn subsidy if paid by its due date: what accrued on days in the
   * original term while nothing was overdue, less what has earned it already. None for principal.
   */
  subsidisable: Fen;
}

/**
 * A disbursed loan's account: principal instalments, interest crystallised at each settlement, and interest
 * accruing since the last one. Interest accrues daily on the outstanding principal (annual rate / 360) for
 * every day from disbursement up to, not including, the repayment day; the quarterly settlement on the 20th
 * covers the 20th itself. The first settlement is the first after the day of disbursement: a loan paid out on
 * a 20th owes that day's interest at the next one, not the same day (it would be overdue the next morning).
 * Each settlement and each repayment rounds the accrued interest half-up to the fen.
 *
 * Subsidy follows the days interest accrued on: a day before the original maturity on which nothing was
 * overdue accrues subsidisable interest, any other day does not (no subsidy for overdue or extended periods),
 * and interest paid after its due date earns none (see `subsidisablePart`).
 */
export interface LoanAccount {
  rate: BasisPoints;
  disbursedOn: BusinessDate;
  maturity: BusinessDate;
  /** The original maturity: days from it on (an extension) accrue no subsidisable interest. */
  termEnd: BusinessDate;
  outstanding: Fen;
  /** Interest has been accrued for every day before this one. */
  accruedFrom: BusinessDate;
  /** Σ principal × days accrued and not yet crystallised. */
  fenDays: number;
  /** The part of `fenDays` on days that earn subsidy. */
  fenDaysSubsidisable: number;
  principalDues: Due[];
  interestDues: Due[];
}

export function openAccount(
  amount: Fen,
  rate: BasisPoints,
  disbursedOn: BusinessDate,
  maturity: BusinessDate,
  plan: Instalment[],
): LoanAccount {
  return {
    rate,
    disbursedOn,
    maturity,
    termEnd: maturity,
    outstanding: amount,
    accruedFrom: disbursedOn,
    fenDays: 0,
    fenDaysSubsidisable: 0,
    principalDues: plan.map((i) => ({ dueDate: i.dueDate, amount: i.principal, paid: ZERO, subsidisable: ZERO })),
    interestDues: [],
  };
}

/**
 * Accrues the days from `accruedFrom` to `to`. Nothing falls due inside such a stretch (`advance` cuts at every
 * settlement and at maturity), so whether the loan is overdue on its first day holds for all of it.
 */
function accrueTo(a: LoanAccount, to: BusinessDate): LoanAccount {
  const days = daysBetween(a.accruedFrom, to);
  if (days <= 0) return a;
  const overdue = [...a.principalDues, ...a.interestDues].some((d) => d.dueDate < a.accruedFrom && d.paid < d.amount);
  const inTerm = overdue ? 0 : Math.max(0, Math.min(days, daysBetween(a.accruedFrom, a.termEnd)));
  return {
    ...a,
    fenDays: a.fenDays + a.outstanding * days,
    fenDaysSubsidisable: a.fenDaysSubsidisable + a.outstanding * inTerm,
    accruedFrom: to,
  };
}

/** Interest accrued so far falls due on `dueDate` (added to what already falls due that day). */
function crystallise(a: LoanAccount, dueDate: BusinessDate): LoanAccount {
  const amount = interestOn(a.fenDays, a.rate);
  const subsidisable = min(interestOn(a.fenDaysSubsidisable, a.rate), amount);
  const cleared = { ...a, fenDays: 0, fenDaysSubsidisable: 0 };
  if (amount === 0) return cleared;
  const last = a.interestDues[a.interestDues.length - 1];
  if (last?.dueDate === dueDate) {
    const merged = { ...last, amount: add(last.amount, amount), subsidisable: add(last.subsidisable, subsidisable) };
    return { ...cleared, interestDues: [...a.interestDues.slice(0, -1), merged] };
  }
  return { ...cleared, interestDues: [...a.interestDues, { dueDate, amount, paid: ZERO, subsidisable }] };
}

/** The next settlement day (a quarterly 20th or the maturity) on or after a date. */
export function nextSettlement(a: LoanAccount, from: BusinessDate): BusinessDate {
  const [quarterly] = settlementDatesBetween(from, addDays(from, 100));
  return a.maturity >= from && a.maturity < quarterly ? a.maturity : quarterly;
}

/** Brings the account to the start of `to`: every settlement before that day crystallised. */
export function advance(account: LoanAccount, to: BusinessDate): LoanAccount {
  let a = account;
  if (to <= a.accruedFrom) return a;
  const points: Array<{ dueDate: BusinessDate; cut: BusinessDate }> = settlementDatesBetween(a.accruedFrom, addDays(to, -1))
    .filter((s) => s !== a.disbursedOn)
    .map((s) => ({ dueDate: s, cut: addDays(s, 1) }));
  if (a.maturity >= a.accruedFrom && a.maturity <= to) points.push({ dueDate: a.maturity, cut: a.maturity });
  points.sort((x, y) => (x.cut < y.cut ? -1 : x.cut > y.cut ? 1 : 0));
  for (const p of points) a = crystallise(accrueTo(a, p.cut), p.dueDate);
  return accrueTo(a, to);
}

/**
 * Pays dues oldest first, on `on`; returns the dues after payment, what was left over, and the subsidy the
 * payment earned: within a due paid by its due date, its subsidisable part is taken first.
 */
function payOldestFirst(dues: Due[], amount: Fen, on: BusinessDate): { dues: Due[]; left: Fen; subsidisable: Fen } {
  let left = amount;
  let subsidisable = ZERO;
  const out = dues.map((d) => {
    const pay = min(sub(d.amount, d.paid), left);
    if (pay === 0) return d;
    left = sub(left, pay);
    const earned = on <= d.dueDate ? min(pay, d.subsidisable) : ZERO;
    subsidisable = add(subsidisable, earned);
    return { ...d, paid: add(d.paid, pay), subsidisable: sub(d.subsidisable, earned) };
  });
  return { dues: out, left, subsidisable };
}

/**
 * The account as a repayment on `on` finds it, with all interest accrued so far crystallised: on a
 * quarterly settlement day before maturity that includes the day itself (the settlement covers the
 * 20th); on any other day it runs to the day before, and what is not paid now falls due at the next
 * settlement.
 */
export function settleAccrualOn(account: LoanAccount, on: BusinessDate): LoanAccount {
  const quarterly = settlementDatesBetween(on, on).length === 1 && on < account.maturity;
  if (quarterly) return advance(account, addDays(on, 1));
  return crystallise(advance(account, on), nextSettlement(account, on));
}

export const unpaid = (dues: Due[]): Fen => fen(dues.reduce((s, d) => s + d.amount - d.paid, 0));

/** The part of an interest payment on `on` that earns subsidy (after `settleAccrualOn`). */
export const subsidisablePart = (account: LoanAccount, interest: Fen, on: BusinessDate): Fen =>
  payOldestFirst(account.interestDues, interest, on).subsidisable;

/** Applies a repayment made on `on` (after `settleAccrualOn`): principal to the oldest instalments. */
export function applyRepayment(account: LoanAccount, principal: Fen, interest: Fen, on: BusinessDate): LoanAccount {
  const p = payOldestFirst(account.principalDues, principal, on);
  const i = payOldestFirst(account.interestDues, interest, on);
  return { ...account, outstanding: sub(account.outstanding, principal), principalDues: p.dues, interestDues: i.dues };
}

export interface OverduePosition {
  principal: Fen;
  interest: Fen;
  since?: BusinessDate;
}

/** What fell due before `on` and is unpaid. */
export function overdueOn(account: LoanAccount, on: BusinessDate): OverduePosition {
  const a = advance(account, on);
  const late = (dues: Due[]) => dues.filter((d) => d.dueDate < on && d.paid < d.amount);
  const principal = late(a.principalDues);
  const interest = late(a.interestDues);
  const dates = [...principal, ...interest].map((d) => d.dueDate).sort();
  return { principal: unpaid(principal), interest: unpaid(interest), since: dates[0] };
}

/** All unpaid principal falls due on the new maturity; instalments already due keep their dates. */
export function extendTo(account: LoanAccount, newMaturity: BusinessDate): LoanAccount {
  const oldMaturity = account.maturity;
  const kept = account.principalDues.filter((d) => d.dueDate < oldMaturity);
  const moved = account.principalDues.filter((d) => d.dueDate >= oldMaturity);
  const amount = fen(moved.reduce((s, d) => s + d.amount, 0));
  const paid = fen(moved.reduce((s, d) => s + d.paid, 0));
  return { ...account, maturity: newMaturity, principalDues: [...kept, { dueDate: newMaturity, amount, paid, subsidisable: ZERO }] };
}

/** What it takes to pay the loan off on a day: the outstanding principal and all interest owed to then. */
export function payoffOn(account: LoanAccount, on: BusinessDate): { principal: Fen; interest: Fen } {
  const settled = settleAccrualOn(account, on);
  return { principal: settled.outstanding, interest: unpaid(settled.interestDues) };
}

/**
 * The first day on or after `from` on which something may fall due: an unpaid instalment, or interest at the
 * next settlement while any accrues or is owed. Until that day has passed, what is overdue cannot grow, so the
 * day-end run need not look at the loan before the day after it.
 */
export function nextFallingDue(account: LoanAccount, from: BusinessDate): BusinessDate | undefined {
  const dates = [...account.principalDues, ...account.interestDues]
    .filter((d) => d.dueDate >= from && d.paid < d.amount)
    .map((d) => d.dueDate);
  if (account.outstanding > 0 || account.fenDays > 0) dates.push(nextSettlement(account, from));
  return dates.sort()[0];
}
