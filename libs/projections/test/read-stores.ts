import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresReadStore, ReadStore, SqliteReadStore } from '../src';

/** The read stores every projection test runs on: SQLite, and a real PostgreSQL (a fresh schema each time). */
export const READ_STORES: Array<[string, (dir: string) => Promise<ReadStore>]> = [
  ['SQLite', async (dir) => new SqliteReadStore(join(dir, 'read.db'))],
  [
    'PostgreSQL',
    async () => {
      const url = process.env.PG_TEST_URL!;
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const admin = new Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      return new PostgresReadStore(url, schema);
    },
  ],
];
