import { Fen, ZERO, add, applyRate, fen, min, sub } from '../shared/money';
import { BusinessDate, addDays, settlementDatesBetween } from '../shared/dates';
import { broken, ensure, invalid } from '../shared/errors';
import {
  Due,
  LoanAccount,
  advance,
  applyRepayment,
  nextSettlement,
  overdueOn,
  settleAccrualOn,
  subsidisablePart,
  unpaid,
} from './loan.account';
import { LoanState } from './loan.state';

/**
 * What a bank clerk tells a borrower at the counter, from the same account the repayment decision uses, so a
 * quote followed by that payment on that day is accepted to the fen and earns the subsidy quoted.
 */
export interface PayoffQuote {
  loanId: string;
  quotedFor: BusinessDate;
  /** Principal outstanding. */
  principalFen: Fen;
  /** All interest owed up to the day (as a repayment that day reckons it). */
  interestFen: Fen;
  /** What pays the loan off that day. */
  totalFen: Fen;
  /** Of the above, what fell due before the day and is unpaid. */
  overdue: { principalFen: Fen; interestFen: Fen; since: BusinessDate | null };
  /** What paying the interest in full that day earns in subsidy: the subsidisable part, split by who pays it. */
  subsidy: { subsidisableInterestFen: Fen; centralFen: Fen; localFen: Fen };
}

export function payoffQuote(s: LoanState, on: BusinessDate): PayoffQuote {
  const account = repayableAccount(s, on);
  const settled = settleAccrualOn(account, on);
  const interest = unpaid(settled.interestDues);
  const overdue = overdueOn(account, on);
  const subsidisable = subsidisablePart(settled, interest, on);
  const subsidy = subsidyOn(subsidisable, s);
  return {
    loanId: s.application!.loanId,
    quotedFor: on,
    principalFen: settled.outstanding,
    interestFen: interest,
    totalFen: add(settled.outstanding, interest),
    overdue: { principalFen: overdue.principal, interestFen: overdue.interest, since: overdue.since ?? null },
    subsidy: { subsidisableInterestFen: subsidisable, centralFen: subsidy.central, localFen: subsidy.local },
  };
}

export interface ScheduleLine {
  dueDate: BusinessDate;
  principalFen: Fen;
  interestFen: Fen;
  paidPrincipalFen: Fen;
  paidInterestFen: Fen;
  /** `paid`; `overdue` (due before the day, unpaid); `due` (from the day on, its amount known); `projected` (interest still accruing). */
  state: 'paid' | 'overdue' | 'due' | 'projected';
}

/**
 * A loan's repayment schedule as it stands on a day: what fell due and what was paid, and what will fall due
 * if everything is paid on its date from then on (interest reckoned on the principal the plan leaves).
 */
export function repaymentSchedule(s: LoanState, on: BusinessDate): ScheduleLine[] {
  let a = advance(repayableAccount(s, on), on);
  const lines = new Map<BusinessDate, ScheduleLine>();
  const line = (d: Due, principal: boolean, state?: ScheduleLine['state']) => {
    const l = lines.get(d.dueDate) ?? {
      dueDate: d.dueDate,
      principalFen: ZERO,
      interestFen: ZERO,
      paidPrincipalFen: ZERO,
      paidInterestFen: ZERO,
      state: 'paid' as const,
    };
    if (principal) [l.principalFen, l.paidPrincipalFen] = [add(l.principalFen, d.amount), add(l.paidPrincipalFen, d.paid)];
    else [l.interestFen, l.paidInterestFen] = [add(l.interestFen, d.amount), add(l.paidInterestFen, d.paid)];
    l.state = state ?? (d.paid >= d.amount && l.state === 'paid' ? 'paid' : d.dueDate < on ? 'overdue' : 'due');
    lines.set(d.dueDate, l);
  };
  for (const d of a.principalDues.filter((x) => x.dueDate < on)) line(d, true);
  for (const d of a.interestDues) line(d, false);
  // From the day on: each settlement and instalment reckoned, then everything owed paid on it. Past maturity,
  // the interest still accruing falls due at the next settlement.
  const ahead = [...settlementDatesBetween(on, a.maturity), ...a.principalDues.map((d) => d.dueDate), a.maturity]
    .filter((d, i, all) => d >= on && all.indexOf(d) === i)
    .sort();
  if (on > a.maturity) ahead.push(nextSettlement(a, on));
  for (const day of ahead) {
    const before = a.interestDues.length;
    a = settleAccrualOn(a, day);
    for (const d of a.principalDues.filter((x) => x.dueDate === day)) line(d, true);
    for (const d of a.interestDues.slice(before).filter((x) => x.dueDate === day)) line(d, false, 'projected');
    a = applyRepayment(a, unpaid(a.principalDues.filter((x) => x.dueDate <= day)), unpaid(a.interestDues), day);
  }
  return [...lines.values()].sort((x, y) => (x.dueDate < y.dueDate ? -1 : 1));
}

function repayableAccount(s: LoanState, on: BusinessDate): LoanAccount {
  ensure(s.status === 'disbursed', () =>
    broken('LOAN.NOT_REPAYABLE', `The loan is ${s.status}; only a disbursed loan that is not yet repaid has a payoff figure.`),
  );
  ensure(on >= s.disbursement!.disbursedOn, () =>
    invalid('LOAN.DATE_BEFORE_DISBURSEMENT', `The loan was paid out on ${s.disbursement!.disbursedOn}; ask for a day on or after it.`),
  );
  // A repayment moves the account on to its day (the day after, on a settlement day): a day before it cannot be reckoned.
  ensure(addDays(on, 1) >= s.account!.accruedFrom, () =>
    invalid('LOAN.DATE_BEFORE_LAST_REPAYMENT', 'A repayment was recorded after that day; ask for the day of the last repayment or later.'),
  );
  return s.account!;
}

/** Subsidy on interest paid within the term while not overdue; enterprises only on the first 2 million of principal. */
export function subsidyOn(interest: Fen, s: LoanState): { central: Fen; local: Fen } {
  const terms = s.disbursement!.subsidy;
  if (terms.scheme === 'none' || interest === 0) return { central: ZERO, local: ZERO };
  const principal = s.disbursement!.amount;
  const eligible =
    terms.principalCap && principal > terms.principalCap
      ? fen(Number((BigInt(interest) * BigInt(terms.principalCap)) / BigInt(principal)))
      : interest;
  const central = min(applyRate(eligible, terms.centralShare), eligible);
  return { central, local: sub(eligible, central) };
}
