import { MAX_APPEND_BYTES, NewEvent, SqliteEventStore, copyHistory } from '../src';

/**
 * Copying a history keeps each append as it was written. Two commands in a row on one stream (the parts of
 * a long subsidy claim) were two appends, each under the limit; copied as one they would not fit.
 */
describe('copying a history', () => {
  const event = (id: string, commandId: string, text: string): NewEvent => ({
    id,
    type: 'Noted',
    data: { text },
    metadata: { commandId },
  });

  it('copies consecutive appends of different commands on one stream as separate appends', async () => {
    const source = new SqliteEventStore({ path: ':memory:' });
    const target = new SqliteEventStore({ path: ':memory:' });
    const big = 'x'.repeat(MAX_APPEND_BYTES * 0.6);
    await source.appendToStream('claim-1', [event('00000000-0000-5000-8000-000000000001', 'request:part:1', big)], {
      expectedRevision: 'no_stream',
    });
    await source.appendToStream('claim-1', [event('00000000-0000-5000-8000-000000000002', 'request:part:2', big)], {
      expectedRevision: 0n,
    });
    // One command's events stay one append.
    await source.appendToStream(
      'claim-1',
      [event('00000000-0000-5000-8000-000000000003', 'other', 'a'), event('00000000-0000-5000-8000-000000000004', 'other', 'b')],
      { expectedRevision: 1n },
    );
    const appends: number[] = [];
    const append = target.appendToStream.bind(target);
    target.appendToStream = (name, events, options) => (appends.push(events.length), append(name, events, options));

    expect(await copyHistory(source, target)).toMatchObject({ copied: 4 });
    expect(appends).toEqual([1, 1, 2]);
    expect((await target.readStream('claim-1')).map((e) => [e.revision, e.id])).toEqual(
      (await source.readStream('claim-1')).map((e) => [e.revision, e.id]),
    );
    await source.close();
    await target.close();
  });
});
