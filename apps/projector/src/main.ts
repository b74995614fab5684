import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openEventStore } from '@app/event-store';
import { PROJECTIONS, PostgresReadStore, ProjectionRunner, SqliteReadStore, runnerOptionsFromEnv } from '@app/projections';

/**
 * Runs the projections on their own, beside an API started with PROJECTIONS=off: follows the event store
 * from each projection's checkpoint and keeps the ledgers and the bulletin up to date until stopped.
 */
async function main() {
  const eventStorePath = process.env.EVENT_STORE_PATH ?? join(process.cwd(), 'data', 'events.db');
  if (eventStorePath !== ':memory:') mkdirSync(dirname(eventStorePath), { recursive: true });
  const store = await openEventStore({ connectionString: process.env.EVENTSTORE_CONNECTION_STRING || undefined, path: eventStorePath });
  const readStore = process.env.READ_STORE_URL ? new PostgresReadStore(process.env.READ_STORE_URL) : new SqliteReadStore(eventStorePath);
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS, runnerOptionsFromEnv());
  const report = () =>
    console.log(
      runner
        .status()
        .map((s) => `${s.name}: ${s.state}, ${s.processed} events, at ${s.position ?? 'start'}`)
        .join('\n'),
    );
  const stop = async () => {
    await runner.stop();
    await readStore.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  const timer = setInterval(report, Number(process.env.STATUS_EVERY_MS ?? 30_000));
  timer.unref();
  await runner.start();
  report();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
