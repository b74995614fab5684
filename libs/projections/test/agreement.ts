import { JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import {
  BUSINESS_LEDGER,
  FUNDS,
  JOURNAL,
  MemoryTx,
  ProjectedEvent,
  Row,
  SUBSIDY_BANK_QUARTERS,
  SUBSIDY_BOOK,
  TRIAL_BALANCE,
  buildBulletin,
  bulletin,
  bulletinFactsFrom,
  businessLedger,
  financialLedger,
  fundLedger,
  subsidyLedger,
} from '../src';

const reference = new ReferenceData(JIANGXI_REFERENCE);

const OPEN = new Set(['guaranteed', 'disbursed']);
const sum = (rows: Row[], f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);

/**
 * What the four ledgers must agree on, computed from each: every posting balances, every book's trial
 * balance is zero every month, exposure and fund balances match across the business, fund and financial
 * ledgers, and the subsidy ledger matches the subsidy accounts. Returns the disagreements.
 */
export async function disagreements(events: ProjectedEvent[]): Promise<string[]> {
  const [business, funds, subsidy, financial] = await Promise.all(
    [businessLedger, fundLedger, subsidyLedger, financialLedger].map((p) => MemoryTx.fold(p, events)),
  );
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
    const checks: Array<[string, number, number]> = [
      ['fund balance vs 1001 fund deposits', f.balance as number, balance(id, '1001')],
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
  const province = buildBulletin(bulletinFactsFrom(await MemoryTx.fold(bulletin, events)), reference, lastMonth).find(
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
