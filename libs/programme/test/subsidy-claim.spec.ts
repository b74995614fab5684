import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterestSubsidyClaimed, Quarter, SubsidyItem, fen, subsidyStream } from '@app/domain';
import { EventMetadata, EventStore, MAX_APPEND_BYTES, RecordedEvent, nameBasedUuid } from '@app/event-store';
import { CLAIM_ITEMS_PER_PART } from '@app/programme';
import { MemoryTx, SUBSIDY_BANK_QUARTERS, subsidyLedger, toProjected } from '@app/projections';
import { QUARTER_SUBSIDY_DUE, envelope, loansWithSubsidyDue, openFile, programmeOn } from '../../../test/support/programme';

/**
 * A bank's claim for a quarter lists every loan that earned subsidy in it. One of 16,000 loans (with the
 * UUIDs the API gives loans) is about 1.2 MB as one event, more than the store takes in one append, so it
 * is recorded in parts, each its own append; a request interrupted between parts is finished by sending it again.
 */
const LOANS = 16_000;
const QUARTER = '2011-Q1' as Quarter;
const DUE = QUARTER_SUBSIDY_DUE;
const ids = Array.from({ length: LOANS }, (_, i) => nameBasedUuid(`loan ${i}`));
const claim = (items = ids.map((loanId): SubsidyItem => ({ loanId, central: DUE, local: fen(0) })), claimId = 'ABC-2011-Q1') => ({
  claimId,
  bankCode: 'ABC',
  quarter: QUARTER,
  items,
});
const CLAIM_ON = '2011-04-05';
const PARTS = Math.ceil(LOANS / CLAIM_ITEMS_PER_PART);

/** What the store counts against its limit: the event's data and metadata as JSON. */
const appendBytes = (e: RecordedEvent) => Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata));
/** The bank's subsidy stream for the quarter: its claims' parts, as recorded. */
const subsidyEvents = async (store: EventStore) =>
  (await store.readStream(subsidyStream('ABC', QUARTER))).map((e) => ({ ...e, data: claimed(e), metadata: e.metadata as EventMetadata }));
const claimed = (e: RecordedEvent) => e.data as InterestSubsidyClaimed['data'];

/** The store as a process sees it that stops (a crash, a deploy) right after the first part of a claim is recorded. */
function stopsAfterFirstPart(store: EventStore): EventStore {
  let parts = 0;
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendToStream')
        return (...args: Parameters<EventStore['appendToStream']>) => {
          if (args[0].startsWith('subsidy-') && ++parts > 1) return Promise.reject(new Error('the process stopped between two parts'));
          return target.appendToStream(...args);
        };
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a subsidy claim too long for one append', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claim-parts-'));
  const template = join(dir, 'loans.db');
  const stores: EventStore[] = [];
  /** A programme on a copy of the loans, as a process that opens the file. */
  const opened = (name: string, wrap = (s: EventStore) => s) => {
    const store = wrap(openFile(join(dir, name)));
    stores.push(store);
    return programmeOn(store);
  };
  const copy = (name: string) => (copyFileSync(template, join(dir, name)), opened(name));
  beforeAll(async () => {
    const { handler, programme } = programmeOn(openFile(template));
    await loansWithSubsidyDue(programme, ids);
    await handler.store.close();
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused as too large in one part, and recorded in parts, each one append well under the limit', async () => {
    const { programme, handler } = copy('parts.db');
    await expect(programme.claimSubsidy(claim(), envelope('whole', CLAIM_ON), LOANS)).rejects.toMatchObject({ code: 'COMMAND.TOO_LARGE' });
    expect(await subsidyEvents(handler.store)).toEqual([]);

    const handled = await programme.claimSubsidy(claim(), envelope('claim', CLAIM_ON));
    const events = await subsidyEvents(handler.store);
    expect(PARTS).toBeGreaterThan(1);
    expect(events.map((e) => [e.revision, e.data.part, e.data.parts, e.metadata.commandId])).toEqual(
      Array.from({ length: PARTS }, (_, i) => [BigInt(i), i + 1, PARTS, `claim:part:${i + 1}`]),
    );
    // Each part was its own append: one event, with the request's correlation, at most CLAIM_ITEMS_PER_PART loans.
    for (const e of events) {
      expect(appendBytes(e)).toBeLessThan(MAX_APPEND_BYTES * 0.5);
      expect(e.data.items.length).toBeLessThanOrEqual(CLAIM_ITEMS_PER_PART);
      expect(e.metadata).toMatchObject({ correlationId: 'claim', causationId: 'claim' });
    }
    expect(events.flatMap((e) => e.data.items.map((i: SubsidyItem) => i.loanId))).toEqual(ids);
    expect(handled).toMatchObject({ duplicate: false, revision: BigInt(PARTS - 1) });
    expect(handled.appended.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(handled.state.claims['ABC-2011-Q1']).toMatchObject({ central: LOANS * DUE, parts: PARTS, partsRecorded: PARTS });

    const paid = await programme.paySubsidy(
      'ABC',
      QUARTER,
      { claimId: 'ABC-2011-Q1', central: fen(LOANS * DUE), local: fen(0) },
      envelope('pay', '2011-05-05'),
    );
    expect(paid.appended.map((e) => e.data)).toMatchObject([{ central: LOANS * DUE }]);
    await expectLedgerToShowOneClaim(handler.store, LOANS * DUE);
  }, 60_000);

  it('finishes a claim interrupted between parts when the request is sent again, each part recorded once', async () => {
    copyFileSync(template, join(dir, 'crash.db'));
    const first = opened('crash.db', stopsAfterFirstPart);
    await expect(first.programme.claimSubsidy(claim(), envelope('claim', CLAIM_ON))).rejects.toThrow(
      'the process stopped between two parts',
    );
    expect((await subsidyEvents(first.handler.store)).map((e) => e.data.part)).toEqual([1]);

    // Another process, after the restart: the half-recorded claim cannot be paid, and holds the quarter until it is finished.
    const { programme, handler } = opened('crash.db');
    const pay = (commandId: string) =>
      programme.paySubsidy(
        'ABC',
        QUARTER,
        { claimId: 'ABC-2011-Q1', central: fen(LOANS * DUE), local: fen(0) },
        envelope(commandId, '2011-05-05'),
      );
    await expect(pay('pay-early')).rejects.toMatchObject({ code: 'SUBSIDY.CLAIM_INCOMPLETE' });
    await expect(
      programme.claimSubsidy(
        claim(
          ids.slice(0, 1).map((loanId) => ({ loanId, central: fen(0), local: fen(1) })),
          'OTHER',
        ),
        envelope('other', CLAIM_ON),
      ),
    ).rejects.toMatchObject({ code: 'SUBSIDY.CLAIM_IN_PROGRESS' });

    const retried = await programme.claimSubsidy(claim(), envelope('claim', CLAIM_ON));
    expect(retried.duplicate).toBe(false);
    const events = await subsidyEvents(handler.store);
    expect(events.map((e) => [e.data.part, e.metadata.commandId])).toEqual(
      Array.from({ length: PARTS }, (_, i) => [i + 1, `claim:part:${i + 1}`]),
    );
    expect(retried.appended.map((e) => e.id)).toEqual(events.map((e) => e.id));

    const again = await programme.claimSubsidy(claim(), envelope('claim', CLAIM_ON));
    expect(again).toMatchObject({ duplicate: true, revision: BigInt(PARTS - 1) });
    expect(await subsidyEvents(handler.store)).toHaveLength(PARTS);
    await pay('pay');
    await expectLedgerToShowOneClaim(handler.store, LOANS * DUE);
  }, 60_000);

  it('records no part of a claim when a later part breaks a rule, such as a loan listed in two parts', async () => {
    const { programme, handler } = copy('refused.db');
    const items = ids.slice(0, 5).map((loanId) => ({ loanId, central: DUE, local: fen(0) }));
    const twice = [...items, { ...items[0], central: fen(1) }];
    await expect(programme.claimSubsidy(claim(twice), envelope('twice', CLAIM_ON), 2)).rejects.toMatchObject({
      code: 'SUBSIDY.LOAN_TWICE',
    });
    const over = [...items.slice(0, 4), { ...items[4], central: fen(DUE + 1) }];
    await expect(programme.claimSubsidy(claim(over), envelope('over', CLAIM_ON), 2)).rejects.toMatchObject({ code: 'SUBSIDY.EXCEEDS_DUE' });
    expect(await subsidyEvents(handler.store)).toEqual([]);
    const recorded = await programme.claimSubsidy(claim(items), envelope('good', CLAIM_ON), 2);
    expect(recorded.appended.map((e) => claimed(e).items.length)).toEqual([2, 2, 1]);
  });
});

/** The subsidy ledger, folded from the store: one claim for the bank and quarter, with the claim's totals, paid in full. */
async function expectLedgerToShowOneClaim(store: EventStore, central: number) {
  const events = await store.readAll({ filter: { eventTypePrefixes: [...subsidyLedger.eventTypes] } });
  const ledger = await MemoryTx.fold(subsidyLedger, events.map(toProjected));
  expect(ledger.rows(SUBSIDY_BANK_QUARTERS)).toEqual([
    expect.objectContaining({
      bank_code: 'ABC',
      quarter: QUARTER,
      central_due: central,
      central_claimed: central,
      central_paid: central,
      claims: 1,
    }),
  ]);
}
