import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { BUSINESS_LEDGER, businessLedger, projectAsOf, queryRows } from '../src';
import { smallProgramme } from './history';

describe('ledgers as of a business date and as known at a recorded time', () => {
  let store: SqliteEventStore;
  let knownBefore: Date;
  beforeAll(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await smallProgramme(store);
    // What was known when the last of it was recorded; the late entry must be recorded after that instant.
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    knownBefore = last.created;
    while (Date.now() <= knownBefore.getTime()) await new Promise((r) => setImmediate(r));
    // Recorded late: a repayment that happened on 20 June is entered now.
    const p = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) }));
    await p.repay(
      'C',
      { principal: yuan(10_000), interest: 76_667 as never, borrowerFees: yuan(0) },
      { commandId: 'late', actor: SYSTEM_ACTOR, businessDate: '2011-06-20' as BusinessDate },
    );
  });
  afterAll(async () => store.close());

  const loan = async (id: string, asOf: Parameters<typeof projectAsOf>[2]) =>
    (await projectAsOf(store, businessLedger, asOf)).rows(BUSINESS_LEDGER).find((r) => r.loan_id === id);

  it('shows a loan as it stood on a past business date', async () => {
    expect(await loan('B', { businessDate: '2011-03-31' })).toMatchObject({ status: 'overdue', compensation: 0 });
    expect(await loan('B', { businessDate: '2011-06-30' })).toMatchObject({ status: 'compensated', compensation: 4_046_666 });
    expect(await loan('B', {})).toMatchObject({ status: 'written_off' });
  });

  it('shows what the system knew at a recorded time, before a late entry', async () => {
    expect(await loan('C', { businessDate: '2011-12-31', knownAt: knownBefore })).toMatchObject({
      principal_repaid: 0,
      outstanding_principal: 5_000_000,
    });
    expect(await loan('C', { businessDate: '2011-12-31' })).toMatchObject({
      principal_repaid: 1_000_000,
      outstanding_principal: 4_000_000,
    });
  });

  it('answers the same queries over the rows as of a date', async () => {
    const rows = (await projectAsOf(store, businessLedger, { businessDate: '2011-01-31' })).rows(BUSINESS_LEDGER);
    const page = queryRows(businessLedger, BUSINESS_LEDGER, rows, { filters: { county_code: '360721' }, sort: 'loan_id', order: 'desc' });
    expect(page.rows.map((r) => [r.loan_id, r.status])).toEqual([
      ['B', 'disbursed'],
      ['A', 'disbursed'],
    ]);
    expect(queryRows(businessLedger, BUSINESS_LEDGER, rows, { tag: ['categories', 'woman'] }).total).toBe(4);
  });
});
