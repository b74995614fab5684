import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bp, fen, yuan } from '@app/domain';
import { BANK_ABC, signed } from './support/auth';
import { applicationData, envelope, guaranteeData, openFile, programmeOn } from './support/programme';
import { startApiProcess } from './support/spawn';
import { waitUntil } from './support/wait';

const LOANS = 1_500;

/**
 * The API killed (SIGKILL) while it records a bank's upload, at several moments from just after the
 * request was sent to about when its commit is written; the bank sends the same upload again to the
 * restarted API. Every line is then recorded exactly once.
 */
describe('an upload cut short by a crash, then sent again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batch-kill-'));
  const path = join(dir, 'events.db');
  const ids = Array.from({ length: LOANS }, (_, i) => `K${i}`);
  beforeAll(async () => {
    const { programme, handler } = programmeOn(openFile(path));
    await programme.contribute(
      'GC-360721',
      { source: 'county_finance', amount: yuan(20_000_000), reference: 'r' },
      envelope('f', '2011-01-02'),
    );
    const terms = { contractRate: bp(600), repaymentMethod: 'interest_quarterly_principal_at_maturity' as const, borrowerFees: fen(0) };
    await Promise.all(
      ids.map(async (id) => {
        await programme.applyForLoan(applicationData(id, `P-${id}`), envelope(`apply-${id}`, '2011-01-05'));
        await programme.issueGuarantee(id, guaranteeData(), envelope(`guarantee-${id}`, '2011-01-08'));
        await programme.disburse(
          id,
          { amount: yuan(50_000), bankContractNo: `C-${id}`, ...terms },
          envelope(`disburse-${id}`, '2011-01-10'),
        );
      }),
    );
    await handler.store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const send = async (url: string, round: number) =>
    fetch(`${url}/batches/repayments`, {
      method: 'POST',
      headers: await signed({ ...BANK_ABC, 'content-type': 'application/json' }),
      body: JSON.stringify({
        lines: ids.map((loanId) => ({ loanId, principalFen: 0, interestFen: 100 + round, businessDate: '2011-03-20' })),
      }),
    }).then((r) => r.json() as Promise<{ recorded: number; recordedBefore: number; refused: number }>);

  /** How many Repaid events the file holds, read through a connection of the test's own. */
  const repaidInFile = () => {
    const db = new Database(path, { readonly: true });
    const { n } = db.prepare("SELECT count(*) AS n FROM events WHERE type = 'Repaid'").get() as { n: number };
    db.close();
    return n;
  };

  it.each([
    [1, '5 ms after the upload was sent', 5],
    [2, '150 ms after the upload was sent', 150],
    [3, 'the moment its lines are in the file, before or while it answers', 'committed' as const],
  ])('round %i: killed %s, every line recorded once', async (round, _when, killAt) => {
    const env = { EVENT_STORE_PATH: path, PROJECTIONS: 'off' };
    const first = await startApiProcess(env);
    const before = repaidInFile();
    const cut = send(first.url, round).catch(() => undefined);
    if (killAt === 'committed') await waitUntil('the upload is committed', () => repaidInFile() > before, 60_000, 1);
    else await new Promise((r) => setTimeout(r, killAt));
    await first.kill();
    const firstReply = await cut;
    if (killAt === 'committed') expect(repaidInFile() - before).toBe(LOANS);

    const second = await startApiProcess(env);
    const retry = await send(second.url, round);
    await second.kill();
    expect(retry.refused).toBe(0);
    expect(retry.recorded + retry.recordedBefore).toBe(LOANS);
    // An answer that arrived before the kill means everything was recorded then.
    if (firstReply) expect(retry.recordedBefore).toBe(LOANS);

    const store = openFile(path);
    const repaid = (await store.readAll()).filter((e) => e.type === 'Repaid');
    await store.close();
    const perLoan = new Map<string, number>();
    for (const e of repaid) perLoan.set(e.streamName, (perLoan.get(e.streamName) ?? 0) + 1);
    expect(perLoan.size).toBe(LOANS);
    expect(new Set(perLoan.values())).toEqual(new Set([round]));
  });
});
