/**
 * Appends events to a SQLite file as fast as it can, many in flight at once (so they share group
 * commits), and prints each event's id on its own line as soon as its append is acknowledged.
 * Usage: append-child.ts <path>. It runs until it is killed.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@app/event-store';

const store = new SqliteEventStore({ path: process.argv[2] });
const IN_FLIGHT = 16;

async function writer(w: number) {
  for (let n = 0; ; n++) {
    const id = randomUUID();
    await store.appendToStream(`durability-${w}`, [{ id, type: 'Appended', data: { w, n }, metadata: {} }], { expectedRevision: 'any' });
    process.stdout.write(`${id}\n`);
  }
}

for (let w = 0; w < IN_FLIGHT; w++) void writer(w);
