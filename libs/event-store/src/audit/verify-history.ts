import type { KeyObject } from 'node:crypto';
import { positionToString } from '../store.port';
import type { EventStore, RecordedEvent } from '../store.port';
import { eventHash } from './chain';
import { HistoryDigest, digestSignatureHolds } from './digest';
import { MerkleFrontier, leafHash } from './merkle';
import { eachEventAfter, recordedDigests } from './seal';

/** One thing found wrong with the history, in words an auditor can act on, and where. */
export interface HistoryProblem {
  kind: 'content' | 'chain' | 'missing' | 'digest' | 'signature' | 'copy';
  message: string;
  /** The event named, where one can be: its store position, stream and revision. */
  at?: { position: string; streamName: string; revision: string; id: string; type: string };
}

export interface HistoryReport {
  events: number;
  streams: number;
  /** The digests checked, by month, and whether the history still gives each one's root. */
  digests: Array<{ month: string; treeSize: number; holds: boolean }>;
  problems: HistoryProblem[];
}

const where = (e: RecordedEvent) => ({
  position: positionToString(e.position),
  streamName: e.streamName,
  revision: String(e.revision),
  id: e.id,
  type: e.type,
});
const named = (e: RecordedEvent) => `${e.type} ${e.id} (${e.streamName}, revision ${e.revision}, position ${positionToString(e.position)})`;

/**
 * Replays the whole history in global order and checks, for every event, that its content as recorded
 * gives its hash with the previous hash of its stream (so an edited, removed or inserted event is named),
 * and that the Merkle root over the first `treeSize` events equals the root each signed digest holds (so a
 * history rewritten with fresh hashes, or reordered, is caught by any digest signed before). Digests are
 * the auditor's own copies when given, else those recorded in the history; every one must be signed by
 * `publicKey`, and a recorded digest must equal the auditor's copy of its month.
 */
export async function verifyHistory(
  store: EventStore,
  options: { publicKey: KeyObject; digests?: HistoryDigest[]; onProgress?: (events: number) => void },
): Promise<HistoryReport> {
  const problems: HistoryProblem[] = [];
  const recorded = await recordedDigests(store);
  const digests = [...(options.digests ?? recorded)].sort((a, b) => a.treeSize - b.treeSize);
  for (const d of digests)
    if (!digestSignatureHolds(d, options.publicKey))
      problems.push({
        kind: 'signature',
        message: `The digest of ${d.month} is not signed by the programme's key, or was changed after signing`,
      });
  if (options.digests)
    for (const r of recorded) {
      const copy = options.digests.find((d) => d.month === r.month);
      if (copy && (copy.rootHash !== r.rootHash || copy.treeSize !== r.treeSize || copy.signature !== r.signature))
        problems.push({ kind: 'copy', message: `The digest of ${r.month} recorded in the history differs from the auditor's copy` });
    }

  const heads = new Map<string, { revision: bigint; hash: string }>();
  const frontier = new MerkleFrontier();
  const results: HistoryReport['digests'] = [];
  let next = 0;
  const checkDigests = () => {
    while (next < digests.length && digests[next].treeSize === frontier.size) {
      const d = digests[next++];
      const holds = frontier.root().toString('hex') === d.rootHash;
      results.push({ month: d.month, treeSize: d.treeSize, holds });
      if (!holds) {
        const from = next > 1 ? digests[next - 2].treeSize + 1 : 1;
        problems.push({
          kind: 'digest',
          message:
            `The first ${d.treeSize} events no longer give the root signed for ${d.month}: ` +
            `an event among numbers ${from} to ${d.treeSize} of the history was changed, removed, inserted or moved`,
        });
      }
    }
  };
  checkDigests();
  await eachEventAfter(store, null, (e) => {
    const head = heads.get(e.streamName);
    const expected = head ? head.revision + 1n : 0n;
    if (e.revision !== expected)
      problems.push({
        kind: 'missing',
        at: where(e),
        message: `${named(e)} follows revision ${head ? head.revision : 'none'} of its stream: ${e.revision > expected ? 'events before it are missing' : 'it is out of order'}`,
      });
    const recordedAs = e.asRecorded ?? e;
    const hash = eventHash(head?.hash ?? null, { ...e, data: recordedAs.data, metadata: recordedAs.metadata });
    if (hash !== e.hash)
      problems.push({
        kind: e.hash ? 'content' : 'chain',
        at: where(e),
        message: e.hash
          ? `${named(e)} is not as it was recorded: its content, or the event before it in its stream, no longer gives its hash`
          : `${named(e)} carries no hash`,
      });
    // The stored hash links on, so that one edited event is named once, not with every later one.
    heads.set(e.streamName, { revision: e.revision, hash: e.hash ?? hash });
    frontier.push(leafHash(hash));
    options.onProgress?.(frontier.size);
    checkDigests();
  });
  for (const d of digests.slice(next)) {
    results.push({ month: d.month, treeSize: d.treeSize, holds: false });
    problems.push({
      kind: 'digest',
      message: `The digest of ${d.month} covers ${d.treeSize} events, but the history holds only ${frontier.size}: events were removed`,
    });
  }
  return { events: frontier.size, streams: heads.size, digests: results, problems };
}
