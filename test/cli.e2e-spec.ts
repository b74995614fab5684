import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, positionToString } from '@app/event-store';
import { smallProgramme } from '../libs/projections/test/history';
import { makeTestCertificates } from '../libs/event-store/src/esdb/testing/certificates';
import { EsdbTestServer } from '../libs/event-store/src/esdb/testing/test-server';
import { runTs } from './support/spawn';

/** The CLI on a SQLite file holding a small programme. */
describe('the command line', () => {
  let dir: string;
  const cli = (...args: string[]) => runTs('apps/cli/src/main.ts', args, { EVENT_STORE_PATH: join(dir, 'events.db') });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-cli-'));
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    await smallProgramme(store);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a ledger as CSV, and as it stood on a past date', async () => {
    const now = await cli('ledger', 'business', '--format', 'csv');
    expect(now.code).toBe(0);
    const lines = now.stdout.trim().split('\r\n');
    expect(lines[0]).toContain('贷款编号');
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('B,'))).toContain('已核销');
    const past = await cli('ledger', 'business', '--as-of', '2011-03-31', '--format', 'json');
    expect(JSON.parse(past.stdout).find((r: any) => r.loan_id === 'B').status).toBe('overdue');
  });

  it('exports the history as NDJSON, from the start or after a position, one event per line in order', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    const all = (await store.readAll()).map((e) => positionToString(e.position));
    await store.close();
    const positions = (out: string) =>
      out
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).position);
    const whole = await cli('export', 'events', '--format', 'ndjson');
    expect(whole.code).toBe(0);
    expect(positions(whole.stdout)).toEqual(all);
    const rest = await cli('export', 'events', '--from', all[9]);
    expect(positions(rest.stdout)).toEqual(all.slice(10));
    const bad = await cli('export', 'events', '--from', 'yesterday');
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('not a store position')]);
  });

  it('prints the bulletin for a city and writes it as a workbook', async () => {
    const md = await cli('bulletin', '--month', '2011-06', '--region', '360700', '--format', 'md');
    expect(md.stdout).toContain('| 赣州市 (360700) |');
    const json = JSON.parse((await cli('bulletin', '--month', '2011-06', '--region', '360700', '--format', 'json')).stdout);
    expect(json.find((r: any) => r.regionCode === '360700').disbursed.cumulative.loans).toBe(3);
    const out = join(dir, 'bulletin.xlsx');
    expect((await cli('bulletin', '--month', '2011-06', '--format', 'xlsx', '--out', out)).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('rebuilds a projection and says what it did; refuses bad input with a clear message', async () => {
    const rebuilt = await cli('rebuild', 'business-ledger', '--quiet');
    expect(rebuilt.stderr).toMatch(/business-ledger: \d+ events, generation 2/);
    const bad = await cli('bulletin', '--month', '2011-13');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('a month looks like 2011-06');
    expect((await cli('ledger', 'nonsense')).stderr).toContain('There is no ledger nonsense');
  });

  it('copies to the secured EventStoreDB of EVENTSTORE_CONNECTION_STRING, so that no password is on the command line', async () => {
    const certificates = makeTestCertificates();
    const server = new EsdbTestServer({ tls: certificates, users: { loans: { password: 'loans-secret', groups: ['$admins'] } } });
    await server.start();
    try {
      const connection = server.secureConnectionString(certificates.caFile, { name: 'loans', password: 'loans-secret' });
      const copied = await runTs('apps/cli/src/main.ts', ['copy-to-eventstoredb'], {
        EVENT_STORE_PATH: join(dir, 'events.db'),
        EVENTSTORE_CONNECTION_STRING: connection,
      });
      expect([copied.code, copied.stderr]).toEqual([0, expect.stringMatching(/Copied \d+ events/)]);
      const source = new SqliteEventStore({ path: join(dir, 'events.db') });
      const copiedIds = server.log.all.filter((e) => !e.stream.startsWith('$')).map((e) => e.id);
      expect(copiedIds).toEqual((await source.readAll()).map((e) => e.id));
      await source.close();
    } finally {
      await server.stop();
      certificates.remove();
    }
  });
});
