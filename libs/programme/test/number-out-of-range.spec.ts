import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decider, DomainEvent, Fen, ZERO, add } from '@app/domain';
import { envelope, openFile, programmeOn } from '../../../test/support/programme';

/**
 * The API bounds every figure it takes, so no request reaches a total past 2^53 fen today; the command
 * handler is the last line should a rule ever add up to one: the command is refused as bad input, with
 * COMMAND.NUMBER_OUT_OF_RANGE, and nothing is appended, so no stream holds an event it cannot fold.
 */
type Added = DomainEvent<'Added', { amount: Fen }>;
const tally: Decider<{ amount: Fen }, Added, Fen> = {
  initialState: () => ZERO,
  decide: (c) => [{ type: 'Added', data: { amount: c.amount } }],
  evolve: (total, e) => add(total, e.data.amount),
};

describe('a command whose events cannot be folded exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'out-of-range-'));
  const { handler } = programmeOn(openFile(join(dir, 'events.db')));
  afterAll(async () => {
    await handler.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused as a figure too large to record, and nothing is appended', async () => {
    const half = (2 ** 52) as Fen;
    await handler.handle('tally-1', tally, { amount: half }, envelope('first', '2011-01-05'));
    await expect(handler.handle('tally-1', tally, { amount: half }, envelope('second', '2011-01-05'))).rejects.toMatchObject({
      code: 'COMMAND.NUMBER_OUT_OF_RANGE',
    });
    expect((await handler.store.readStream('tally-1')).map((e) => e.data)).toEqual([{ amount: half }]);
    expect((await handler.load('tally-1', tally)).state).toBe(half);
  });
});
