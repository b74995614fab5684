import { SqliteEventStore } from '@app/event-store';
import { BUSINESS_LEDGER, FUNDS, FUND_MOVEMENTS, MemoryTx, businessLedger, fundLedger, toProjected } from '../src';
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
    expect(rows.get('A')).toMatchObject({ status: 'settled', disbursed_amount: 5_000_000, principal_repaid: 5_000_000, interest_paid: 18_333, outstanding_principal: 0, closed_on: '2011-02-01', subsidy_central: 18_333 });
    expect(rows.get('B')).toMatchObject({ status: 'written_off', ever_overdue: true, compensation: 4_046_666, recovered: 1_000_000, written_off: 3_046_666, outstanding_principal: 5_000_000 });
    expect(rows.get('C')).toMatchObject({ status: 'disbursed', county_code: '360722', city_code: '360700', interest_paid: 58_333, outstanding_principal: 5_000_000, maturity_date: '2012-01-10', policy_version: 'JX-2008' });
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
    expect(funds.get('GC-360721')).toMatchObject({ balance: 6_953_334, exposure: 0, guarantees_open: 0, compensation_paid: 4_046_666, recovered: 1_000_000, written_off: 3_046_666 });
    expect(funds.get('GC-360722')).toMatchObject({ balance: 4_000_000, exposure: 5_000_000, guarantees_open: 1, leverage_bp: 12_500, contributed_by_source: { city_finance: 4_000_000 } });
  });
});
