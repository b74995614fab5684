import { describeEventStoreBehaviour } from '../testing/event-store.behaviour';
import { EsdbEventStore } from './esdb-event-store';
import { EsdbTestServer } from './testing/test-server';

const servers = new Map<EsdbEventStore, EsdbTestServer>();

describeEventStoreBehaviour('EventStoreDB through the official client (in-process test server)', async () => {
  const server = new EsdbTestServer();
  await server.start();
  const store = new EsdbEventStore(server.connectionString);
  servers.set(store, server);
  return store;
}, async (store) => {
  await store.close();
  await servers.get(store as EsdbEventStore)?.stop();
});

if (process.env.EVENTSTORE_CONNECTION_STRING) {
  describeEventStoreBehaviour('EventStoreDB (a real server)', async () => new EsdbEventStore(process.env.EVENTSTORE_CONNECTION_STRING!));
}
