import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';

/** What an event's hash is taken over: everything recorded about it but its place in the global order and the store's clock. */
export interface ChainedContent {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

/**
 * An event's link in its stream's hash chain: SHA-256 (hex) of the canonical JSON of its stream, revision,
 * id, type, data and metadata as recorded (before any upcasting), and the hash of the event before it in
 * its stream (`prev`, null for a stream's first event). Changing, removing or inserting an event breaks
 * the chain at the next event of its stream; the Merkle tree over the global order covers the order.
 */
export function eventHash(prev: string | null, e: ChainedContent): string {
  return eventHashOf(prev, e, canonicalJson(e.data), canonicalJson(e.metadata ?? {}));
}

/**
 * The same hash from data and metadata already in canonical form (the embedded store stores them so):
 * the canonical JSON of the whole is put together around them, its keys in their sorted order.
 */
export function eventHashOf(
  prev: string | null,
  e: Pick<ChainedContent, 'streamName' | 'revision' | 'id' | 'type'>,
  canonicalData: string,
  canonicalMetadata: string,
): string {
  const content =
    `{"data":${canonicalData},"id":${JSON.stringify(e.id)},"metadata":${canonicalMetadata},` +
    `"prev":${prev === null ? 'null' : JSON.stringify(prev)},"revision":${Number(e.revision)},` +
    `"stream":${JSON.stringify(e.streamName)},"type":${JSON.stringify(e.type)}}`;
  return createHash('sha256').update(content).digest('hex');
}

/** Hashes a stream's new events in order after the head's hash (null for a new stream). */
export function chainEvents(
  prev: string | null,
  streamName: string,
  firstRevision: bigint,
  events: ReadonlyArray<{ id: string; type: string; data: unknown; metadata: unknown }>,
): string[] {
  const hashes: string[] = [];
  let last = prev;
  events.forEach((e, i) => {
    last = eventHash(last, { streamName, revision: firstRevision + BigInt(i), id: e.id, type: e.type, data: e.data, metadata: e.metadata });
    hashes.push(last);
  });
  return hashes;
}
