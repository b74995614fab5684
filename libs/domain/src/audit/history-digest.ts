import { DomainEvent } from '../shared/decider';

/**
 * A month end sealed: the root of the Merkle tree over the whole history in global order, as it stood
 * when the month was sealed, signed with the programme's key. Auditors keep copies; a history rewritten
 * later no longer gives the signed root.
 */
export type HistoryDigestSigned = DomainEvent<
  'HistoryDigestSigned',
  {
    /** The month whose end it seals (YYYY-MM). */
    month: string;
    /** How many events of the history, in global order from the first, the tree covers. */
    treeSize: number;
    /** The tree's root (RFC 6962), hex. */
    rootHash: string;
    /** The signing key's id: the SHA-256 (hex) of its public key in SPKI DER form. */
    keyId: string;
    /** When it was signed (ISO 8601, UTC). */
    signedAt: string;
    /** Ed25519 signature (base64) over the canonical JSON of format, month, treeSize, rootHash, keyId and signedAt. */
    signature: string;
    /** The tree's right edge (size:hash of each complete subtree), from which the next month's digest goes on; not signed, it follows from the history. */
    frontier: string[];
    /** The store's position of the last event covered, or null for an empty history; not signed. */
    lastPosition: string | null;
  }
>;

export const digestStream = (month: string) => `digest-${month}`;

/**
 * A month's bulletin published: when, and the SHA-256 of its content as published, so that anyone can
 * rebuild it from the history as known at that moment and find the same bytes, whatever was recorded later.
 */
export type BulletinPublished = DomainEvent<
  'BulletinPublished',
  {
    /** The bulletin's month (YYYY-MM). */
    month: string;
    /** The moment whose knowledge it shows (ISO 8601, UTC): events recorded after it are not in it. */
    knownAt: string;
    /** SHA-256 (hex) of the canonical JSON (RFC 8785) of its rows, every region. */
    contentHash: string;
    /** How many regions' rows it holds. */
    rows: number;
  }
>;

export const bulletinPublicationStream = (month: string) => `bulletin-${month}`;

export type AuditEvent = HistoryDigestSigned | BulletinPublished;
