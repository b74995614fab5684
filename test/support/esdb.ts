import { EsdbTestServer } from '../../libs/event-store/src/esdb/testing/test-server';

/**
 * The EventStoreDB an e2e test runs on: the real server or cluster named by EVENTSTORE_E2E_CONNECTION_STRING
 * (an empty database: the tests write fixed stream names), else a fresh in-process test server. Tests that
 * inject faults always use the test server.
 */
export async function eventStoreDbForTest(): Promise<{ connectionString: string; stop: () => Promise<void> }> {
  const real = process.env.EVENTSTORE_E2E_CONNECTION_STRING;
  if (real) return { connectionString: real, stop: async () => undefined };
  const server = new EsdbTestServer();
  await server.start();
  return { connectionString: server.connectionString, stop: () => server.stop() };
}
