import {
  BorrowerState,
  FundState,
  JIANGXI_REFERENCE,
  LoanState,
  ProgrammeEventType,
  ReferenceData,
  SubsidyState,
  TargetState,
  borrowerDecider,
  fundDecider,
  loanDecider,
  subsidyDecider,
  targetDecider,
} from '@app/domain';
import {
  BUSINESS_LEDGER,
  BULLETIN_TARGETS,
  FUNDS,
  JOURNAL,
  MemoryTx,
  PROJECTIONS,
  ProjectedEvent,
  Projection,
  ReadStore,
  Row,
  SUBSIDY_BANK_QUARTERS,
  SUBSIDY_BOOK,
  SUBSIDY_LOAN_QUARTERS,
  TRIAL_BALANCE,
  buildBulletin,
  bulletin,
  bulletinFactsFrom,
  businessLedger,
  decode,
  financialLedger,
  fundLedger,
  loadBulletinFacts,
  subsidyLedger,
} from '../src';

const reference = new ReferenceData(JIANGXI_REFERENCE);

const OPEN = new Set(['guaranteed', 'disbursed']);
const sum = (rows: Row[], f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);

/**
 * Every event type the programme records (the domain's event unions): a new one fails to compile here
 * until it is listed, and then the agreement property fails until its histories produce it.
 */
const EVENT_TYPES: Record<ProgrammeEventType, true> = {
  LoanApplied: true,
  LoanApplicationRejected: true,
  SecondSupportGranted: true,
  GuaranteeIssued: true,
  Disbursed: true,
  Repaid: true,
  Overdue: true,
  LoanExtended: true,
  LoanSettled: true,
  CompensationPaid: true,
  RecoveryCollected: true,
  LoanWrittenOff: true,
  BorrowerLoanOpened: true,
  BorrowerLoanClosed: true,
  GuaranteeFundContributed: true,
  FundExposureReserved: true,
  FundExposureReleased: true,
  FundCompensationCharged: true,
  FundRecoveryCredited: true,
  FundCompensationReversed: true,
  InterestSubsidyClaimed: true,
  InterestSubsidyPaid: true,
  AnnualTargetSet: true,
  HistoryDigestSigned: true,
  BulletinPublished: true,
  BorrowerDataErased: true,
  StepPastDeadline: true,
  RiskFlagged: true,
  RiskReviewed: true,
};
export const ALL_EVENT_TYPES = Object.keys(EVENT_TYPES) as ProgrammeEventType[];

/** Every projection folded in memory over the events, by name: what every read store must hold. */
export type Folded = Map<string, MemoryTx>;
export async function foldAll(events: ProjectedEvent[]): Promise<Folded> {
  return new Map(await Promise.all(PROJECTIONS.map(async (p) => [p.name, await MemoryTx.fold(p, events)] as const)));
}

/**
 * What the four ledgers must agree on, computed from each: every posting balances, every book's trial
 * balance is zero every month, exposure and fund balances match across the business, fund and financial
 * ledgers, and the subsidy ledger matches the subsidy accounts. Returns the disagreements.
 */
export async function disagreements(events: ProjectedEvent[], folded?: Folded): Promise<string[]> {
  const all = folded ?? (await foldAll(events));
  const [business, funds, subsidy, financial] = [businessLedger, fundLedger, subsidyLedger, financialLedger].map((p) => all.get(p.name)!);
  const out: string[] = [];
  const journal = financial.rows(JOURNAL);
  const byEvent = new Map<string, number>();
  for (const l of journal)
    byEvent.set(l.event_id as string, (byEvent.get(l.event_id as string) ?? 0) + (l.debit as number) - (l.credit as number));
  for (const [id, net] of byEvent) if (net !== 0) out.push(`posting of ${id} is off by ${net}`);
  const monthly = new Map<string, number>();
  for (const t of financial.rows(TRIAL_BALANCE))
    monthly.set(`${t.book} ${t.month}`, (monthly.get(`${t.book} ${t.month}`) ?? 0) + (t.debit as number) - (t.credit as number));
  for (const [k, net] of monthly) if (net !== 0) out.push(`trial balance ${k} is off by ${net}`);

  const balance = (book: string, account: string) =>
    sum(
      journal.filter((l) => l.book === book && l.account === account),
      (l) => (l.debit as number) - (l.credit as number),
    );
  const loans = business.rows(BUSINESS_LEDGER);
  for (const f of funds.rows(FUNDS)) {
    const id = f.fund_id as string;
    const exposureInBusiness = sum(
      loans.filter((l) => l.fund_id === id && OPEN.has(l.lifecycle as string)),
      (l) => l.guaranteed_amount as number,
    );
    // Claims written off and kept on file: what the fund paid on those loans and has not recovered.
    const onFile = sum(
      loans.filter((l) => l.fund_id === id && l.lifecycle === 'written_off'),
      (l) => (l.compensation as number) - (l.recovered as number),
    );
    const checks: Array<[string, number, number]> = [
      ['fund balance vs 1001 fund deposits', f.balance as number, balance(id, '1001')],
      ['claims kept on file in the business ledger vs 9101 memorandum', onFile, balance(id, '9101')],
      ['fund exposure vs 9001 memorandum', f.exposure as number, balance(id, '9001')],
      ['fund exposure vs open guarantees in the business ledger', f.exposure as number, exposureInBusiness],
      ['written off vs 3101 losses', f.written_off as number, balance(id, '3101')],
    ];
    for (const [what, a, b] of checks) if (a !== b) out.push(`${id}: ${what}: ${a} ≠ ${b}`);
  }
  const banks = subsidy.rows(SUBSIDY_BANK_QUARTERS);
  const due = sum(banks, (b) => (b.central_due as number) + (b.local_due as number));
  const paid = sum(banks, (b) => (b.central_paid as number) + (b.local_paid as number));
  const dueInBooks = sum(
    journal.filter((l) => l.book === SUBSIDY_BOOK && l.account === '2141'),
    (l) => l.credit as number,
  );
  const paidInBooks = sum(
    journal.filter((l) => l.book === SUBSIDY_BOOK && l.account === '2141'),
    (l) => l.debit as number,
  );
  if (due !== dueInBooks) out.push(`subsidy due ${due} ≠ 2141 credits ${dueInBooks}`);
  if (paid !== paidInBooks) out.push(`subsidy paid ${paid} ≠ 2141 debits ${paidInBooks}`);
  const dueInBusiness = sum(loans, (l) => (l.subsidy_central as number) + (l.subsidy_local as number));
  if (due !== dueInBusiness) out.push(`subsidy due ${due} ≠ business ledger ${dueInBusiness}`);

  // The bulletin's province row at the last month agrees with the ledgers.
  if (events.length === 0) return out;
  const lastMonth = events
    .map((e) => e.businessDate.slice(0, 7))
    .sort()
    .at(-1)!;
  const province = buildBulletin(bulletinFactsFrom(all.get(bulletin.name)!, lastMonth), reference, lastMonth).find(
    (r) => r.level === 'province',
  )!;
  const running = loans.filter((l) => l.lifecycle === 'disbursed');
  const fundRows = funds.rows(FUNDS);
  const bulletinChecks: Array<[string, number, number]> = [
    ['disbursed', province.disbursed.cumulative.amount, sum(loans, (l) => l.disbursed_amount as number)],
    ['outstanding', province.outstanding, sum(running, (l) => l.outstanding_principal as number)],
    ['overdue principal', province.overduePrincipal, sum(running, (l) => l.overdue_principal as number)],
    ['compensation', province.compensation.paid.cumulative, sum(fundRows, (f) => f.compensation_paid as number)],
    ['fund balance', province.fund.balance, sum(fundRows, (f) => f.balance as number)],
    ['guarantees outstanding', province.fund.guaranteesOutstanding, sum(fundRows, (f) => f.exposure as number)],
    ['subsidy', province.subsidy.central.cumulative + province.subsidy.local.cumulative, due],
  ];
  for (const [what, a, b] of bulletinChecks) if (a !== b) out.push(`bulletin ${what} ${a} ≠ ledgers ${b}`);
  return out;
}

type States = {
  loan: Map<string, LoanState>;
  fund: Map<string, FundState>;
  borrower: Map<string, BorrowerState>;
  subsidy: Map<string, SubsidyState>;
  target: Map<string, TargetState>;
};

/** The write model: every stream folded by its own decider, keyed by what follows the category (`loan-L1` → L1). */
function writeModel(events: ProjectedEvent[]): States {
  const deciders = { loan: loanDecider, fund: fundDecider, borrower: borrowerDecider, subsidy: subsidyDecider, target: targetDecider };
  const states: States = { loan: new Map(), fund: new Map(), borrower: new Map(), subsidy: new Map(), target: new Map() };
  for (const e of events) {
    // A month's digest of the history, a bulletin's publication or an erasure is no record of the programme's business.
    if (e.type === 'HistoryDigestSigned' || e.type === 'BulletinPublished' || e.type === 'BorrowerDataErased') continue;
    const category = e.streamName.slice(0, e.streamName.indexOf('-')) as keyof States;
    const id = e.streamName.slice(category.length + 1);
    const decider = deciders[category] as unknown as {
      initialState: () => unknown;
      evolve: (s: unknown, e: { type: string; data: unknown }) => unknown;
    };
    if (!decider) throw new Error(`no decider folds stream ${e.streamName}`);
    const byId = states[category] as Map<string, unknown>;
    byId.set(id, decider.evolve(byId.has(id) ? byId.get(id) : decider.initialState(), { type: e.type, data: e.data }));
  }
  return states;
}

/**
 * The ledgers against the write model (each stream folded by its decider, which the projections do not
 * share): each fund's balance, exposure, open guarantees and compensation; each loan's lifecycle and
 * figures; second support; the one open loan per borrower; subsidy due, claimed and paid; the targets.
 * A projection that mishandles an event type disagrees here even when it does so consistently.
 */
export async function writeModelDisagreements(events: ProjectedEvent[], folded?: Folded): Promise<string[]> {
  const all = folded ?? (await foldAll(events));
  const model = writeModel(events);
  const out: string[] = [];
  const check = (what: string, ledger: unknown, expected: unknown) => {
    if (JSON.stringify(ledger) !== JSON.stringify(expected))
      out.push(`${what}: ledger ${JSON.stringify(ledger)} ≠ write model ${JSON.stringify(expected)}`);
  };

  const funds = all.get(fundLedger.name)!.rows(FUNDS);
  check('funds', funds.map((f) => f.fund_id).sort(), [...model.fund.keys()].sort());
  for (const f of funds) {
    const s = model.fund.get(f.fund_id as string);
    if (!s) continue;
    const compensated = [...s.compensated.values()].reduce((t, c) => t + c.amount, 0);
    check(
      `fund ${f.fund_id}`,
      [f.balance, f.exposure, f.guarantees_open, f.compensation_paid],
      [s.balance, s.exposure, s.reservations.size, compensated],
    );
  }

  const loans = all.get(businessLedger.name)!.rows(BUSINESS_LEDGER);
  check('loans', loans.map((l) => l.loan_id).sort(), [...model.loan.keys()].sort());
  const jobsCreated = new Map(events.filter((e) => e.type === 'SecondSupportGranted').map((e) => [e.data.loanId, e.data.jobsCreated]));
  const risk = riskOf(events);
  for (const l of loans) {
    const s = model.loan.get(l.loan_id as string);
    if (!s) continue;
    const due = Object.values(s.subsidyDue);
    check(`loan ${l.loan_id}`, pick(l, LOAN_FIGURES), {
      lifecycle: s.status,
      fund_id: s.guarantee?.fundId ?? null,
      guaranteed_amount: s.guarantee?.amount ?? 0,
      disbursed_amount: s.disbursement?.amount ?? 0,
      outstanding_principal: s.account?.outstanding ?? 0,
      interest_paid: (s.account?.interestDues ?? []).reduce((t, d) => t + d.paid, 0),
      maturity_date: s.account?.maturity ?? null,
      extended: s.extended,
      ever_overdue: s.everOverdue,
      // What the day-end last marked less what was paid since; nothing once the loan is repaid in full.
      overdue_principal: s.status === 'settled' ? 0 : s.marked.principal,
      overdue_interest: s.status === 'settled' ? 0 : s.marked.interest,
      compensation: s.claim,
      recovered: s.recovered,
      written_off: s.writtenOff,
      jobs_created: s.secondSupportGranted ? (jobsCreated.get(l.loan_id) ?? 'missing') : null,
      subsidy_central: due.reduce((t, d) => t + d.central, 0),
      subsidy_local: due.reduce((t, d) => t + d.local, 0),
      risk_status: risk.get(l.loan_id as string)?.status ?? null,
      risk_reasons: [...(risk.get(l.loan_id as string)?.reasons ?? [])].sort(),
      risk_flagged_on: risk.get(l.loan_id as string)?.flaggedOn ?? null,
    });
    // The guarantee waits for a review exactly while the ledger lists the loan as pending.
    check(`loan ${l.loan_id} waits for a risk review`, l.risk_status === 'pending', s.risk.pending);
  }

  // One open loan per person: the borrower streams and the ledger name the same open loans.
  const openInLedger = loans
    .filter((l) => ['applied', 'guaranteed', 'disbursed', 'compensated'].includes(l.lifecycle as string))
    .map((l) => `${l.borrower_id}:${l.loan_id}`)
    .sort();
  const openInModel = [...model.borrower]
    .filter(([, b]) => b.openLoanId)
    .map(([id, b]) => `${id}:${b.openLoanId}`)
    .sort();
  check('open loan per borrower', openInLedger, openInModel);

  // Subsidy due by loan and quarter (the loans), claimed by loan and quarter and per bank (the claims), paid per bank.
  const subsidy = all.get(subsidyLedger.name)!;
  const claimed = new Map<string, { central: number; local: number }>();
  const byBank = new Map<string, number[]>();
  for (const c of model.subsidy.values()) {
    const key = `${c.bankCode} ${c.quarter}`;
    for (const [loanId, x] of Object.entries(c.claimedByLoan)) claimed.set(`${loanId} ${c.quarter}`, x);
    const totals = byBank.get(key) ?? [0, 0, 0, 0, 0];
    for (const claim of Object.values(c.claims)) {
      totals[0] += claim.central;
      totals[1] += claim.local;
      totals[2] += claim.paidCentral;
      totals[3] += claim.paidLocal;
      totals[4] += 1;
    }
    byBank.set(key, totals);
  }
  const loanQuarters = new Map<string, number[]>();
  for (const [loanId, s] of model.loan)
    for (const [quarter, d] of Object.entries(s.subsidyDue))
      if (d.central + d.local > 0) loanQuarters.set(`${loanId} ${quarter}`, [d.central, d.local, 0, 0]);
  for (const [key, c] of claimed) {
    const row = loanQuarters.get(key) ?? [0, 0, 0, 0];
    loanQuarters.set(key, [row[0], row[1], c.central, c.local]);
  }
  const ledgerLoanQuarters = new Map(
    subsidy
      .rows(SUBSIDY_LOAN_QUARTERS)
      .map((r) => [`${r.loan_id} ${r.quarter}`, [r.central_due, r.local_due, r.central_claimed, r.local_claimed]]),
  );
  for (const key of new Set([...loanQuarters.keys(), ...ledgerLoanQuarters.keys()]))
    check(`subsidy of loan and quarter ${key}`, ledgerLoanQuarters.get(key) ?? [0, 0, 0, 0], loanQuarters.get(key) ?? [0, 0, 0, 0]);
  for (const r of subsidy.rows(SUBSIDY_BANK_QUARTERS)) {
    const key = `${r.bank_code} ${r.quarter}`;
    check(
      `subsidy claimed and paid, ${key}`,
      [r.central_claimed, r.local_claimed, r.central_paid, r.local_paid, r.claims],
      byBank.get(key) ?? [0, 0, 0, 0, 0],
    );
    byBank.delete(key);
  }
  for (const key of byBank.keys()) out.push(`subsidy claims of ${key} are missing from the subsidy ledger`);

  const targets = all.get(bulletin.name)!.rows(BULLETIN_TARGETS);
  check(
    'targets',
    targets.map((t) => `${t.region_code} ${t.year} ${t.loans} ${t.amount}`).sort(),
    [...model.target]
      .filter(([, t]) => t.loans !== undefined)
      .map(([id, t]) => `${id.slice(0, id.lastIndexOf('-'))} ${id.slice(id.lastIndexOf('-') + 1)} ${t.loans} ${t.amount}`)
      .sort(),
  );
  return out;
}

const LOAN_FIGURES = [
  'lifecycle',
  'fund_id',
  'guaranteed_amount',
  'disbursed_amount',
  'outstanding_principal',
  'interest_paid',
  'maturity_date',
  'extended',
  'ever_overdue',
  'overdue_principal',
  'overdue_interest',
  'compensation',
  'recovered',
  'written_off',
  'jobs_created',
  'subsidy_central',
  'subsidy_local',
  'risk_status',
  'risk_reasons',
  'risk_flagged_on',
];

/** Each loan's risk control, from its flags and reviews: the reasons, the first day flagged, and the last word. */
function riskOf(events: ProjectedEvent[]) {
  const out = new Map<string, { status: string; reasons: Set<string>; flaggedOn: string }>();
  for (const e of events) {
    const d = e.data as { loanId: string; foundOn: string; decision: string; findings: Array<{ reason: string }> };
    if (e.type === 'RiskFlagged') {
      const r = out.get(d.loanId) ?? { status: 'pending', reasons: new Set(), flaggedOn: d.foundOn };
      for (const f of d.findings) r.reasons.add(f.reason);
      out.set(d.loanId, { ...r, status: 'pending' });
    }
    if (e.type === 'RiskReviewed') out.get(d.loanId)!.status = d.decision;
  }
  return out;
}
const pick = (row: Row, columns: string[]) => Object.fromEntries(columns.map((c) => [c, row[c]]));

/**
 * A read store against the fold in memory of the same events: every table of every projection, as the
 * views serve it, row for row; and the bulletin built from the store's SQL sums against the one built
 * from the fold, for a few months.
 */
export async function storeDisagreements(
  readStore: ReadStore,
  events: ProjectedEvent[],
  folded?: Folded,
  months: string[] = [],
): Promise<string[]> {
  const all = folded ?? (await foldAll(events));
  const out: string[] = [];
  const rowsOf = async (p: Projection, table: string) =>
    (await readStore.query(`SELECT * FROM "${table}"`)).map((r) =>
      JSON.stringify(
        decode(
          p.tables.find((t) => t.name === table)!,
          r,
        ),
      ),
    );
  for (const p of PROJECTIONS)
    for (const { name } of p.tables) {
      const stored = new Set(await rowsOf(p, name));
      const expected = new Set(
        all
          .get(p.name)!
          .rows(name)
          .map((r) =>
            JSON.stringify(
              decode(
                p.tables.find((t) => t.name === name)!,
                r,
              ),
            ),
          ),
      );
      const missing = [...expected].filter((r) => !stored.has(r));
      const extra = [...stored].filter((r) => !expected.has(r));
      if (missing.length || extra.length || stored.size !== expected.size)
        out.push(
          `${name}: ${missing.length} rows not stored (${missing.slice(0, 2).join(' ')}), ${extra.length} not expected (${extra.slice(0, 2).join(' ')})`,
        );
    }
  for (const month of months) {
    const fromStore = buildBulletin(await loadBulletinFacts(readStore, month), reference, month);
    const fromFold = buildBulletin(bulletinFactsFrom(all.get(bulletin.name)!, month), reference, month);
    if (JSON.stringify(fromStore) !== JSON.stringify(fromFold))
      out.push(`the bulletin for ${month} built from the read store differs from the fold`);
  }
  return out;
}
