import { Fen, MAX_AMOUNT_FEN, Quarter, SubsidyCommand, SubsidyItem } from '@app/domain';
import { MAX_APPEND_BYTES, SqliteEventStore, nameBasedUuid } from '@app/event-store';
import { CLAIM_ITEMS_PER_PART, DECIDERS, claimPartCommandId } from '@app/programme';
import { programmeOn } from '../../../test/support/programme';

/**
 * The part size is chosen for the worst part the API lets through: every loan id as long as a claim's
 * item takes (64 characters), each character 4 bytes in UTF-8 (U+20000, a CJK ideograph JSON leaves as it
 * is), the largest amounts a part's totals can hold, and metadata with the longest actor, key and
 * correlation id. Recorded through the command handler on the embedded store, which measures an append as
 * EventStoreDB does.
 */
const LONGEST = (tag: string, length: number) => tag + '\u{20000}'.repeat(length - tag.length);

describe('one part of a subsidy claim', () => {
  it('stays well under what the event store takes in one append, with the longest ids and amounts', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const { handler } = programmeOn(store);
    const bankCode = LONGEST('B', 16);
    // As large as each of the part's amounts can be with its totals still exact (past 2^53 the command is refused).
    const amount = Math.floor(Number.MAX_SAFE_INTEGER / CLAIM_ITEMS_PER_PART) as Fen;
    const items: SubsidyItem[] = Array.from({ length: CLAIM_ITEMS_PER_PART }, (_, i) => ({
      loanId: LONGEST(String(i), 64),
      central: amount,
      local: amount,
    }));
    const dueByLoan = Object.fromEntries(items.map((i) => [i.loanId, { bankCode, central: amount, local: amount }]));
    const command: SubsidyCommand = {
      type: 'ClaimSubsidy',
      claimId: 'C'.repeat(64),
      bankCode,
      quarter: '2011-Q1' as Quarter,
      items,
      dueByLoan,
      part: 1,
      parts: 25, // 50,000 loans, the most a claim takes
    };
    const actor = { userId: 'u'.repeat(64), role: 'bank_clerk' as const, organisationId: 'o'.repeat(64) };
    const env = {
      commandId: claimPartCommandId(nameBasedUuid('the longest key'), 25),
      actor,
      businessDate: '2011-04-05' as never,
      correlationId: 'k'.repeat(128),
    };
    await handler.handle('subsidy-part', DECIDERS.subsidy, command, env);
    const [event] = await store.readStream('subsidy-part');
    const bytes = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
    // An amount of the API's largest (14 digits) is at most one digit longer than these, for each of the two per loan.
    const worst = bytes + 2 * CLAIM_ITEMS_PER_PART * (String(MAX_AMOUNT_FEN).length - String(amount).length);
    expect(worst).toBeLessThan(MAX_APPEND_BYTES * 0.65);
    await store.close();
  });
});
