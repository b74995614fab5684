import {
  BusinessDate, DomainError, Fen, LoanKind, Quarter, RepaymentMethod, SYSTEM_ACTOR, addDays, addMonths, benchmarkRate, bp, fen, fundDecider, fundStream,
  loanDecider, loanStream, payoffOn, quarterEnd, quarterOf, settlementDatesBetween, yuan,
} from '@app/domain';
import { CommandEnvelope } from '@app/event-store';
import { Programme } from '@app/programme';
import { Profile } from './profile';
import { Random } from './random';

export interface SimulationReport { commands: number; refused: Record<string, number>; loans: number; lastDate: string }
type Outcome = 'onTime' | 'late' | 'defaulted';
interface Loan { id: string; person: string; county: string; bank: string; kind: LoanKind; outcome: Outcome; project: string }

/**
 * Generates a programme's history through the domain's commands — every rule applies, nothing is written
 * around the deciders — day by day from an agenda of what each loan does next. Deterministic for a seed.
 */
export async function simulate(programme: Programme, profile: Profile, seed: number, onDay?: (date: string, report: SimulationReport) => void): Promise<SimulationReport> {
  const rng = new Random(seed);
  const handler = programme.handler;
  const agenda = new Map<string, Array<() => Promise<void>>>();
  const at = (date: string, action: () => Promise<void>) => { if (date <= end) agenda.set(date, [...(agenda.get(date) ?? []), action]); };
  const report: SimulationReport = { commands: 0, refused: {}, loans: 0, lastDate: '' };
  const start = `${profile.from}-01`;
  const end = addDays(addMonths(`${profile.to}-01` as BusinessDate, 1), -1); // the last day of the last month
  let n = 0;
  let people = 0;
  const subsidyDue = new Map<string, Map<string, { central: number; local: number }>>(); // bank|quarter → loan → due

  const env = (date: string): CommandEnvelope => ({ commandId: `sim-${seed}-${++n}`, actor: SYSTEM_ACTOR, businessDate: date as BusinessDate });
  const run = async <T>(what: () => Promise<T>): Promise<T | undefined> => {
    report.commands++;
    try {
      return await what();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      report.refused[error.code] = (report.refused[error.code] ?? 0) + 1;
      return undefined;
    }
  };
  const loanState = async (id: string) => (await handler.load(loanStream(id), loanDecider)).state;

  // New loans, month by month, spread over the counties that have started.
  for (let month = profile.from; month <= profile.to; month = nextMonth(month)) {
    const year = Number(month.slice(0, 4));
    const perMonth = (profile.firstYearLoans * profile.yearlyGrowth ** (year - Number(profile.from.slice(0, 4)))) / 12;
    const counties = profile.counties.filter((c) => c.startYear <= year);
    const count = Math.floor(perMonth) + (rng.chance(perMonth % 1) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const county = rng.pick(Object.fromEntries(counties.map((c) => [c.code, c.weight])));
      const kind = rng.pick(profile.kinds);
      const loan: Loan = { id: `${seed}-L${++report.loans}`, person: `${seed}-P${++people}`, county, bank: profile.banks[rng.int(0, profile.banks.length - 1)], kind, outcome: rng.pick(profile.outcomes), project: `project-${people}` };
      at(`${month}-${String(rng.int(1, 28)).padStart(2, '0')}`, () => apply(loan));
    }
  }
  for (let year = Number(profile.from.slice(0, 4)); year <= Number(profile.to.slice(0, 4)); year++) {
    at(`${year}-01-02`, async () => {
      for (const c of profile.counties.filter((x) => x.startYear <= year)) {
        const loans = Math.max(1, Math.round((profile.firstYearLoans * profile.yearlyGrowth ** (year - Number(profile.from.slice(0, 4))) * c.weight) / totalWeight(profile)));
        await run(() => programme.setAnnualTarget(c.code, year, { loans, amount: yuan(loans * 45_000) }, env(`${year}-01-02`)));
      }
    });
    for (const q of [1, 2, 3, 4]) at(addDays(quarterEnd(`${year}-Q${q}` as Quarter), 5), () => claimSubsidies(`${year}-Q${q}` as Quarter, addDays(quarterEnd(`${year}-Q${q}` as Quarter), 5)));
  }

  async function apply(loan: Loan, previousLoanId?: string) {
    const date = today;
    const [min, max] = profile.amounts[loan.kind];
    const amount = yuan(1_000 * rng.int(min / 1_000, max / 1_000));
    const persons = loan.kind === 'partnership' ? rng.int(2, 5) : loan.kind === 'enterprise' ? rng.int(10, 60) : 1;
    const applied = await run(() => programme.applyForLoan({
      loanId: loan.id, borrowerId: loan.person, maskedIdNumber: `${loan.county}********0000`, categories: [rng.pick(profile.categories)], kind: loan.kind,
      project: { name: loan.project, industry: 'trade' }, microProfit: rng.chance(profile.microProfit), amount, termMonths: profile.terms[rng.int(0, profile.terms.length - 1)],
      countyCode: loan.county, centreId: `GC-${loan.county}`, branchId: `${loan.bank}-${loan.county}`, counterGuarantee: { mode: 'third_party_guarantor' },
      personsSupported: persons, jobsPlanned: persons + rng.int(1, 4), previousLoanId,
    }, env(date)));
    if (!applied) return;
    if (previousLoanId) at(addDays(date as BusinessDate, 2), () => grantSecondSupport(loan));
    else at(addDays(date as BusinessDate, rng.int(2, 5)), () => guarantee(loan));
  }

  async function grantSecondSupport(loan: Loan) {
    if (await run(() => programme.grantSecondSupport(loan.id, rng.int(5, 12), env(today)))) at(addDays(today as BusinessDate, 3), () => guarantee(loan));
  }

  async function guarantee(loan: Loan) {
    const state = await loanState(loan.id);
    const amount = state.application!.amount;
    const fundId = `GC-${loan.county}`;
    const fund = (await handler.load(fundStream(fundId), fundDecider)).state;
    const needed = Math.ceil((fund.exposure + amount) / profile.targetLeverage) - fund.balance;
    if (needed > 0) await run(() => programme.contribute(fundId, { source: rng.pick({ county_finance: 6, city_finance: 3, province_finance: 1 }), amount: fen(Math.ceil(needed / 1_000_000) * 1_000_000), reference: 'top-up' }, env(today)));
    if (await run(() => programme.issueGuarantee(loan.id, { guaranteedAmount: amount, feeRate: bp(100), feePaidBy: 'finance' }, env(today)))) {
      at(addDays(today as BusinessDate, rng.int(3, 10)), () => disburse(loan, amount));
    }
  }

  async function disburse(loan: Loan, amount: Fen) {
    const state = await loanState(loan.id);
    const ctx = handler.context(today as BusinessDate);
    const rate = benchmarkRate(ctx.policy, today as BusinessDate, state.application!.termMonths) + (loan.kind === 'enterprise' ? 0 : rng.int(0, 3) * 100);
    const method: RepaymentMethod = rng.chance(profile.equalInstalments) ? 'equal_principal_quarterly' : 'interest_quarterly_principal_at_maturity';
    const done = await run(() => programme.disburse(loan.id, { amount, contractRate: bp(rate), repaymentMethod: method, bankContractNo: `${loan.bank}-${loan.id}`, borrowerFees: fen(0) }, env(today)));
    if (!done) return;
    const account = (await loanState(loan.id)).account!;
    const dues = [...new Set([...settlementDatesBetween(addDays(today as BusinessDate, 1), account.maturity), account.maturity])].sort();
    const stopAt = loan.outcome === 'defaulted' ? rng.int(0, dues.length - 1) : dues.length;
    const lateAt = loan.outcome === 'late' ? rng.int(0, dues.length - 1) : -1;
    dues.forEach((due, i) => {
      if (i >= stopAt) return;
      at(i === lateAt ? addDays(due, rng.int(15, 60)) : due, () => pay(loan));
      if (i === lateAt) at(addDays(due, 1), () => markOverdue(loan));
    });
    if (stopAt < dues.length) {
      at(addDays(dues[stopAt], 1), () => markOverdue(loan));
      at(addDays(dues[stopAt], rng.int(92, 120)), () => compensate(loan));
    }
  }

  async function pay(loan: Loan) {
    const state = await loanState(loan.id);
    if (state.status !== 'disbursed') return;
    const owed = payoffOn(state.account!, today as BusinessDate);
    const principalDue = fen(state.account!.principalDues.filter((d) => d.dueDate <= today).reduce((s, d) => s + d.amount - d.paid, 0));
    const done = await run(() => programme.repay(loan.id, { principal: principalDue, interest: owed.interest, borrowerFees: fen(0) }, env(today)));
    const repaid = done?.appended.find((e) => e.type === 'Repaid')?.data as { subsidyCentral: number; subsidyLocal: number } | undefined;
    if (repaid && repaid.subsidyCentral + repaid.subsidyLocal > 0) {
      const key = `${loan.bank}|${quarterOf(today as BusinessDate)}`;
      const byLoan = subsidyDue.get(key) ?? new Map();
      const before = byLoan.get(loan.id) ?? { central: 0, local: 0 };
      byLoan.set(loan.id, { central: before.central + repaid.subsidyCentral, local: before.local + repaid.subsidyLocal });
      subsidyDue.set(key, byLoan);
    }
    if (done?.state.status === 'settled' && loan.outcome === 'onTime' && loan.kind !== 'second_support' && rng.chance(profile.secondSupport)) {
      const second: Loan = { ...loan, id: `${loan.id}-2`, kind: 'second_support', outcome: rng.pick(profile.outcomes) };
      report.loans++;
      at(addDays(today as BusinessDate, rng.int(30, 90)), () => apply(second, loan.id));
    }
  }

  const markOverdue = (loan: Loan) => run(() => programme.markOverdue(loan.id, { actor: SYSTEM_ACTOR, businessDate: today as BusinessDate })).then(() => undefined);

  async function compensate(loan: Loan) {
    const done = await run(() => programme.payCompensation(loan.id, env(today)));
    if (!done) return;
    const claim = done.state.claim;
    const recovered = fen(Math.floor((claim * profile.recoveredShareOfDefaults * rng.next() * 2) / 100) * 100);
    if (recovered > 0) at(addDays(today as BusinessDate, rng.int(30, 180)), () => run(() => programme.collectRecovery(loan.id, { amount: fen(Math.min(recovered, claim)), source: 'counter_guarantor' }, env(today))).then(() => undefined));
    at(addDays(today as BusinessDate, rng.int(200, 400)), () => run(() => programme.writeOff(loan.id, { approvalRef: `WO-${loan.id}` }, env(today))).then(() => undefined));
  }

  async function claimSubsidies(quarter: Quarter, date: string) {
    for (const [key, byLoan] of subsidyDue) {
      const [bank, q] = key.split('|');
      if (q !== quarter) continue;
      const items = [...byLoan].map(([loanId, d]) => ({ loanId, central: fen(d.central), local: fen(d.local) }));
      const claimId = `${bank}-${quarter}`;
      if (await run(() => programme.claimSubsidy({ claimId, bankCode: bank, quarter, items }, env(date)))) {
        const central = fen(items.reduce((s, i) => s + i.central, 0));
        const local = fen(items.reduce((s, i) => s + i.local, 0));
        at(addDays(date as BusinessDate, 30), () => run(() => programme.paySubsidy(bank, quarter, { claimId, central, local }, env(today))).then(() => undefined));
      }
      subsidyDue.delete(key);
    }
  }

  let today = start;
  for (; today <= end; today = addDays(today as BusinessDate, 1)) {
    const actions = agenda.get(today);
    agenda.delete(today);
    // Actions scheduled for today while today runs are run today too.
    for (let i = 0; actions && i < actions.length; i++) await actions[i]();
    for (let more = agenda.get(today); more; more = agenda.get(today)) {
      agenda.delete(today);
      for (const action of more) await action();
    }
    report.lastDate = today;
    onDay?.(today, report);
  }
  return report;
}

const nextMonth = (m: string) => { const [y, mo] = m.split('-').map(Number); return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`; };
const totalWeight = (p: Profile) => p.counties.reduce((s, c) => s + c.weight, 0);
