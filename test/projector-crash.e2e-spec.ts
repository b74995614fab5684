import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData, SYSTEM_ACTOR, bp, yuan } from '@app/domain';
import { CommandHandler, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';
import { PROJECTIONS, SqliteReadStore, toProjected } from '@app/projections';
import { comparePositions, positionFromString } from '@app/event-store';
import { foldedRows, storedRows } from '../libs/projections/test/rows';
import { spawnTs } from './support/spawn';

/** A projector killed (SIGKILL) in the middle of its work, then restarted, ends with the rows of one that never stopped. */
describe('the projector killed mid-batch', () => {
  let dir: string;
  let path: string;
  let pristine: string;
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
    // The same events with no projection run yet, for the second test.
    copyFileSync(path, (pristine = join(dir, 'pristine.db')));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const projector = () =>
    spawnTs('apps/projector/src/main.ts', [], {
      EVENT_STORE_PATH: path,
      PROJECTION_BATCH_SIZE: '37',
      PROJECTION_REBUILD_FLUSH: '37',
      STATUS_EVERY_MS: '100000',
    });

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

  it('killed inside a batch that every projection shares, resumes each from its own checkpoint, nothing lost or counted twice', async () => {
    const source = new SqliteEventStore({ path: pristine });
    const events = await source.readAll();
    await source.close();
    const fresh = new SqliteReadStore(pristine);

    // Stalled on the bulletin's 300th event, mid-way through a batch of 37: the others have applied it in memory.
    const stalled = spawnTs('test/support/stalled-projector.ts', [pristine], {
      PROJECTION_BATCH_SIZE: '37',
      PROJECTION_REBUILD_FLUSH: '37',
      STALL_AT: '300',
    });
    let said = '';
    stalled.stdout.on('data', (d) => (said += d));
    while (!/stalled at (\S+)/.test(said)) await new Promise((r) => setTimeout(r, 10));
    stalled.kill('SIGKILL');
    await new Promise((r) => stalled.on('exit', r));
    const at = events.find((e) => e.id === /stalled at (\S+)/.exec(said)![1])!.position;

    // Every projection has committed batches, and stopped short of the event it was killed on, with events of
    // its own types applied in memory and lost with the process.
    const generations = await Promise.all(PROJECTIONS.map(async (p) => (await fresh.generations(p.name))[0]));
    for (const [i, gen] of generations.entries()) {
      const p = PROJECTIONS[i];
      expect(gen.checkpoint).not.toBeNull();
      expect(comparePositions(positionFromString(gen.checkpoint!), at)).toBeLessThan(0);
      const pending = events.filter(
        (e) =>
          p.eventTypes.includes(e.type) &&
          comparePositions(e.position, positionFromString(gen.checkpoint!)) > 0 &&
          comparePositions(e.position, at) <= 0,
      );
      expect({ name: p.name, pendingAtKill: pending.length > 0 }).toEqual({ name: p.name, pendingAtKill: true });
    }

    const second = spawnTs('apps/projector/src/main.ts', [], {
      EVENT_STORE_PATH: pristine,
      PROJECTION_BATCH_SIZE: '37',
      PROJECTION_REBUILD_FLUSH: '37',
      STATUS_EVERY_MS: '100000',
    });
    let out = '';
    second.stdout.on('data', (d) => (out += d));
    while (!/bulletin: live/.test(out)) await new Promise((r) => setTimeout(r, 20));
    second.kill('SIGTERM');
    await new Promise((r) => second.on('exit', r));

    const projected = events.map(toProjected);
    for (const p of PROJECTIONS) {
      const [gen] = await fresh.generations(p.name);
      expect(gen.generation).toBe(1); // resumed, not started again
      // Every event of its types counted once, and the rows of a fold over all of them.
      expect({ name: p.name, processed: gen.processed }).toEqual({
        name: p.name,
        processed: projected.filter((e) => p.eventTypes.includes(e.type)).length,
      });
      for (const t of p.tables) expect(await storedRows(fresh, p, t.name)).toEqual(await foldedRows(p, projected, t.name));
    }
    await fresh.close();
  }, 120_000);
});
