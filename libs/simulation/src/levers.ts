import { BorrowerCategory } from '@app/domain';
import { capitalBy, isCapital } from './funds';
import { Plan, PlannedLoan } from './plan';
import type { ProvinceFigures } from './calibrate';

/** The calibrated categories: the ones the source gives figures for. */
export const CALIBRATED: BorrowerCategory[] = ['returning_migrant_worker', 'college_graduate', 'woman'];
export const sum = (loans: PlannedLoan[], f: (l: PlannedLoan) => number) => loans.reduce((s, l) => s + f(l), 0);

/** Moves a figure by `gap`, changing each loan's value a little in turn (in steps of `unit`, within its range). */
export function spread(
  loans: PlannedLoan[],
  gap: number,
  unit: number,
  range: (l: PlannedLoan) => [number, number],
  get: (l: PlannedLoan) => number,
  set: (l: PlannedLoan, v: number) => void,
  what: string,
) {
  for (let pass = 0; gap !== 0 && pass < 1_000; pass++) {
    const step = Math.max(unit, Math.floor(Math.abs(gap) / Math.max(1, loans.length) / unit) * unit) * Math.sign(gap);
    let moved = false;
    for (const l of loans) {
      const [low, high] = range(l);
      const value = Math.min(high, Math.max(low, get(l) + (Math.abs(step) > Math.abs(gap) ? gap : step)));
      if (value === get(l)) continue;
      gap -= value - get(l);
      set(l, value);
      moved = true;
      if (gap === 0) return;
    }
    if (!moved) break;
  }
  if (gap !== 0) throw new Error(`calibration: cannot reach ${what}: ${gap} left over`);
}

/**
 * Tags borrowers with the calibrated categories so that each category has exactly its people and about
 * its amount: every calibrated tag is drawn afresh, on loans chosen so that the amount per person tracks
 * the category's; the exact people come from one-person loans at the end.
 */
export function chooseCategories(
  plan: Plan,
  counted: PlannedLoan[],
  target: ProvinceFigures,
  shuffled: (loans: PlannedLoan[]) => PlannedLoan[],
) {
  const others = (Object.keys(plan.profile.categories) as BorrowerCategory[]).filter((c) => !CALIBRATED.includes(c));
  for (const l of plan.loans) {
    if (l.categories.some((c) => CALIBRATED.includes(c))) l.categories = [others[l.persons % others.length]];
  }
  const free = new Set(shuffled(counted));
  for (const [category, goal] of Object.entries(target.categories)) {
    const perPerson = goal.amount / goal.persons;
    let persons = 0;
    let amount = 0;
    for (const l of free) {
      if (persons + l.persons > goal.persons) continue;
      const drift = amount - persons * perPerson;
      // Take a loan when it brings the amount per person back towards the category's.
      if ((drift > 0 && l.amount > l.persons * perPerson) || (drift < 0 && l.amount < l.persons * perPerson * 0.8)) continue;
      l.categories = [category as BorrowerCategory];
      free.delete(l);
      persons += l.persons;
      amount += l.amount;
      if (persons === goal.persons) break;
    }
    if (persons !== goal.persons)
      throw new Error(`calibration: cannot reach the people supported for ${category}, ${goal.persons - persons} short`);
  }
}

/** Credit-community recommendations (no counter-guarantee) on loans adding up to the target. */
export function chooseCreditCommunities(loans: PlannedLoan[], target: number) {
  let total = sum(
    loans.filter((l) => l.counterGuarantee.mode === 'credit_community'),
    (l) => l.amount,
  );
  for (const l of loans) {
    if (l.counterGuarantee.mode === 'credit_community' && total > target) {
      l.counterGuarantee = { mode: 'third_party_guarantor' };
      total -= l.amount;
    } else if (l.counterGuarantee.mode !== 'credit_community' && total + l.amount <= target && l.kind === 'individual') {
      l.counterGuarantee = { mode: 'credit_community', creditCommunityId: `CC-${l.county}-01` };
      total += l.amount;
    }
  }
}

/** Raises every capital contribution by the same factor so that the capital raised by `asOf` is exactly the target. */
export function scaleCapital(plan: Plan, asOf: string, target: number) {
  const before = capitalBy(plan, asOf);
  const capital = plan.contributions.filter((x) => isCapital(x) && x.date <= asOf);
  // Never below what the plan needs: each grows by its share of the difference, in whole thousands of yuan.
  for (const x of capital) x.amount += Math.floor((x.amount * (target - before)) / before / 100_000) * 100_000;
  capital[capital.length - 1].amount += target - capitalBy(plan, asOf);
}
