import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, bp, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { PROJECTIONS, SqliteReadStore, toProjected } from '@app/projections';
import { foldedRows, storedRows } from '../libs/projections/test/rows';
import { spawnTs } from './support/spawn';

/** A projector killed (SIGKILL) in the middle of its work, then restarted, ends with the rows of one that never stopped. */
describe('the projector killed mid-batch', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-projector-'));
    path = join(dir, 'events.db');
    const store = new SqliteEventStore({ path });
    const p = new Programme(new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) }));
    const env = (id: string, d: string) => ({ commandId: id, actor: SYSTEM_ACTOR, businessDate: d as BusinessDate });
    await p.contribute('GC-360721', { source: 'county_finance', amount: yuan(100_000_000), reference: 'r' }, env('f', '2011-01-02'));
    for (let i = 0; i < 150; i++) {
      const loanId = `L${i}`;
      await p.applyForLoan(
        {
          loanId,
          borrowerId: `P${i}`,
          maskedIdNumber: 'x',
          categories: ['woman'],
          kind: 'individual',
          project: { name: 'p', industry: 'i' },
          microProfit: true,
          amount: yuan(50_000),
          termMonths: 12,
          countyCode: '360721',
          centreId: 'GC-360721',
          branchId: 'ABC-360721',
          counterGuarantee: { mode: 'third_party_guarantor' },
          personsSupported: 1,
          jobsPlanned: 2,
        },
        env(`a${i}`, '2011-01-05'),
      );
      await p.issueGuarantee(
        loanId,
        { guaranteedAmount: yuan(50_000), feeRate: bp(100), feePaidBy: 'finance' },
        env(`g${i}`, '2011-01-08'),
      );
      await p.disburse(
        loanId,
        {
          amount: yuan(50_000),
          contractRate: bp(600),
          repaymentMethod: 'interest_quarterly_principal_at_maturity',
          bankContractNo: 'c',
          borrowerFees: yuan(0),
        },
        env(`d${i}`, '2011-01-10'),
      );
      if (i % 3 === 0)
        await p.repay(loanId, { principal: yuan(50_000), interest: 18_333 as never, borrowerFees: yuan(0) }, env(`r${i}`, '2011-02-01'));
    }
    await store.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const projector = () =>
    spawnTs('apps/projector/src/main.ts', [], { EVENT_STORE_PATH: path, PROJECTION_BATCH_SIZE: '37', STATUS_EVERY_MS: '100000' });

  it('resumes from its checkpoints without losing or counting twice', async () => {
    const read = new SqliteReadStore(path);
    const first = projector();
    const processed = async () => (await read.query('SELECT coalesce(sum(processed), 0) AS n FROM projection_generations'))[0].n as number;
    while ((await processed()) < 200) await new Promise((r) => setTimeout(r, 5));
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    const atKill = await processed();

    const second = projector();
    let out = '';
    second.stdout.on('data', (d) => (out += d));
    while (!/bulletin: live/.test(out)) await new Promise((r) => setTimeout(r, 20));
    second.kill('SIGTERM');
    await new Promise((r) => second.on('exit', r));

    const store = new SqliteEventStore({ path });
    const events = (await store.readAll()).map(toProjected);
    await store.close();
    expect(atKill).toBeLessThan(events.length * PROJECTIONS.length);
    for (const p of PROJECTIONS) {
      const [gen] = await read.generations(p.name);
      expect(gen.generation).toBe(1); // resumed, not started again
      for (const t of p.tables) expect(await storedRows(read, p, t.name)).toEqual(await foldedRows(p, events, t.name));
    }
    await read.close();
  }, 120_000);
});
