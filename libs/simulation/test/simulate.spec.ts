import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, addDays, stepLimits } from '@app/domain';
import { CommandHandler, RecordedEvent, SqliteEventStore } from '@app/event-store';
import { Programme, RiskRegister } from '@app/programme';
import { MemoryTx, buildBulletin, bulletin, bulletinFactsFrom, toProjected } from '@app/projections';
import { SMALL, simulate } from '../src';

const reference = new ReferenceData(JIANGXI_REFERENCE);

async function run(seed: number) {
  const store = new SqliteEventStore({ path: ':memory:' });
  const programme = new Programme(
    new CommandHandler(store, { policies: JIANGXI_POLICIES, reference }),
    undefined,
    RiskRegister.forSoleWriter(store),
  );
  const report = await simulate(programme, SMALL, seed);
  const events = await store.readAll();
  await store.close();
  return { report, events };
}

/** The province's figures at the end of a month, computed straight from the events, independently of the projections. */
function byHand(events: RecordedEvent[], month: string) {
  const end = `${month}-31`;
  const on = (e: RecordedEvent) => (e.metadata as { businessDate: string }).businessDate;
  const loans = new Map<
    string,
    { persons: number; disbursed: number; repaid: number; maturity?: string; outstanding: number; overdue: number }
  >();
  let compensation = 0;
  let subsidy = 0;
  for (const e of events) {
    if (on(e) > end) continue;
    const d = e.data as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- every event type is read here
    const loan = loans.get(d.loanId);
    if (e.type === 'LoanApplied') loans.set(d.loanId, { persons: d.personsSupported, disbursed: 0, repaid: 0, outstanding: 0, overdue: 0 });
    if (e.type === 'Disbursed') Object.assign(loan!, { disbursed: d.amount, outstanding: d.amount, maturity: d.maturityDate });
    if (e.type === 'LoanExtended') loan!.maturity = d.newMaturity;
    if (e.type === 'Repaid') {
      loan!.repaid += d.principal;
      loan!.outstanding -= d.principal;
      loan!.overdue = Math.max(0, loan!.overdue - d.principal);
      subsidy += d.subsidyCentral + d.subsidyLocal;
    }
    if (e.type === 'Overdue') loan!.overdue = d.overduePrincipal;
    if (e.type === 'LoanSettled') loan!.overdue = 0;
    if (e.type === 'CompensationPaid') {
      compensation += d.amount;
      loan!.outstanding = 0;
      loan!.overdue = 0;
    }
  }
  const all = [...loans.values()].filter((l) => l.disbursed > 0);
  const matured = all.filter((l) => l.maturity! <= end);
  return {
    loans: all.length,
    amount: sum(all, (l) => l.disbursed),
    persons: sum(all, (l) => l.persons),
    outstanding: sum(all, (l) => l.outstanding),
    overdue: sum(all, (l) => l.overdue),
    compensation,
    subsidy,
    maturedDisbursed: sum(matured, (l) => l.disbursed),
    maturedRepaid: sum(matured, (l) => l.repaid),
  };
}
const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

describe('simulating a programme through the commands', () => {
  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    first = await run(7);
  }, 120_000);

  it('is deterministic for a seed', async () => {
    const again = await run(7);
    expect(again.events.map((e) => [e.id, e.type, JSON.stringify(e.data)])).toEqual(
      first.events.map((e) => [e.id, e.type, JSON.stringify(e.data)]),
    );
    expect(again.report).toEqual(first.report);
  }, 120_000);

  it("goes through every part of a loan's life", () => {
    const types = new Set(first.events.map((e) => e.type));
    for (const t of [
      'LoanApplied',
      'GuaranteeIssued',
      'Disbursed',
      'Repaid',
      'Overdue',
      'LoanSettled',
      'SecondSupportGranted',
      'CompensationPaid',
      'GuaranteeFundContributed',
      'InterestSubsidyClaimed',
      'InterestSubsidyPaid',
      'AnnualTargetSet',
    ])
      expect(types).toContain(t);
    expect(first.report.loans).toBeGreaterThan(100);
  });

  it("has each loan handled by one of its centre's officers and by its bank branch's clerk, for the assessment", () => {
    const applied = new Map<string, { centreId: string; branchId: string }>();
    const officers = new Set<string>();
    for (const e of first.events) {
      const d = e.data as { loanId: string; centreId: string; branchId: string };
      const actor = (e.metadata as { actor: { userId: string; role: string; organisationId: string } }).actor;
      if (e.type === 'LoanApplied') applied.set(d.loanId, d);
      const loan = applied.get(d.loanId);
      if (e.type === 'GuaranteeIssued') {
        expect(actor).toMatchObject({ role: 'centre_clerk', organisationId: loan!.centreId });
        expect(actor.userId).toMatch(new RegExp(`^${loan!.centreId}-officer-[123]$`));
        officers.add(actor.userId);
      }
      if (e.type === 'Disbursed')
        expect(actor).toEqual({ userId: `${loan!.branchId}-clerk`, role: 'bank_clerk', organisationId: loan!.branchId });
    }
    const centres = new Set([...applied.values()].map((l) => l.centreId));
    expect(officers.size).toBeGreaterThan(centres.size);
  });

  it("flags a guarantor behind another open loan, and has the loan's officer clear it before the guarantee", () => {
    const openByGuarantor = new Map<string, Set<string>>();
    const guarantorOf = new Map<string, string>();
    const flagged = new Set<string>();
    let reviewedBeforeGuarantee = 0;
    for (const e of first.events) {
      const d = e.data as { loanId: string; guarantorId?: string; findings: Array<{ reason: string; loanIds: string[] }> };
      const open = d.guarantorId ? (openByGuarantor.get(d.guarantorId) ?? new Set()) : undefined;
      if (e.type === 'LoanApplied' && open) {
        // What the register must have known: the guarantor's other loans still open when this one was applied for.
        const expected = [...open].sort();
        const next = first.events.find((x) => x.streamName === e.streamName && x.revision === e.revision + 1n);
        if (expected.length)
          expect(next).toMatchObject({
            type: 'RiskFlagged',
            data: { foundBy: 'application', findings: [{ reason: 'guarantor_over_limit', loanIds: expected }] },
          });
        else expect(next).not.toMatchObject({ type: 'RiskFlagged', data: { foundBy: 'application' } });
        openByGuarantor.set(d.guarantorId!, open.add(d.loanId));
        guarantorOf.set(d.loanId, d.guarantorId!);
      }
      if (['LoanApplicationRejected', 'LoanSettled', 'CompensationPaid'].includes(e.type))
        openByGuarantor.get(guarantorOf.get(d.loanId) ?? '')?.delete(d.loanId);
      if (e.type === 'RiskFlagged') flagged.add(d.loanId);
      if (e.type === 'RiskReviewed') flagged.delete(d.loanId);
      if (e.type === 'GuaranteeIssued') expect(flagged.has(d.loanId)).toBe(false);
      if (e.type === 'RiskReviewed') reviewedBeforeGuarantee++;
    }
    expect(reviewedBeforeGuarantee).toBeGreaterThan(0);
    expect(first.report.refused).toEqual({});
  });

  it('builds a bulletin that matches figures computed independently from its events', async () => {
    const tx = await MemoryTx.fold(bulletin, first.events.map(toProjected));
    for (const month of ['2010-12', '2011-06', '2011-12']) {
      const province = buildBulletin(bulletinFactsFrom(tx, month), reference, month).find((r) => r.level === 'province')!;
      const expected = byHand(first.events, month);
      expect({
        loans: province.disbursed.cumulative.loans,
        amount: province.disbursed.cumulative.amount,
        persons: province.disbursed.cumulative.persons,
        outstanding: province.outstanding,
        overdue: province.overduePrincipal,
        compensation: province.compensation.paid.cumulative,
        subsidy: province.subsidy.central.cumulative + province.subsidy.local.cumulative,
        maturedDisbursed: province.matured.disbursed,
        maturedRepaid: province.matured.repaid,
      }).toEqual(expected);
    }
  });

  it('runs the day-end every day: at each month end the overdue principal is what the repayment schedules say', async () => {
    expect(first.report.dayEnd.markedOverdue).toBeGreaterThan(0);
    const tx = await MemoryTx.fold(bulletin, first.events.map(toProjected));
    const on = (e: RecordedEvent) => (e.metadata as { businessDate: string }).businessDate;
    const months = [...new Set(first.events.map((e) => on(e).slice(0, 7)))].sort();
    let overdueMonths = 0;
    for (const month of months) {
      const end = lastDayOf(month);
      // Principal fallen due before the last day and not repaid (instalments are paid oldest first), per running loan.
      const loans = new Map<string, { dues: Array<{ dueDate: string; principal: number }>; repaid: number; closed: boolean }>();
      for (const e of first.events) {
        if (on(e) > end) break;
        const d = e.data as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- loan events of several types
        if (e.type === 'Disbursed') loans.set(d.loanId, { dues: d.plan, repaid: 0, closed: false });
        if (e.type === 'Repaid') loans.get(d.loanId)!.repaid += d.principal;
        if (e.type === 'LoanSettled' || e.type === 'CompensationPaid') loans.get(d.loanId)!.closed = true;
      }
      const fromSchedules = sum([...loans.values()], (l) =>
        l.closed
          ? 0
          : Math.max(
              0,
              sum(
                l.dues.filter((x) => x.dueDate < end),
                (x) => x.principal,
              ) - l.repaid,
            ),
      );
      const province = buildBulletin(bulletinFactsFrom(tx, month), reference, month).find((r) => r.level === 'province')!;
      expect({ month, overdue: province.overduePrincipal }).toEqual({ month, overdue: fromSchedules });
      if (fromSchedules > 0) overdueMonths++;
    }
    expect(overdueMonths).toBeGreaterThan(3);
  });

  it('records each step past its deadline on the first day-end after it, and only those', () => {
    const limits = stepLimits(JIANGXI_POLICIES[0]);
    const on = (e: RecordedEvent) => (e.metadata as { businessDate: string }).businessDate as BusinessDate;
    const steps = new Map<string, { step: string; since: BusinessDate; days: number; doneOn?: BusinessDate }>();
    const found: string[] = [];
    for (const e of first.events) {
      const d = e.data as { loanId: string; step: string; foundOn: string };
      const step = (name: string) => steps.get(`${d.loanId}:${name}`);
      if (e.type === 'LoanApplied') steps.set(`${d.loanId}:decision`, { step: 'decision', since: on(e), days: limits.decisionDays });
      if (e.type === 'GuaranteeIssued' || e.type === 'LoanApplicationRejected') step('decision')!.doneOn = on(e);
      if (e.type === 'GuaranteeIssued')
        steps.set(`${d.loanId}:disbursement`, { step: 'disbursement', since: on(e), days: limits.disbursementDays });
      if (e.type === 'Disbursed') step('disbursement')!.doneOn = on(e);
      if (e.type === 'StepPastDeadline') found.push(`${d.loanId}:${d.step}:${d.foundOn}`);
    }
    // The day-end of a day runs after its work: a step is late if a day-end after its deadline ran before it was done.
    const expected = [...steps]
      .map(([key, s]) => ({ key, firstLate: addDays(s.since, s.days + 1), doneOn: s.doneOn ?? '9999-12-31' }))
      .filter((s) => s.firstLate < s.doneOn && s.firstLate <= first.report.lastDate)
      .map((s) => `${s.key}:${s.firstLate}`);
    expect(found.sort()).toEqual(expected.sort());
    expect(found.length).toBeGreaterThan(0);
    expect(first.report.dayEnd.stepsPastDeadline).toBe(found.length);
  });
});

const lastDayOf = (month: string) => addDays(`${nextMonth(month)}-01` as BusinessDate, -1);
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};
