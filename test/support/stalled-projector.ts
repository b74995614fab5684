import { writeSync } from 'node:fs';
import { SqliteEventStore } from '@app/event-store';
import { PROJECTIONS, Projection, ProjectionRunner, SqliteReadStore, runnerOptionsFromEnv } from '@app/projections';

/**
 * The projector's runner over every projection, stalled for good inside one shared batch: the last
 * projection, on its `STALL_AT`th event, prints that event's id and blocks, so that a test can SIGKILL the
 * process there, with every projection holding rows of the batch that are not committed, and not by luck
 * of the clock. Arguments: the event store's path; env: PROJECTION_BATCH_SIZE, PROJECTION_REBUILD_FLUSH, STALL_AT.
 */
const stallAt = Number(process.env.STALL_AT);
let seen = 0;
const last = PROJECTIONS[PROJECTIONS.length - 1];
const stalling: Projection = {
  ...last,
  apply(e, tx) {
    last.apply(e, tx);
    if (++seen !== stallAt) return;
    writeSync(1, `stalled at ${e.id}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until killed
  },
};

const path = process.argv[2];
const runner = new ProjectionRunner(
  new SqliteEventStore({ path }),
  new SqliteReadStore(path),
  [...PROJECTIONS.slice(0, -1), stalling],
  runnerOptionsFromEnv(),
);
void runner.start();
