import { InterestSubsidyClaimed } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import {
  BUSINESS_LEDGER,
  FUNDS,
  FUND_MOVEMENTS,
  JOURNAL,
  MemoryTx,
  SUBSIDY_BANK_QUARTERS,
  SUBSIDY_LOAN_QUARTERS,
  TRIAL_BALANCE,
  businessLedger,
  financialLedger,
  fundLedger,
  subsidyLedger,
  toProjected,
} from '../src';
import { disagreements, writeModelDisagreements } from './agreement';
import { smallProgramme } from './history';

describe('the ledgers as folds of a small programme', () => {
  let events: ReturnType<typeof toProjected>[];
  beforeAll(async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    await smallProgramme(store);
    events = (await store.readAll()).map(toProjected);
    await store.close();
  });

  it('business ledger: one row per loan with its status, money and dates', async () => {
    const rows = new Map((await MemoryTx.fold(businessLedger, events)).rows(BUSINESS_LEDGER).map((r) => [r.loan_id, r]));
    expect(rows.size).toBe(4);
    expect(rows.get('A')).toMatchObject({
      status: 'settled',
      disbursed_amount: 5_000_000,
      principal_repaid: 5_000_000,
      interest_paid: 18_333,
      outstanding_principal: 0,
      closed_on: '2011-02-01',
      subsidy_central: 18_333,
    });
    expect(rows.get('B')).toMatchObject({
      status: 'written_off',
      ever_overdue: true,
      compensation: 4_046_666,
      recovered: 1_000_000,
      written_off: 3_046_666,
      outstanding_principal: 5_000_000,
    });
    expect(rows.get('C')).toMatchObject({
      status: 'disbursed',
      county_code: '360722',
      city_code: '360700',
      interest_paid: 58_333,
      outstanding_principal: 5_000_000,
      maturity_date: '2012-01-10',
      policy_version: 'JX-2008',
    });
    expect(rows.get('D')).toMatchObject({ status: 'rejected', reject_reason: 'INCOMPLETE_FILE', disbursed_amount: 0 });
  });

  it('fund ledger: every cash movement with a running balance, exposure and leverage per fund', async () => {
    const tx = await MemoryTx.fold(fundLedger, events);
    const gan = tx.rows(FUND_MOVEMENTS).filter((m) => m.fund_id === 'GC-360721');
    expect(gan.map((m) => [m.kind, m.cash_in, m.cash_out, m.written_off, m.balance_after])).toEqual([
      ['contribution', 10_000_000, 0, 0, 10_000_000],
      ['compensation', 0, 4_046_666, 0, 5_953_334],
      ['recovery', 1_000_000, 0, 0, 6_953_334],
      ['write_off', 0, 0, 3_046_666, 6_953_334],
    ]);
    const funds = new Map(tx.rows(FUNDS).map((f) => [f.fund_id, f]));
    expect(funds.get('GC-360721')).toMatchObject({
      balance: 6_953_334,
      exposure: 0,
      guarantees_open: 0,
      compensation_paid: 4_046_666,
      recovered: 1_000_000,
      written_off: 3_046_666,
    });
    expect(funds.get('GC-360722')).toMatchObject({
      balance: 4_000_000,
      exposure: 5_000_000,
      guarantees_open: 1,
      leverage_bp: 12_500,
      contributed_by_source: { city_finance: 4_000_000 },
    });
  });

  it('subsidy ledger: per loan and per bank per quarter, what is due, claimed and paid', async () => {
    const tx = await MemoryTx.fold(subsidyLedger, events);
    const loans = new Map(tx.rows(SUBSIDY_LOAN_QUARTERS).map((r) => [r.loan_id, r]));
    expect(loans.get('A')).toMatchObject({
      quarter: '2011-Q1',
      interest_paid: 18_333,
      central_due: 18_333,
      central_claimed: 18_333,
      bank_code: 'ABC',
    });
    expect(loans.get('C')).toMatchObject({ quarter: '2011-Q1', interest_paid: 58_333, central_due: 58_333, county_code: '360722' });
    expect(tx.rows(SUBSIDY_BANK_QUARTERS)).toEqual([
      expect.objectContaining({
        bank_code: 'ABC',
        quarter: '2011-Q1',
        central_due: 76_666,
        local_due: 0,
        central_claimed: 76_666,
        central_paid: 50_000,
        claims: 1,
      }),
    ]);
  });

  it('subsidy ledger: a claim recorded in parts is one claim, with the amounts of all its parts', async () => {
    const whole = events.find((e) => e.type === 'InterestSubsidyClaimed')!;
    const d = whole.data as InterestSubsidyClaimed['data'];
    const parts = d.items.map((item, i) => ({
      ...whole,
      id: `${whole.id}-${i + 1}`,
      data: { ...d, items: [item], central: item.central, local: item.local, part: i + 1, parts: d.items.length },
    }));
    expect(parts).toHaveLength(2);
    const inParts = events.flatMap((e) => (e === whole ? parts : [e]));
    const [once, split] = await Promise.all([events, inParts].map((history) => MemoryTx.fold(subsidyLedger, history)));
    for (const table of [SUBSIDY_BANK_QUARTERS, SUBSIDY_LOAN_QUARTERS]) expect(split.rows(table)).toEqual(once.rows(table));
    expect(split.rows(SUBSIDY_BANK_QUARTERS)).toEqual([expect.objectContaining({ central_claimed: 76_666, claims: 1 })]);
    expect(await writeModelDisagreements(inParts)).toEqual([]);
  });

  it('financial ledger: balanced postings by book, with guarantees outstanding as memorandum accounts', async () => {
    const tx = await MemoryTx.fold(financialLedger, events);
    const compensation = tx.rows(JOURNAL).filter((l) => l.memo === 'FundCompensationCharged');
    expect(compensation.map((l) => [l.account, l.debit, l.credit])).toEqual([
      ['1131', 4_046_666, 0],
      ['1001', 0, 4_046_666],
      ['9002', 5_000_000, 0],
      ['9001', 0, 5_000_000],
    ]);
    const january = tx.rows(TRIAL_BALANCE).filter((t) => t.book === 'GC-360721' && t.month === '2011-01');
    expect(january.reduce((s, t) => s + (t.debit as number) - (t.credit as number), 0)).toBe(0);
  });

  it('the four ledgers agree with each other', async () => {
    expect(await disagreements(events)).toEqual([]);
  });
});
