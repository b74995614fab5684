/**
 * A full rebuild of every projection in a process of its own, so that its peak memory is its own.
 * Prints one line of JSON: seconds, events and the peak resident set in MiB.
 */
import { SqliteEventStore } from '@app/event-store';
import { PROJECTIONS, ProjectionRunner, SqliteReadStore, runnerOptionsFromEnv } from '@app/projections';

async function main() {
  const [eventsPath, readPath] = process.argv.slice(2);
  const store = new SqliteEventStore({ path: eventsPath });
  const readStore = new SqliteReadStore(readPath);
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS, runnerOptionsFromEnv());
  const t0 = performance.now();
  await runner.start();
  const seconds = (performance.now() - t0) / 1000;
  await runner.stop();
  await readStore.close();
  await store.close();
  console.log(JSON.stringify({ seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
