import { BusinessDate, FundSource, addMonths } from '@app/domain';
import { LoanFacts } from './dry-run';
import { Plan, PlannedContribution, monthsBetween } from './plan';
import { Random } from './random';

type Change = { on: string; exposure: number; balance: number };

/**
 * Plans the money going into each centre's fund from what its loans will do: on the first of each month,
 * finance tops the fund up so that the month's guarantees stay within the target leverage; each quarter
 * finance pays the guarantee fee in advance and the bank pays deposit interest. Returns the capital (finance's money)
 * put in up to `asOf`.
 */
export function planFunds(plan: Plan, facts: Map<string, LoanFacts>, asOf: string): number {
  const { profile } = plan;
  const rng = new Random(plan.seed + 1);
  const changes = new Map<string, Change[]>();
  const change = (fundId: string, c: Change) => {
    const list = changes.get(fundId);
    if (list) list.push(c);
    else changes.set(fundId, [c]);
  };
  for (const loan of plan.loans) {
    const f = facts.get(loan.id)!;
    if (!f.guaranteed) continue;
    change(loan.centre, { on: loan.guaranteeOn, exposure: loan.amount, balance: 0 });
    if (f.releasedOn) change(loan.centre, { on: f.releasedOn, exposure: -loan.amount, balance: 0 });
    for (const c of f.compensations) change(loan.centre, { on: c.on, exposure: 0, balance: -c.amount });
    for (const r of f.recoveries) change(loan.centre, { on: r.on, exposure: 0, balance: r.amount });
  }

  const contributions: PlannedContribution[] = [];
  const sources: Record<FundSource, number> = {
    county_finance: 5,
    city_finance: 3,
    province_finance: 1,
    central_reward: 1,
    deposit_interest: 0,
    guarantee_fee: 0,
  };
  for (const [fundId, list] of [...changes].sort(([a], [b]) => a.localeCompare(b))) {
    // Within a day, take what raises the need first, so the plan covers the day's order, whatever it is.
    list.sort((a, b) => a.on.localeCompare(b.on) || b.exposure - a.exposure || a.balance - b.balance);
    let exposure = 0;
    let balance = 0;
    let i = 0;
    for (const month of monthsBetween(plan.start.slice(0, 7), plan.end.slice(0, 7))) {
      const next = addMonths(`${month}-01` as BusinessDate, 1);
      let j = i;
      while (j < list.length && list[j].on < next) j++;
      const inMonth = list.slice(i, j);
      i = j;
      if (['01', '04', '07', '10'].includes(month.slice(5)) && exposure > 0) {
        // Finance pays the guarantee fee quarterly in advance, on the guarantees standing at the quarter's start.
        const fee = Math.floor((exposure * profile.guaranteeFeeRateBp) / 40_000);
        if (fee > 0) contributions.push({ date: `${month}-01`, fundId, source: 'guarantee_fee', amount: fee, reference: `fee ${month}` });
        balance += fee;
      }
      // The most the month's guarantees and compensation will ask of the fund, taken in date order.
      let need = Math.ceil(exposure / profile.targetLeverage) - balance;
      for (let e = exposure, b = balance, k = 0; k < inMonth.length; k++) {
        e += inMonth[k].exposure;
        b += inMonth[k].balance;
        need = Math.max(need, Math.ceil(e / profile.targetLeverage) - b);
      }
      if (need > 0) {
        const amount = Math.ceil(need / 100_000) * 100_000;
        contributions.push({ date: `${month}-01`, fundId, source: rng.pick(sources), amount, reference: `top-up ${month}` });
        balance += amount;
      }
      for (const c of inMonth) {
        exposure += c.exposure;
        balance += c.balance;
      }
      if (['03', '06', '09', '12'].includes(month.slice(5)) && balance > 0) {
        // The bank pays deposit interest quarterly, on the 21st of the quarter's last month.
        const interest = Math.floor((balance * profile.depositRateBp) / 40_000);
        if (interest > 0)
          contributions.push({ date: `${month}-21`, fundId, source: 'deposit_interest', amount: interest, reference: `interest ${month}` });
        balance += interest;
      }
    }
  }
  plan.contributions = contributions.sort((a, b) => a.date.localeCompare(b.date) || a.fundId.localeCompare(b.fundId));
  return capitalBy(plan, asOf);
}

export const isCapital = (c: PlannedContribution) => c.source !== 'deposit_interest' && c.source !== 'guarantee_fee';
export const capitalBy = (plan: Plan, asOf: string) =>
  plan.contributions.filter((c) => isCapital(c) && c.date <= asOf).reduce((s, c) => s + c.amount, 0);
