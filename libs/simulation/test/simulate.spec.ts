import { JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
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
          expect(next).toMatchObject({ type: 'RiskFlagged', data: { findings: [{ reason: 'guarantor_over_limit', loanIds: expected }] } });
        else expect(next?.type).not.toBe('RiskFlagged');
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
});
