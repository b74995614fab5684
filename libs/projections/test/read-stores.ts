import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EventStore } from '@app/event-store';
import { PostgresReadStore, Projection, ProjectionRunner, ReadStore, RunnerOptions, SqliteReadStore } from '../src';

/** The read stores every projection test runs on: SQLite, and a real PostgreSQL (a fresh schema each time). */
export const READ_STORES: Array<[string, (dir: string) => Promise<ReadStore>]> = [
  ['SQLite', async (dir) => new SqliteReadStore(join(dir, 'read.db'))],
  ['PostgreSQL', async () => new PostgresReadStore(process.env.PG_TEST_URL!, await freshSchema())],
];

/** A new, empty schema in the test PostgreSQL, so that every test starts from nothing. */
export async function freshSchema(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.PG_TEST_URL! });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return schema;
}

/** A fresh read store with these projections built from every event of the store, and how to remove it. */
export async function builtReadStore(
  openReadStore: (dir: string) => Promise<ReadStore>,
  store: EventStore,
  projections: Projection[],
  options?: Partial<RunnerOptions>,
): Promise<{ readStore: ReadStore; remove: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'loans-built-'));
  const readStore = await openReadStore(dir);
  const runner = new ProjectionRunner(store, readStore, projections, options);
  await runner.start();
  await runner.stop();
  const remove = async () => {
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { readStore, remove };
}
