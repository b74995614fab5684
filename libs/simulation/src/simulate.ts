import {
  Actor,
  BusinessDate,
  DomainError,
  Fen,
  LoanState,
  Quarter,
  SYSTEM_ACTOR,
  addDays,
  fen,
  loanDecider,
  loanStream,
  quarterEnd,
  quarterOf,
} from '@app/domain';
import { CommandEnvelope, Handled } from '@app/event-store';
import { OpenLoans, Programme, runDayEnd } from '@app/programme';
import { calibrate } from './calibrate';
import { Calendar } from './calendar';
import { RISK_CLEARED, applicationOf, assignGuarantors, delaySomeSteps, disbursementOf, guaranteeOf } from './commands';
import { LoanFacts, dryRun } from './dry-run';
import { planFunds } from './funds';
import { LoanWorld, live } from './life';
import { Plan, PlannedLoan, Rules, planProgramme } from './plan';
import { Profile } from './profile';

export interface SimulationReport {
  commands: number;
  refused: Record<string, number>;
  loans: number;
  lastDate: string;
  /** What the day-end runs recorded: loans marked overdue, steps past their deadline, applications flagged. */
  dayEnd: { markedOverdue: number; stepsPastDeadline: number; riskFlagged: number };
}
export interface SimulationProgress {
  onStep?: (step: string) => void;
  onDay?: (date: string, report: SimulationReport) => void;
}

/**
 * Generates a programme's history through the domain's commands — every rule applies, nothing is written
 * around the deciders. The plan is drawn first (and calibrated, if the profile says so); then each loan
 * lives its planned life, day by day, alongside the others. Deterministic for a seed.
 */
export async function simulate(
  programme: Programme,
  profile: Profile,
  seed: number,
  progress: SimulationProgress = {},
): Promise<SimulationReport> {
  const rules = programme.handler.rules;
  progress.onStep?.('plan');
  const plan = planProgramme(profile, seed, rules);
  assignGuarantors(plan.loans);
  delaySomeSteps(plan.loans);
  if (profile.calibration) await calibrate(plan, rules, progress.onStep);
  else planFunds(plan, await factsOf(plan, rules), plan.end);
  progress.onStep?.('history');
  return runPlan(programme, plan, progress.onDay);
}

async function factsOf(plan: Plan, rules: Rules): Promise<Map<string, LoanFacts>> {
  const facts = new Map<string, LoanFacts>();
  for (const l of plan.loans) facts.set(l.id, await dryRun(l, rules, plan.profile.guaranteeFeeRateBp, plan.end, plan.end));
  return facts;
}

/**
 * Who handles a loan in the simulation, so that the performance assessment has staff to tell apart: one of
 * its centre's three loan officers (the same one for the whole loan), and its bank branch's clerk.
 */
const officerOf = (l: PlannedLoan): Actor => {
  let n = 0;
  for (let i = 0; i < l.id.length; i++) n = (n * 31 + l.id.charCodeAt(i)) % 3;
  return { userId: `${l.centre}-officer-${n + 1}`, role: 'centre_clerk', organisationId: l.centre };
};
const clerkOf = (l: PlannedLoan): Actor => ({ userId: `${l.branch}-clerk`, role: 'bank_clerk', organisationId: l.branch });

/**
 * Runs a plan: each morning the finance and target work of the day, then every loan with something to do, and
 * at the end of the day the day-end run over the loans with something due or past a deadline.
 */
async function runPlan(programme: Programme, plan: Plan, onDay?: SimulationProgress['onDay']): Promise<SimulationReport> {
  const report: SimulationReport = {
    commands: 0,
    refused: {},
    loans: plan.loans.length,
    lastDate: '',
    dayEnd: { markedOverdue: 0, stepsPastDeadline: 0, riskFlagged: 0 },
  };
  // The simulation is the store's only writer: the day-end's lists learn what it records as it records it.
  const openLoans = OpenLoans.forSoleWriter(programme.handler.store);
  programme.tellAlso(openLoans);
  const calendar = new Calendar(plan.end);
  const subsidies = new SubsidyBook();
  const env = (commandId: string, on: string, actor: Actor = SYSTEM_ACTOR): CommandEnvelope => ({
    commandId,
    actor,
    businessDate: on as BusinessDate,
  });
  const run = async (what: () => Promise<Handled<unknown>>): Promise<Handled<unknown> | undefined> => {
    report.commands++;
    try {
      return await what();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      report.refused[error.code] = (report.refused[error.code] ?? 0) + 1;
      return undefined;
    }
  };
  const onLoan = async (what: () => Promise<Handled<LoanState>>) => (await run(what))?.state as LoanState | undefined;
  const p = programme;
  const world: LoanWorld = {
    until: (date) => calendar.until(date),
    state: async (l) => (await p.handler.peek(loanStream(l.id), loanDecider)).state,
    apply: (l, on) => onLoan(() => p.applyForLoan(applicationOf(l), env(`sim:${l.id}:apply`, on, officerOf(l)))),
    grantSecondSupport: (l, on) =>
      onLoan(() => p.grantSecondSupport(l.id, l.secondSupportJobs!, env(`sim:${l.id}:second-support`, on, officerOf(l)))),
    reviewRisk: (l, on) => onLoan(() => p.reviewRisk(l.id, RISK_CLEARED, env(`sim:${l.id}:risk-review`, on, officerOf(l)))),
    guarantee: (l, on) =>
      onLoan(() => p.issueGuarantee(l.id, guaranteeOf(l, plan.profile.guaranteeFeeRateBp), env(`sim:${l.id}:guarantee`, on, officerOf(l)))),
    disburse: (l, on) =>
      onLoan(() =>
        p.disburse(l.id, disbursementOf(l, p.handler.context(on as BusinessDate).policy, on), env(`sim:${l.id}:disburse`, on, clerkOf(l))),
      ),
    repay: async (l, principal, interest, on) => {
      const done = await run(() =>
        p.repay(l.id, { principal, interest, borrowerFees: fen(0) }, env(`sim:${l.id}:repay:${on}`, on, clerkOf(l))),
      );
      for (const e of done?.appended ?? [])
        if (e.type === 'Repaid') subsidies.add(l, on, e.data as { subsidyCentral: number; subsidyLocal: number });
      return done?.state as LoanState | undefined;
    },
    compensate: (l, on) => onLoan(() => p.payCompensation(l.id, env(`sim:${l.id}:compensate`, on))),
    recover: (l, amount, on) =>
      onLoan(() => p.collectRecovery(l.id, { amount, source: 'counter_guarantor' }, env(`sim:${l.id}:recover`, on))),
    writeOff: (l, on) => onLoan(() => p.writeOff(l.id, { approvalRef: `WO-${l.id}` }, env(`sim:${l.id}:write-off`, on))),
  };

  const morning = new Map<string, Array<() => Promise<unknown>>>();
  const at = (date: string, job: () => Promise<unknown>) => morning.set(date, [...(morning.get(date) ?? []), job]);
  for (const t of plan.targets)
    at(t.date, () =>
      run(() =>
        p.setAnnualTarget(
          t.regionCode,
          t.year,
          { loans: t.loans, amount: fen(t.amount) },
          env(`sim:target:${t.regionCode}:${t.year}`, t.date),
        ),
      ),
    );
  for (const [i, c] of plan.contributions.entries()) {
    at(c.date, () =>
      run(() => p.contribute(c.fundId, { source: c.source, amount: fen(c.amount), reference: c.reference }, env(`sim:fund:${i}`, c.date))),
    );
  }
  for (let q = quarterOf(plan.start as BusinessDate); quarterEnd(q) <= plan.end; q = quarterOf(addDays(quarterEnd(q), 1))) {
    const claimOn = addDays(quarterEnd(q), 5);
    const quarter = q;
    at(claimOn, async () => {
      for (const claim of subsidies.claims(quarter)) {
        const claimId = `${claim.bankCode}-${quarter}`;
        if (!(await run(() => p.claimSubsidy({ claimId, ...claim, quarter }, env(`sim:claim:${claimId}`, claimOn))))) continue;
        const payOn = addDays(claimOn, 30);
        const [central, local] = [claim.items.reduce((s, i) => s + i.central, 0), claim.items.reduce((s, i) => s + i.local, 0)];
        at(payOn, () =>
          run(() =>
            p.paySubsidy(claim.bankCode, quarter, { claimId, central: fen(central), local: fen(local) }, env(`sim:pay:${claimId}`, payOn)),
          ),
        );
      }
    });
  }

  // A loan's life starts on the day it is applied for, so only the lives under way are held at once.
  const applying = new Map<string, PlannedLoan[]>();
  for (const loan of plan.loans) {
    const that = applying.get(loan.applyOn);
    if (that) that.push(loan);
    else applying.set(loan.applyOn, [loan]);
  }
  for (let day = plan.start; day <= plan.end; day = addDays(day as BusinessDate, 1)) {
    for (const loan of applying.get(day) ?? []) calendar.spawn(() => live(loan, world));
    applying.delete(day);
    calendar.begin(day);
    for (let i = 0; i < (morning.get(day)?.length ?? 0); i++) await morning.get(day)![i]();
    await calendar.runDay();
    // The day's work done, the day-end run, as the API runs it every day for the day just ended.
    const dayEnd = await runDayEnd(p, openLoans, day as BusinessDate);
    report.dayEnd.markedOverdue += dayEnd.markedOverdue;
    report.dayEnd.stepsPastDeadline += dayEnd.stepsPastDeadline;
    report.dayEnd.riskFlagged += dayEnd.riskFlagged;
    report.lastDate = day;
    onDay?.(day, report);
  }
  return report;
}

/** Subsidy due per bank and quarter, per loan, as the banks will claim it. */
class SubsidyBook {
  private readonly due = new Map<string, Map<string, { central: number; local: number }>>();

  add(loan: PlannedLoan, on: string, repaid: { subsidyCentral: number; subsidyLocal: number }) {
    if (repaid.subsidyCentral + repaid.subsidyLocal === 0) return;
    const key = `${loan.branch.split('-')[0]}|${quarterOf(on as BusinessDate)}`;
    const byLoan = this.due.get(key) ?? new Map();
    const before = byLoan.get(loan.id) ?? { central: 0, local: 0 };
    byLoan.set(loan.id, { central: before.central + repaid.subsidyCentral, local: before.local + repaid.subsidyLocal });
    this.due.set(key, byLoan);
  }

  claims(quarter: Quarter): Array<{ bankCode: string; items: Array<{ loanId: string; central: Fen; local: Fen }> }> {
    const out = [];
    for (const [key, byLoan] of [...this.due].sort(([a], [b]) => a.localeCompare(b))) {
      const [bankCode, q] = key.split('|');
      if (q !== quarter) continue;
      out.push({ bankCode, items: [...byLoan].map(([loanId, d]) => ({ loanId, central: fen(d.central), local: fen(d.local) })) });
      this.due.delete(key);
    }
    return out;
  }
}
