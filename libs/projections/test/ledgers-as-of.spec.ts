import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { SMALL, simulate } from '@app/simulation';
import {
  AsOf,
  BUSINESS_LEDGER,
  FUNDS,
  FUND_MOVEMENTS,
  JOURNAL,
  LedgerQuery,
  Projection,
  ReadStore,
  businessLedger,
  businessLedgerAsOf,
  financialLedger,
  fundLedger,
  fundMovementsAsOf,
  fundsAsOf,
  journalAsOf,
  projectAsOf,
  queryRows,
  toProjected,
} from '../src';
import { READ_STORES, builtReadStore } from './read-stores';

/**
 * The business ledger, the fund movements and the journal as of a business date or as known at a time,
 * answered from the stored tables, must give exactly what a fold of every event before that point gives:
 * for queries paged in SQL and queries on what changes later, at dates and instants across a simulated
 * programme, including entries recorded late with an earlier business date.
 */
let store: SqliteEventStore;
let dates: string[];
let instants: Date[];
beforeAll(async () => {
  store = new SqliteEventStore({ path: ':memory:' });
  const programme = new Programme(
    new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) }),
  );
  await simulate(programme, SMALL, 5);
  const events = (await store.readAll()).map(toProjected);
  // Recorded late, dated early: a fund's contribution, so the movements after it in the log are renumbered as of that date.
  const fundId = (events.find((e) => e.type === 'GuaranteeFundContributed')!.data as { fundId: string }).fundId;
  const env = { commandId: 'late contribution', actor: SYSTEM_ACTOR, businessDate: '2009-03-15' as BusinessDate };
  await programme.contribute(fundId, { source: 'province_finance', amount: yuan(300_000), reference: 'entered late' }, env);
  const byDate = events.map((e) => e.businessDate).sort();
  dates = [
    byDate[0],
    ...[0.1, 0.3, 0.5, 0.7, 0.9].map((f) => byDate[Math.floor(f * byDate.length)]),
    '2009-03-14',
    '2009-03-15',
    '2099-01-01',
  ];
  instants = [0.05, 0.4, 0.8, 1].map((f) => events[Math.floor(f * (events.length - 1))].recordedAt);
}, 120_000);
afterAll(() => store.close());

/** Business dates alone, instants alone, and both clocks together. */
const points = (): AsOf[] => [
  ...dates.map((businessDate) => ({ businessDate })),
  ...instants.map((knownAt) => ({ knownAt })),
  ...instants.map((knownAt, i) => ({ knownAt, businessDate: dates[i * 2 + 1] })),
];

describe.each(READ_STORES)('ledgers as of a point, from the stored tables on %s', (_name, openReadStore) => {
  let readStore: ReadStore;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ readStore, remove } = await builtReadStore(openReadStore, store, [businessLedger, fundLedger, financialLedger]));
  }, 120_000);
  afterAll(() => remove());

  const folded = async (p: Projection, table: string, asOf: AsOf, q: LedgerQuery) =>
    queryRows(p, table, (await projectAsOf(store, p, asOf)).rows(table), q);

  it('gives the business ledger a fold of every event by then gives, paged in SQL or not', async () => {
    const queries: LedgerQuery[] = [
      { sort: 'loan_id', order: 'desc', pageSize: 7, page: 2 }, // paged in SQL
      { filters: { county_code: '360721' }, sort: 'applied_on', pageSize: 5 },
      { tag: ['categories', 'woman'], pageSize: 1000 },
      { filters: { status: 'disbursed' }, sort: 'outstanding_principal', order: 'desc', pageSize: 9 }, // folds every loan
      { range: ['disbursed_on', '2009-01-01', '2010-12-31'], pageSize: 1000 },
      { filters: { kind: 'individual' }, unpaged: true },
    ];
    let nonEmpty = 0;
    for (const asOf of points())
      for (const q of queries) {
        const expected = await folded(businessLedger, BUSINESS_LEDGER, asOf, q);
        expect({ asOf, q, page: await businessLedgerAsOf(store, readStore, asOf, q) }).toEqual({ asOf, q, page: expected });
        if (expected.rows.length) nonEmpty++;
      }
    expect(nonEmpty).toBeGreaterThan(points().length * 3);
  }, 120_000);

  it("gives each fund's figures as a fold would", async () => {
    for (const asOf of points()) {
      const q: LedgerQuery = { sort: 'balance', order: 'desc', pageSize: 1000 };
      expect({ asOf, page: await fundsAsOf(readStore, asOf, q) }).toEqual({ asOf, page: await folded(fundLedger, FUNDS, asOf, q) });
    }
  });

  it('gives the fund movements, renumbered and with their running balances, and the journal as a fold would', async () => {
    const movements: LedgerQuery[] = [{ unpaged: true }, { sort: 'balance_after', order: 'desc', pageSize: 10 }];
    for (const asOf of points()) {
      for (const q of movements)
        expect({ asOf, q, page: await fundMovementsAsOf(readStore, asOf, q) }).toEqual({
          asOf,
          q,
          page: await folded(fundLedger, FUND_MOVEMENTS, asOf, q),
        });
      const q: LedgerQuery = { sort: 'business_date', order: 'desc', pageSize: 50, page: 2 };
      expect({ asOf, page: await journalAsOf(readStore, asOf, q) }).toEqual({
        asOf,
        page: await folded(financialLedger, JOURNAL, asOf, q),
      });
    }
  }, 120_000);
});
