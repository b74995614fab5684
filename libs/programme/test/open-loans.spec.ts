import { yuan } from '@app/domain';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store';
import { EsdbTestServer } from '@app/event-store/esdb/testing/test-server';
import { OpenLoans } from '@app/programme';
import { disbursedLoan, envelope, programmeOn } from '../../../test/support/programme';
import { waitUntil } from '../../../test/support/wait';

/** The day-end run's list of running loans, on EventStoreDB, whose subscriptions drop now and then. */
describe('the open loans after the subscription drops', () => {
  const server = new EsdbTestServer();
  let store: EsdbEventStore;
  let open: OpenLoans;
  beforeAll(async () => {
    await server.start();
    store = new EsdbEventStore(server.connectionString);
  });
  afterAll(async () => {
    await open?.stop();
    await store.close();
    await server.stop();
  });

  it('resumes where it was and keeps every loan disbursed while it was away', async () => {
    const { programme } = programmeOn(store);
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(1_000_000), reference: 'r' },
      envelope('f', '2011-01-02'),
    );
    const disburse = (id: string) => disbursedLoan(programme, id);
    await disburse('L1');
    open = new OpenLoans(store, () => 20);
    await open.start();
    expect(await open.list()).toEqual(['L1']);

    server.dropSubscriptions();
    await disburse('L2');
    server.dropSubscriptions(); // dropped again while resuming
    await disburse('L3');
    await waitUntil('the dropped subscription has taken in L2 and L3', async () => (await open.list()).length === 3, 10_000);
    expect((await open.list()).sort()).toEqual(['L1', 'L2', 'L3']);
    expect(open.problem).toBeUndefined();
  });
});
