import type { EventStore, Position } from '../store.port';
import { HistoryDigest } from './digest';
import { Hash, consistencyProof, inclusionProof, leafHash } from './merkle';
import { eachLinkAfter } from './seal';

/** A digest as a proof carries it: what was signed and the signature, without the sealer's resumption hints. */
export type SignedDigest = Omit<HistoryDigest, 'frontier' | 'lastPosition'>;
const signedPart = ({ month, treeSize, rootHash, keyId, signedAt, signature }: HistoryDigest): SignedDigest => ({
  month,
  treeSize,
  rootHash,
  keyId,
  signedAt,
  signature,
});

/**
 * That an event is in the history a digest signed: the event as recorded with the hash before it in its
 * stream (from which anyone recomputes its hash), its number in the global order, the RFC 6962 audit path
 * and the signed digest. `apps/cli/audit/verify-proof.mjs` checks it with Node alone and the public key.
 */
export interface InclusionProof {
  kind: 'inclusion';
  event: { streamName: string; revision: string; id: string; type: string; data: unknown; metadata: unknown; prev: string | null };
  leafIndex: number;
  treeSize: number;
  path: string[];
  digest: SignedDigest;
}

/** That the history a later digest signed extends the one an earlier digest signed: nothing before was rewritten. */
export interface ConsistencyProof {
  kind: 'consistency';
  older: SignedDigest;
  newer: SignedDigest;
  path: string[];
}

const hex = (hashes: Hash[]) => hashes.map((h) => h.toString('hex'));

/** The leaves of the first `treeSize` events, and the number of the event with `eventId` among them. */
async function leavesOf(store: EventStore, treeSize: number, eventId?: string) {
  const leaves: Hash[] = [];
  let found: { index: number; position: Position } | undefined;
  await eachLinkAfter(store, null, (e) => {
    if (leaves.length === treeSize) return false;
    if (!e.hash) throw new Error(`The event ${e.id} carries no hash: the history must be verified first`);
    if (e.id === eventId) found = { index: leaves.length, position: e.position };
    leaves.push(leafHash(e.hash));
  });
  if (leaves.length < treeSize) throw new Error(`The history holds ${leaves.length} events, fewer than the ${treeSize} the digest covers`);
  return { leaves, found };
}

export async function proveInclusion(store: EventStore, eventId: string, digest: HistoryDigest): Promise<InclusionProof> {
  const { leaves, found } = await leavesOf(store, digest.treeSize, eventId);
  if (!found) throw new RangeError(`The event ${eventId} is not among the ${digest.treeSize} events the digest of ${digest.month} covers`);
  const [e] = await store.readAll({ fromPosition: found.position, maxCount: 1 });
  const before = e.revision > 0n ? (await store.readStream(e.streamName, { fromRevision: e.revision - 1n, maxCount: 1 }))[0] : undefined;
  const recorded = e.asRecorded ?? e;
  return {
    kind: 'inclusion',
    event: {
      streamName: e.streamName,
      revision: String(e.revision),
      id: e.id,
      type: e.type,
      data: recorded.data,
      metadata: recorded.metadata,
      prev: before?.hash ?? null,
    },
    leafIndex: found.index,
    treeSize: digest.treeSize,
    path: hex(inclusionProof(leaves, found.index, digest.treeSize)),
    digest: signedPart(digest),
  };
}

export async function proveConsistency(store: EventStore, older: HistoryDigest, newer: HistoryDigest): Promise<ConsistencyProof> {
  if (older.treeSize > newer.treeSize) throw new RangeError(`The digest of ${older.month} covers more than that of ${newer.month}`);
  const { leaves } = await leavesOf(store, newer.treeSize);
  return {
    kind: 'consistency',
    older: signedPart(older),
    newer: signedPart(newer),
    path: older.treeSize === 0 ? [] : hex(consistencyProof(leaves, older.treeSize, newer.treeSize)),
  };
}
