import { anything, arr, bool, instant, int, nullable, obj, oneOf, str } from '../http/schema';

/** The answers of the auditors' endpoints (see http/schema.ts and docs/audit.md). */
const signed = {
  month: str,
  treeSize: int,
  rootHash: str,
  keyId: str,
  signedAt: instant,
  signature: str,
};
export const SIGNED_DIGEST = obj(signed);
export const DIGEST = obj({ ...signed, frontier: arr(str), lastPosition: str });
export const DIGESTS = arr(DIGEST);
export const PUBLIC_KEY = obj({ algorithm: oneOf('Ed25519'), keyId: str, publicKeyPem: str });

const publication = { month: str, knownAt: instant, contentHash: str, rows: { type: 'integer', description: 'Regions in it' } };
export const PUBLICATION = obj(publication);
export const REPLAYS = arr(obj({ ...publication, reproducedHash: str, same: bool }));

export const INCLUSION = obj({
  kind: oneOf('inclusion'),
  event: obj({ streamName: str, revision: str, id: str, type: str, data: anything, metadata: anything, prev: nullable(str) }),
  leafIndex: int,
  treeSize: int,
  path: arr(str),
  digest: SIGNED_DIGEST,
});
export const CONSISTENCY = obj({ kind: oneOf('consistency'), older: SIGNED_DIGEST, newer: SIGNED_DIGEST, path: arr(str) });

const EVENT_AT = obj({ position: str, streamName: str, revision: str, id: str, type: str });
const HISTORY = obj({
  events: int,
  streams: int,
  digests: arr(obj({ month: str, treeSize: int, holds: bool })),
  problems: arr(obj({ kind: oneOf('content', 'chain', 'missing', 'digest', 'signature', 'copy'), message: str, at: EVENT_AT }, ['at'])),
});
const PROJECTIONS = obj({
  rows: int,
  differences: arr(obj({ projection: str, table: str, key: str, live: anything, rebuilt: anything }, ['live', 'rebuilt'])),
  samePosition: bool,
});
export const VERIFICATION = obj(
  {
    state: oneOf('running', 'done', 'failed'),
    startedAt: instant,
    finishedAt: instant,
    events: int,
    history: HISTORY,
    projections: PROJECTIONS,
    ok: bool,
    error: str,
  },
  ['finishedAt', 'history', 'projections', 'ok', 'error'],
);
