import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Keyring, PersonalData, SqliteEventStore, openEventStore, positionFromString } from '@app/event-store';
import { loadRules } from '@app/programme';
import { PROJECTIONS, PostgresReadStore, ProjectionRunner, ReadStore, SqliteReadStore } from '@app/projections';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';

/** A month argument (2011-06). */
export const month = (v: string) => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new InvalidArgumentError('a month looks like 2011-06');
  return v;
};

/** The stores the CLI works on, configured like the API (EVENT_STORE_PATH, READ_STORE_URL, KEYRING_PATH, reference files). */
export async function openContext(env: NodeJS.ProcessEnv = process.env) {
  const eventStorePath = env.EVENT_STORE_PATH ?? join(process.cwd(), 'data', 'events.db');
  if (eventStorePath !== ':memory:') mkdirSync(dirname(eventStorePath), { recursive: true });
  const store = await openEventStore({ connectionString: env.EVENTSTORE_CONNECTION_STRING || undefined, path: eventStorePath });
  const readStore: ReadStore = env.READ_STORE_URL ? new PostgresReadStore(env.READ_STORE_URL) : new SqliteReadStore(eventStorePath);
  const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
  const rules = loadRules({ referenceDataFile: env.REFERENCE_DATA_FILE, policyFile: env.POLICY_FILE });
  // The API's keyring, to reveal personal data in what the CLI writes out; none where the API never sealed any.
  const keyringPath = env.KEYRING_PATH || join(dirname(eventStorePath), 'keyring.db');
  const personalData = new PersonalData(new Keyring(eventStorePath !== ':memory:' && existsSync(keyringPath) ? keyringPath : ':memory:'));
  return {
    store,
    readStore,
    runner,
    rules,
    personalData,
    async close() {
      personalData.keyring.close();
      await runner.stop();
      await readStore.close();
      await store.close();
    },
  };
}

export type CliContext = Awaited<ReturnType<typeof openContext>>;

/**
 * Runs work on the projections with a progress bar on stderr, so that stdout stays clean for pipes.
 * Progress is how far through the embedded store's log the projections are: its positions are row
 * numbers, which this display (and only this) reads as such.
 */
export async function withProgress(ctx: CliContext, label: string, work: () => Promise<void>, quiet: boolean): Promise<void> {
  if (quiet || !process.stderr.isTTY || !(ctx.store instanceof SqliteEventStore)) return work();
  const head = Number(ctx.store.headPosition().commit);
  const total = Math.max(head * ctx.runner.projections.length, 1);
  const done = () => ctx.runner.status().reduce((s, p) => s + (p.position ? Number(positionFromString(p.position).commit) : 0), 0);
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {eta_formatted} left`, stream: process.stderr, hideCursor: true });
  bar.start(total, 0);
  const timer = setInterval(() => bar.update(done()), 100);
  try {
    await work();
    bar.update(total);
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}
