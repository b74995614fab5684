export { canonicalJson } from './canonical';
export { eventHash } from './chain';
export * from './digest';
export { MerkleFrontier, leafHash, subtreeRoot, verifyConsistency, verifyInclusion } from './merkle';
export * from './proofs';
export { eachEventAfter, eachLinkAfter, recordedDigest, recordedDigests, sealMonth } from './seal';
export * from './verify-history';
