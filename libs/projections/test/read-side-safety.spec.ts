import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import {
  BUSINESS_LEDGER,
  PROJECTIONS,
  ProjectionRunner,
  ReadStore,
  businessLedger,
  projectAsOf,
  queryLedger,
  safeText,
  toProjected,
} from '../src';
import { READ_STORES } from './read-stores';
import { foldedRows, storedRows } from './rows';
import { smallProgramme } from './history';

// What PostgreSQL refuses in TEXT (U+0000), what has no UTF-8 form (lone surrogates), and what must survive (a pair).
const NAME = 'tea\u0000shop \uD83C\uDF75 =1+1';
const INDUSTRY = 'lone \uD800 high, lone \uDC00 low';
const CATEGORY = 'wo\u0000man';
const LOAN = 'N\u0000UL';

/**
 * Events already in the log (or from another writer) whose text a read store cannot hold as it is: a
 * copy of loan A's application under a loan id and a project name with U+0000 in them, then its guarantee.
 */
async function hostileLoan(store: SqliteEventStore) {
  const [applied] = (await store.readStream('loan-A')).filter((e) => e.type === 'LoanApplied');
  const data = applied.data as Record<string, unknown>;
  await store.appendToStream(
    'loan-NUL',
    [
      {
        id: randomUUID(),
        type: 'LoanApplied',
        data: { ...data, loanId: LOAN, categories: [CATEGORY], project: { name: NAME, industry: INDUSTRY } },
        metadata: applied.metadata,
      },
    ],
    { expectedRevision: 'any' },
  );
}

async function hostileGuarantee(store: SqliteEventStore) {
  const [issued] = (await store.readStream('loan-A')).filter((e) => e.type === 'GuaranteeIssued');
  await store.appendToStream(
    'loan-NUL',
    [{ id: randomUUID(), type: 'GuaranteeIssued', data: { ...(issued.data as object), loanId: LOAN }, metadata: issued.metadata }],
    { expectedRevision: 'any' },
  );
}

/** Starts the runner, failing with its status rather than waiting for ever if a projection cannot catch up. */
async function catchUp(runner: ProjectionRunner, ms = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not caught up: ${JSON.stringify(runner.status())}`)), ms);
  });
  try {
    await Promise.race([runner.start(), late]);
  } catch (error) {
    await runner.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

describe('text a read store cannot hold as it is', () => {
  it('becomes U+FFFD for U+0000 and lone surrogates, and nothing else changes', () => {
    expect(safeText(NAME)).toBe('tea\uFFFDshop \uD83C\uDF75 =1+1');
    expect(safeText(INDUSTRY)).toBe('lone \uFFFD high, lone \uFFFD low');
    expect(safeText('\uDC00\uD800')).toBe('\uFFFD\uFFFD'); // the wrong way round is no pair
    expect(safeText('脐橙种植')).toBe('脐橙种植');
  });
});

describe.each(READ_STORES)('an event with U+0000 in its text, on %s', (_, openReadStore) => {
  let dir: string;
  let store: SqliteEventStore;
  let readStore: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loans-safety-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
    readStore = await openReadStore(dir);
    await smallProgramme(store);
    await hostileLoan(store);
  });
  afterEach(async () => {
    await readStore.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not stall a projection: every ledger catches up, and follows the loan after a restart', async () => {
    const runner = new ProjectionRunner(store, readStore, PROJECTIONS, { batchSize: 4 });
    await catchUp(runner);
    expect(runner.status().map((s) => [s.name, s.state, s.error])).toEqual(PROJECTIONS.map((p) => [p.name, 'live', undefined]));
    await runner.stop();

    // After a restart the loan's row is read back from SQL by its key, which has U+0000 in it too.
    await hostileGuarantee(store);
    const restarted = new ProjectionRunner(store, readStore, [businessLedger]);
    await catchUp(restarted);
    await restarted.stop();

    const { rows } = await queryLedger(readStore, businessLedger, BUSINESS_LEDGER, { filters: { loan_id: LOAN } });
    expect(rows).toEqual([
      expect.objectContaining({
        loan_id: 'N\uFFFDUL',
        project_name: 'tea\uFFFDshop \uD83C\uDF75 =1+1',
        industry: 'lone \uFFFD high, lone \uFFFD low',
        categories: ['wo\uFFFDman'],
        status: 'guaranteed',
      }),
    ]);
    // The same rows as a fold in memory: a ledger as of a date reads like the live one.
    for (const t of businessLedger.tables)
      expect(await storedRows(readStore, businessLedger, t.name)).toEqual(
        await foldedRows(businessLedger, (await store.readAll()).map(toProjected), t.name),
      );
    const asOf = (await projectAsOf(store, businessLedger, {})).rows(BUSINESS_LEDGER).find((r) => r.loan_id === 'N\uFFFDUL');
    expect(asOf).toEqual(rows[0]);
  });
});

it('reads back the same rows from SQLite and from PostgreSQL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loans-safety-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
  await smallProgramme(store);
  await hostileLoan(store);
  await hostileGuarantee(store);
  const rows: Record<string, string[][]> = {};
  try {
    for (const [name, open] of READ_STORES) {
      const readStore = await open(dir);
      const runner = new ProjectionRunner(store, readStore, PROJECTIONS);
      await catchUp(runner);
      await runner.stop();
      rows[name] = [];
      for (const p of PROJECTIONS) for (const t of p.tables) rows[name].push(await storedRows(readStore, p, t.name));
      await readStore.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  expect(rows.SQLite.flat().some((r) => r.includes('tea\uFFFDshop'))).toBe(true);
  expect(rows.PostgreSQL).toEqual(rows.SQLite);
});
