import { randomUUID } from 'node:crypto';
import { JIANGXI_POLICIES, JIANGXI_REFERENCE, ReferenceData } from '@app/domain';
import { CommandHandler, SqliteCheckpointStore, SqliteEventStore } from '@app/event-store';
import { Programme, Reconciler } from '../src';

describe("the reconciler's first run over a long history", () => {
  it('gives the event loop a turn between pages, so the API answers while it reads', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const events = Array.from({ length: 5_000 }, (_, i) => ({ id: randomUUID(), type: 'Happened', data: { i }, metadata: {} }));
    await store.appendToStream('other-1', events, { expectedRevision: 'no_stream' });
    const programme = new Programme(
      new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) }),
    );
    const checkpoints = new SqliteCheckpointStore(':memory:');
    // Queued as the run starts: it runs at the loop's next turn, which a run of synchronous reads never gave.
    let served = false;
    const run = new Reconciler(programme, store, checkpoints).run({ graceMs: 0 });
    setImmediate(() => (served = true));
    const report = await run;
    expect(report.scanned).toBe(5_000);
    expect(served).toBe(true);
    checkpoints.close();
    await store.close();
  });
});
