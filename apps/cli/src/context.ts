import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { loadRules } from '@app/programme';
import { PROJECTIONS, PostgresReadStore, ProjectionRunner, ReadStore, SqliteReadStore } from '@app/projections';
import { SingleBar } from 'cli-progress';

/** The stores the CLI works on, configured like the API (EVENT_STORE_PATH, READ_STORE_URL, reference files). */
export function openContext(env: NodeJS.ProcessEnv = process.env) {
  const eventStorePath = env.EVENT_STORE_PATH ?? join(process.cwd(), 'data', 'events.db');
  const store = new SqliteEventStore({ path: eventStorePath });
  const readStore: ReadStore = env.READ_STORE_URL ? new PostgresReadStore(env.READ_STORE_URL) : new SqliteReadStore(eventStorePath);
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
  const rules = loadRules({ referenceDataFile: env.REFERENCE_DATA_FILE, policyFile: env.POLICY_FILE });
  return {
    store, readStore, runner, rules,
    async close() {
      await runner.stop();
      await readStore.close();
      await store.close();
    },
  };
}

export type CliContext = ReturnType<typeof openContext>;

/**
 * Runs work on the projections with a progress bar on stderr (events folded of all recorded), so that
 * the output on stdout stays clean for pipes.
 */
export async function withProgress(ctx: CliContext, label: string, work: () => Promise<void>, quiet: boolean): Promise<void> {
  if (quiet || !process.stderr.isTTY) return work();
  const total = Number(ctx.store.headPosition().commit) * ctx.runner.projections.length;
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} events`, stream: process.stderr, hideCursor: true });
  bar.start(Math.max(total, 1), 0);
  const timer = setInterval(() => bar.update(ctx.runner.status().reduce((s, p) => s + p.processed, 0)), 100);
  try {
    await work();
    bar.update(Math.max(total, 1));
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}
