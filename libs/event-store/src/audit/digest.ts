import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { HistoryDigestSigned } from '@app/domain';
import { canonicalJson } from './canonical';

export type HistoryDigest = HistoryDigestSigned['data'];

/** The name of what a digest's signature covers, so that a signature can never be taken for another document's. */
export const DIGEST_FORMAT = 'start-up-loans/history-digest/1';

/** The programme's signing key (Ed25519) and the id its digests name it by. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** The id of a public key: SHA-256 (hex) of its SPKI DER form, as any tool can compute it. */
export const keyIdOf = (publicKey: KeyObject) =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

/** A signing key from its PKCS#8 PEM; refuses any key that is not Ed25519. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`The audit signing key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType ?? 'a secret key'}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function newSigningKey(): { key: SigningKey; pem: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key: signingKeyFromPem(pem), pem };
}

export const publicKeyPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

/** The bytes a digest's signature is over: the canonical JSON of its format, month, size, root, key and time. */
export function signedContent(d: Pick<HistoryDigest, 'month' | 'treeSize' | 'rootHash' | 'keyId' | 'signedAt'>): Buffer {
  const { month, treeSize, rootHash, keyId, signedAt } = d;
  return Buffer.from(canonicalJson({ format: DIGEST_FORMAT, keyId, month, rootHash, signedAt, treeSize }));
}

export const signDigest = (key: SigningKey, d: Parameters<typeof signedContent>[0]) =>
  sign(null, signedContent(d), key.privateKey).toString('base64');

/** Whether the digest was signed by this public key, and its signed parts are as they were signed. */
export function digestSignatureHolds(d: HistoryDigest, publicKey: KeyObject): boolean {
  if (d.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(null, signedContent(d), publicKey, Buffer.from(d.signature, 'base64'));
  } catch {
    return false;
  }
}
