import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { smallProgramme } from '../libs/projections/test/history';
import { runTs } from './support/spawn';

/** What an auditor does from the command line, on a SQLite file holding a small programme. */
describe('the auditor: sealed months, the verifier and proofs checked by a standalone script', () => {
  // Each step is a CLI process; on a busy machine each takes seconds.
  jest.setTimeout(180_000);
  let dir: string;
  let db: string;
  const file = (name: string) => join(dir, name);
  const cli = (...args: string[]) => runTs('apps/cli/src/main.ts', ['audit', ...args], { EVENT_STORE_PATH: db });
  /** The standalone checker, run with Node alone: what an auditor runs on their own machine. */
  const checkProof = (proof: string) => {
    try {
      return {
        code: 0,
        out: execFileSync(process.execPath, ['apps/cli/audit/verify-proof.mjs', proof, file('key.pem')], { encoding: 'utf8' }),
      };
    } catch (error) {
      const e = error as { status: number; stdout: string };
      return { code: e.status, out: e.stdout };
    }
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-audit-'));
    db = file('events.db');
    const store = new SqliteEventStore({ path: db });
    await smallProgramme(store);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seals months, hands out the digests and the public key, and verifies the history and every projection', async () => {
    const june = await cli('seal', '--month', '2011-06');
    expect(june.code).toBe(0);
    expect(JSON.parse(june.stdout)).toMatchObject({ month: '2011-06', treeSize: expect.any(Number) });
    expect((await cli('seal', '--month', '2011-07')).code).toBe(0);
    const again = await cli('seal', '--month', '2011-06');
    expect(again.stderr).toContain('sealed before');
    expect((await cli('digests', '--out', file('digests.json'))).code).toBe(0);
    writeFileSync(file('key.pem'), (await cli('public-key')).stdout);
    const verified = await cli('verify', '--digests', file('digests.json'), '--public-key', file('key.pem'), '--quiet');
    expect(verified.stdout).toContain('Digest of 2011-06');
    expect(verified.stdout).toContain('The history and every projection check out.');
    expect(verified.code).toBe(0);
  });

  it('proves an event included in a sealed month, and July consistent with June, as the standalone script confirms', async () => {
    const store = new SqliteEventStore({ path: db });
    const [repaid] = (await store.readAll()).filter((e) => e.type === 'Repaid');
    await store.close();
    expect((await cli('prove', '--event', repaid.id, '--month', '2011-06', '--out', file('inclusion.json'))).code).toBe(0);
    const holds = checkProof(file('inclusion.json'));
    expect(holds.out).toContain(`The proof holds: Repaid ${repaid.id}`);
    expect(holds.code).toBe(0);
    // The same proof for an amount the borrower did not repay.
    const proof = JSON.parse(readFileSync(file('inclusion.json'), 'utf8'));
    proof.event.data.principal += 100;
    writeFileSync(file('forged.json'), JSON.stringify(proof));
    expect(checkProof(file('forged.json'))).toEqual({
      code: 1,
      out: expect.stringContaining('is not in the history the digest of 2011-06 signed'),
    });

    expect((await cli('prove-consistency', '--from', '2011-06', '--to', '2011-07', '--out', file('consistency.json'))).code).toBe(0);
    expect(checkProof(file('consistency.json')).code).toBe(0);
    const consistency = JSON.parse(readFileSync(file('consistency.json'), 'utf8'));
    consistency.older.rootHash = consistency.newer.rootHash;
    writeFileSync(file('forged.json'), JSON.stringify(consistency));
    expect(checkProof(file('forged.json'))).toEqual({ code: 1, out: expect.stringContaining('not signed by this key, or was changed') });
  });

  /** Verifies a copy of the file after a change made to it directly, as someone with the file could. */
  async function verifyTampered(change: (raw: Database.Database) => void) {
    const copy = file(`tampered-${Math.random().toString(36).slice(2)}.db`);
    writeFileSync(copy, readFileSync(db));
    const raw = new Database(copy);
    change(raw);
    raw.close();
    const args = ['audit', 'verify', '--digests', file('digests.json'), '--public-key', file('key.pem'), '--quiet'];
    return runTs('apps/cli/src/main.ts', args, { EVENT_STORE_PATH: copy });
  }

  it('fails when an event was edited in the file, naming it, and the digests signed since', async () => {
    let position = 0;
    const verified = await verifyTampered((raw) => {
      ({ position } = raw.prepare(`SELECT position FROM events WHERE type = 'Repaid' ORDER BY position LIMIT 1`).get() as {
        position: number;
      });
      raw.prepare(`UPDATE events SET data = json_set(data, '$.principal', 1) WHERE position = ?`).run(position);
    });
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`position ${position}/${position}) is not as it was recorded`);
    expect(verified.stdout).toMatch(/Digest of 2011-06 \(\d+ events\): DOES NOT HOLD/);
  });

  it('fails when a row of a ledger was edited, naming the row and the column, though the history is intact', async () => {
    const verified = await verifyTampered((raw) => {
      const [{ name }] = raw
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'business_ledger__g%'`)
        .all() as Array<{
        name: string;
      }>;
      raw.prepare(`UPDATE "${name}" SET status = 'settled' WHERE loan_id = 'C'`).run();
    });
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/Digest of 2011-06 \(\d+ events\): holds/);
    expect(verified.stdout).toMatch(
      /PROBLEM \(projection\): business-ledger, table business_ledger, row "C": status is "settled" where the history gives "\w+"/,
    );
  });
});
