import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { fuzz } from './fuzz/runner';

/**
 * Property-based requests from the OpenAPI document against every endpoint, on both read stores (see
 * test/fuzz/runner.ts for the checks). Deterministic in CI; `npm run fuzz` picks a random seed and sends more:
 * FUZZ_SEED (a number, or "random") and FUZZ_RUNS (requests per read store) choose.
 */
const SEED = process.env.FUZZ_SEED === 'random' ? randomBytes(4).readUInt32BE() >>> 1 : Number(process.env.FUZZ_SEED ?? 20110105);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);

/** A database of its own on the PostgreSQL the Jest global setup started: nothing left from another run. */
async function freshDatabase(): Promise<string> {
  const url = new URL(process.env.PG_TEST_URL!);
  const name = `fuzz_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  return url.href;
}

describe('fuzzing every endpoint of the OpenAPI document', () => {
  it.each<[string, () => Promise<string | undefined>]>([
    ['SQLite', async () => undefined],
    ['PostgreSQL', freshDatabase],
  ])(
    'on the %s read store: no 5xx, every error a problem with a code, nothing recorded when refused, a clean restart',
    async (label, readStore) => {
      const report = await fuzz({
        label,
        seed: SEED,
        runs: RUNS,
        readStoreUrl: await readStore(),
        log: (line) => process.stdout.write(`${line}\n`),
      });
      expect(report.figures.sent).toBe(RUNS);
      // One line per distinct failure; the output above has the seed, the first request and the shrunk one.
      expect(report.problems).toEqual([]);
    },
    120_000 + RUNS * 100,
  );
});
