import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessDate, Decider, DomainEvent, Fen, ZERO, add } from '@app/domain';
import { MAX_APPEND_BYTES } from '@app/event-store';
import { envelope, openFile, programmeOn } from '../../../test/support/programme';

/**
 * The API bounds every figure it takes, so no request reaches a total past 2^53 fen today; the command
 * handler is the last line should a rule ever add up to one: the command is refused as bad input, with
 * COMMAND.NUMBER_OUT_OF_RANGE, and nothing is appended, so no stream holds an event it cannot fold.
 */
// Published event types, as every event recorded must be; the deciders are the tests' own.
const credit = (amount: Fen) => ({ fundId: 'F', loanId: 'L', amount, reservedOn: '2011-01-05' as BusinessDate });
type Added = DomainEvent<'FundExposureReserved', ReturnType<typeof credit>>;
const tally: Decider<{ amount: Fen }, Added, Fen> = {
  initialState: () => ZERO,
  decide: (c) => [{ type: 'FundExposureReserved', data: credit(c.amount) }],
  evolve: (total, e) => add(total, e.data.amount),
};

const writeOff = (approvalRef: string) => ({
  loanId: 'L',
  fundId: 'F',
  borrowerId: 'B',
  amount: ZERO,
  approvalRef,
  writtenOffOn: '2011-01-05' as BusinessDate,
});
type Noted = DomainEvent<'LoanWrittenOff', ReturnType<typeof writeOff>>;
const notes: Decider<{ text: string }, Noted, number> = {
  initialState: () => 0,
  decide: (c) => [{ type: 'LoanWrittenOff', data: writeOff(c.text) }],
  evolve: (n) => n + 1,
};

describe('a command whose events are more than the store takes in one write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'too-large-'));
  const { handler } = programmeOn(openFile(join(dir, 'events.db')));
  afterAll(async () => {
    await handler.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused as too large, in words that say what to do, and nothing is appended', async () => {
    const text = 'x'.repeat(MAX_APPEND_BYTES);
    await expect(handler.handle('notes-1', notes, { text }, envelope('big', '2011-01-05'))).rejects.toMatchObject({
      code: 'COMMAND.TOO_LARGE',
      message: expect.stringMatching(/more than the 1024 KB the event store takes at once; send it in smaller parts/),
    });
    expect(await handler.store.readStream('notes-1')).toEqual([]);
    await handler.handle('notes-1', notes, { text: 'small' }, envelope('small', '2011-01-05'));
    expect((await handler.load('notes-1', notes)).state).toBe(1);
  });
});

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
    expect((await handler.store.readStream('tally-1')).map((e) => e.data)).toEqual([credit(half)]);
    expect((await handler.load('tally-1', tally)).state).toBe(half);
  });
});
